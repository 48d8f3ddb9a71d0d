package io.x402j.facilitator;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL for tests: the server named by {@code X402J_TEST_POSTGRES_URL}, else an
 * embedded one (real server binaries from Maven Central) started once per JVM. Each caller gets a
 * fresh database of its own.
 */
final class TestPostgres {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres embedded;
  private static String migratedTemplate;

  private TestPostgres() {}

  /** The JDBC URL of a new, empty database. */
  static synchronized String newDatabase() {
    return create("");
  }

  /**
   * The JDBC URL of a new database on which the ledger's migrations have run: a copy of a template
   * migrated once per JVM ({@code CREATE DATABASE ... TEMPLATE}), much cheaper than migrating each
   * new database. What the ledger finds on it is what it would have made of an empty one.
   */
  static synchronized String newMigratedDatabase() {
    if (migratedTemplate == null) {
      String url = create("");
      JdbcSettlementLedger.open(url).close(); // migrates; closing leaves no session on it
      migratedTemplate = url.substring(url.lastIndexOf('/') + 1).split("\\?")[0];
    }
    return create(" TEMPLATE " + migratedTemplate);
  }

  private static String create(String template) {
    String external = System.getenv("X402J_TEST_POSTGRES_URL");
    String name = "x402j_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    try {
      if (external != null && !external.isBlank()) {
        try (Connection c = java.sql.DriverManager.getConnection(external);
            Statement s = c.createStatement()) {
          s.execute("CREATE DATABASE " + name + template);
        }
        int slash = external.lastIndexOf('/');
        int query = external.indexOf('?', slash);
        return external.substring(0, slash + 1)
            + name
            + (query < 0 ? "" : external.substring(query));
      }
      if (embedded == null) {
        embedded = EmbeddedPostgres.builder().start();
        Runtime.getRuntime()
            .addShutdownHook(new Thread(TestPostgres::stop, "x402j-test-postgres-stop"));
      }
      try (Connection c = embedded.getPostgresDatabase().getConnection();
          Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + name + template);
      }
      return embedded.getJdbcUrl("postgres", name);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a test database", e);
    }
  }

  private static void stop() {
    try {
      if (embedded != null) {
        embedded.close();
      }
    } catch (IOException e) {
      // The JVM is exiting; the server goes with it.
    }
  }
}
