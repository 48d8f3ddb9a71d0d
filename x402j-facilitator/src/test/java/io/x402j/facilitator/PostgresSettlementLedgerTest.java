package io.x402j.facilitator;

import io.x402j.settlement.SettlementLedger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class PostgresSettlementLedgerTest extends SettlementLedgerContract {
  static JdbcSettlementLedger ledger;

  @BeforeAll
  static void open() {
    ledger = JdbcSettlementLedger.open(TestPostgres.newDatabase());
  }

  @AfterAll
  static void close() {
    ledger.close();
  }

  @Override
  SettlementLedger ledger() {
    return ledger;
  }
}
