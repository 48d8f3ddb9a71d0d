package io.x402j.facilitator;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

class SqlitePaymentIdentifierStoreTest extends PaymentIdentifierStoreContract {
  @TempDir static Path dir;
  static JdbcSettlementLedger ledger;
  static JdbcSettlementLedger second;

  @BeforeAll
  static void open() {
    String url = "jdbc:sqlite:" + dir.resolve("ledger.db");
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
