package io.x402j.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection pool the gateway opens for {@code signInWithX.database} ({@code --sign-in-db}) is
 * the gateway's: closing the gateway closes it, so no connection (or SQLite file lock, or
 * PostgreSQL session) outlives it.
 */
class GatewaySignInPoolTest {
  @Test
  void closingTheGatewayClosesTheSignInDatabasePool(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(
        file,
        GatewayConfigTest.MINIMAL
            + String.join(
                "\n",
                "port: 0",
                "signInWithX:",
                "  window: 24h",
                "  origin: https://api.example.com",
                "  database: \"jdbc:sqlite:" + dir.resolve("passes.db") + "\"",
                ""));
    GatewayConfig config = GatewayConfig.load(file, GatewayConfigTest.ENV);
    HikariDataSource pool;
    try (Gateway gateway = config.start(GatewayConfigTest.ENV)) {
      // The pool, and the gate last (so it is closed first, writing its queued sales events).
      assertThat(gateway.owned()).hasSize(2).first().isInstanceOf(HikariDataSource.class);
      assertThat(gateway.owned().get(1)).isInstanceOf(io.x402j.server.PaymentGate.class);
      pool = (HikariDataSource) gateway.owned().get(0);
      try (Connection c = pool.getConnection()) {
        assertThat(c.isValid(1)).isTrue();
      }
      assertThat(pool.isClosed()).isFalse();
    }
    assertThat(pool.isClosed()).as("the sign-in pool after Gateway.close").isTrue();
  }

  @Test
  void aGatewayWithoutSignInOwnsNothing(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, GatewayConfigTest.MINIMAL + "port: 0\n");
    try (Gateway gateway =
        GatewayConfig.load(file, GatewayConfigTest.ENV).start(GatewayConfigTest.ENV)) {
      assertThat(gateway.owned()).singleElement().isInstanceOf(io.x402j.server.PaymentGate.class);
    }
  }
}
