package io.x402j.sales;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.server.SaleState;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcSalesRecordSqliteTest extends JdbcSalesRecordContract {
  @TempDir Path temp;
  JdbcSalesRecord open;

  @Override
  JdbcSalesRecord record() {
    open = JdbcSalesRecord.open("jdbc:sqlite:" + temp.resolve("sub/sales.db"));
    return open;
  }

  @AfterEach
  void close() {
    if (open != null) {
      open.close();
    }
  }

  @Test
  void noInsertRunsSqlitesCheckpointTheBackgroundCheckpointCopiesTheLog() throws Exception {
    String url = "jdbc:sqlite:" + temp.resolve("wal.db");
    try (JdbcSalesRecord r = JdbcSalesRecord.open(url)) {
      // Far more than SQLite's default automatic checkpoint (1,000 pages) would let accumulate.
      for (int i = 0; i < 4_000; i++) {
        r.record(Sales.sale(T0, SaleState.SETTLED, "GET /a", 1, "0xP", "id" + i, "0xt"));
      }
      try (java.sql.Connection c = r.dataSource().getConnection();
          java.sql.Statement s = c.createStatement()) {
        try (java.sql.ResultSet rs = s.executeQuery("PRAGMA wal_autocheckpoint")) {
          rs.next();
          assertThat(rs.getInt(1)).as("automatic checkpoints on the pool's connections").isZero();
        }
      }
      long walBefore = java.nio.file.Files.size(temp.resolve("wal.db-wal"));
      assertThat(walBefore).as("the log holds every insert").isGreaterThan(4_000_000);

      r.checkpoint();

      try (java.sql.Connection c = r.dataSource().getConnection();
          java.sql.Statement s = c.createStatement();
          java.sql.ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
        rs.next();
        assertThat(rs.getInt(3))
            .as("frames checkpointed, of %d in the log", rs.getInt(2))
            .isEqualTo(rs.getInt(2));
      }
      assertThat(r.countsByState(Instant.EPOCH)).containsEntry(SaleState.SETTLED, 4_000L);
    }
  }

  @Test
  void reopeningKeepsTheRowsAndDoesNotMigrateTwice() {
    String url = "jdbc:sqlite:" + temp.resolve("sales.db");
    try (JdbcSalesRecord r = JdbcSalesRecord.open(url)) {
      r.record(Sales.sale(T0, SaleState.SETTLED, "GET /a", 1, "0xP", "id", "0xt"));
    }
    try (JdbcSalesRecord r = JdbcSalesRecord.open(url)) {
      assertThat(r.countsByState(Instant.EPOCH)).containsEntry(SaleState.SETTLED, 1L);
    }
  }

  @Test
  void anUnsupportedUrlIsNamed() {
    assertThatThrownBy(() -> JdbcSalesRecord.open("jdbc:mysql://h/db"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:sqlite:FILE");
  }

  @Test
  void aRecordWhoseTableIsGoneThrowsWithoutTheSale() {
    JdbcSalesRecord r = record();
    try (var c =
            org.sqlite.JDBC.createConnection(
                "jdbc:sqlite:" + temp.resolve("sub/sales.db"), new java.util.Properties());
        var s = c.createStatement()) {
      s.execute("DROP TABLE x402j_sales");
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
    assertThatThrownBy(
            () -> r.record(Sales.sale(T0, SaleState.SETTLED, "GET /a", 1, "0xP", "id", "0xt")))
        .isInstanceOf(JdbcSalesRecord.SalesRecordException.class)
        .hasMessageContaining("recording a sale failed");
  }
}
