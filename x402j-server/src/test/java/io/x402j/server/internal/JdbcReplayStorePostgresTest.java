package io.x402j.server.internal;

import io.x402j.server.ReplayStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.postgresql.ds.PGSimpleDataSource;

/** The shared store on a real PostgreSQL (embedded), held to the same contract. */
class JdbcReplayStorePostgresTest extends ReplayStoreContract {
  static EmbeddedPostgres postgres;
  private static int databases;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stop() throws Exception {
    postgres.close();
  }

  @Override
  ReplayStore store(Clock clock) throws Exception {
    String name = "replay_" + (++databases);
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    PGSimpleDataSource source = new PGSimpleDataSource();
    source.setUrl(postgres.getJdbcUrl("postgres", name));
    return JdbcReplayStore.open(source, clock);
  }
}
