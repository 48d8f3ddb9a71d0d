package io.x402j.facilitator;

import io.x402j.settlement.SettlementLedger;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class SqliteSettlementLedgerTest extends SettlementLedgerContract {
  static Path dir;
  static JdbcSettlementLedger ledger;

  @BeforeAll
  static void open() throws Exception {
    dir = Files.createTempDirectory("x402j-ledger");
    ledger = JdbcSettlementLedger.open("jdbc:sqlite:" + dir.resolve("sub/ledger.db"));
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
