package io.x402j.facilitator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store on a real PostgreSQL, raced through two pools as two facilitator instances would. */
class PostgresPaymentIdentifierStoreTest extends PaymentIdentifierStoreContract {
  static JdbcSettlementLedger ledger;
  static JdbcSettlementLedger second;

  @BeforeAll
  static void open() {
    String url = TestPostgres.newDatabase();
    ledger = JdbcSettlementLedger.open(url);
    second = JdbcSettlementLedger.open(url);
  }

  @AfterAll
  static void close() {
    second.close();
    ledger.close();
  }

  @Override
  PaymentIdentifierStore store() {
    return ledger.paymentIdentifiers();
  }

  @Override
  PaymentIdentifierStore sameStorage() {
    return second.paymentIdentifiers();
  }
}
