package io.x402j.sales;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.TokenAmount;
import io.x402j.server.Sale;
import io.x402j.server.SaleState;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Attacks on the sales record: what replays and a stuck database do to it. */
class SalesRecordAttackTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  @TempDir Path dir;

  @Test
  void replaysOfOneSettledPaymentNeitherHideTheOtherPaymentsNorTurnItRefused() {
    try (JdbcSalesRecord record = JdbcSalesRecord.open("jdbc:sqlite:" + dir.resolve("s.db"))) {
      for (int i = 0; i < 5; i++) {
        record.record(
            Sales.sale(
                T0.plusSeconds(i), SaleState.SETTLED, "GET /a", 10, "0xP" + i, "id-" + i, "0xt"));
      }
      // Anyone holding the settled payment id-0 may send it again and again: each is refused.
      for (int i = 0; i < 100; i++) {
        Sale replay =
            Sales.sale(
                T0.plusSeconds(10 + i), SaleState.REFUSED, "GET /a", 10, "0xP0", "id-0", null);
        record.record(replay);
      }
      List<Sale> latest = record.latest(20);
      assertThat(latest)
          .extracting(Sale::paymentId)
          .containsExactlyInAnyOrder("id-0", "id-1", "id-2", "id-3", "id-4");
      assertThat(latest)
          .filteredOn(s -> "id-0".equals(s.paymentId()))
          .singleElement()
          .satisfies(s -> assertThat(s.state()).isEqualTo(SaleState.SETTLED));
    }
  }

  @Test
  void aLockedSalesTableDoesNotHoldASaleForever() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
      try (JdbcSalesRecord record = JdbcSalesRecord.open(url, Map.of("X402J_DB_USER", "postgres"));
          Connection locker = postgres.getPostgresDatabase().getConnection();
          Statement s = locker.createStatement()) {
        // A migration, a VACUUM FULL or an operator's transaction holds the table.
        locker.setAutoCommit(false);
        s.execute("LOCK TABLE x402j_sales IN ACCESS EXCLUSIVE MODE");
        try {
          CompletableFuture<Throwable> sale =
              CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      record.record(
                          Sales.sale(T0, SaleState.SETTLED, "GET /a", 7, "0xP", "id", "0xt"));
                      return null;
                    } catch (RuntimeException e) {
                      return e;
                    }
                  },
                  pool);
          // The gate records on the request's thread: the sale must go on, unrecorded.
          assertThat(sale)
              .succeedsWithin(Duration.ofSeconds(5))
              .isInstanceOf(JdbcSalesRecord.SalesRecordException.class);
        } finally {
          locker.rollback();
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void topPayersAreRankedWithinTheirTokenNotAcrossDecimals() {
    try (JdbcSalesRecord r = JdbcSalesRecord.open("jdbc:sqlite:" + dir.resolve("t.db"))) {
      r.record(Sales.sale(T0, SaleState.SETTLED, "GET /a", 5_000_000, "0xBIG", "id-big", "0xt"));
      for (int i = 0; i < 10; i++) {
        r.record(
            new Sale(
                T0,
                SaleState.SETTLED,
                "GET",
                "GET /b",
                "exact",
                Sales.BASE_SEPOLIA,
                "0x6B175474E89094C44Da98b954EedeAC495271d0F",
                TokenAmount.of(10_000_000_000L),
                Sales.SELLER,
                "0xDUST" + i,
                "id-" + i,
                "0xt",
                null,
                2));
      }
      assertThat(r.topPayers(T0, 10)).extracting(SalesTotal::key).contains("0xBIG");
    }
  }
}
