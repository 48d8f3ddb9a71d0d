package io.x402j.sales;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.server.SaleState;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JdbcSalesRecordPostgresTest extends JdbcSalesRecordContract {
  static EmbeddedPostgres postgres;
  static final AtomicInteger DATABASES = new AtomicInteger();
  JdbcSalesRecord open;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stop() throws Exception {
    postgres.close();
  }

  static String freshDatabase() throws Exception {
    String name = "sales" + DATABASES.incrementAndGet();
    try (var c = postgres.getPostgresDatabase().getConnection();
        var s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + name;
  }

  @Override
  JdbcSalesRecord record() {
    try {
      open = JdbcSalesRecord.open(freshDatabase(), Map.of("X402J_DB_USER", "postgres"));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    return open;
  }

  @AfterEach
  void close() {
    if (open != null) {
      open.close();
    }
  }

  @Test
  void twoInstancesSharingOneDatabaseMigrateOnceAndSeeEachOthersSales() throws Exception {
    String url = freshDatabase();
    Map<String, String> env = Map.of("X402J_DB_USER", "postgres");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch go = new CountDownLatch(1);
    try {
      // Both start at once: Flyway's lock lets one migrate, the other sees it migrated.
      Future<JdbcSalesRecord> a =
          pool.submit(
              () -> {
                go.await();
                return JdbcSalesRecord.open(url, env);
              });
      Future<JdbcSalesRecord> b =
          pool.submit(
              () -> {
                go.await();
                return JdbcSalesRecord.open(url, env);
              });
      go.countDown();
      try (JdbcSalesRecord one = a.get();
          JdbcSalesRecord two = b.get()) {
        one.record(Sales.sale(T0, SaleState.SETTLED, "GET /a", 7, "0xP", "id-a", "0xta"));
        two.record(Sales.sale(T0, SaleState.SETTLED, "GET /a", 8, "0xQ", "id-b", "0xtb"));
        assertThat(one.totals(Instant.EPOCH))
            .singleElement()
            .satisfies(t -> assertThat(t.amount()).hasToString("15"));
        assertThat(two.latest(10)).hasSize(2);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
