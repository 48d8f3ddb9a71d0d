package io.x402j.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
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
    List<AutoCloseable> opened = new ArrayList<>();
    try (Gateway gateway = config.gateway(GatewayConfigTest.ENV, null, opened).start()) {
      // The gate owns the pool: it closes it after writing its queued sales events.
      assertThat(gateway.owned()).singleElement().isInstanceOf(io.x402j.server.PaymentGate.class);
      assertThat(opened).singleElement().isInstanceOf(HikariDataSource.class);
      pool = (HikariDataSource) opened.get(0);
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

  @Test
  void aGateBuiltAloneClosesTheSignInPoolWhenItIsClosed(@TempDir Path dir) throws Exception {
    GatewayConfig config =
        GatewayConfig.load(GatewaySignInPoolAttackTest.config(dir, 0), GatewayConfigTest.ENV);
    java.util.Set<Thread> before = GatewaySignInPoolAttackTest.poolThreads();
    io.x402j.server.PaymentGate gate = config.gate(GatewayConfigTest.ENV);
    List<Thread> pool =
        GatewaySignInPoolAttackTest.poolThreads().stream()
            .filter(t -> !before.contains(t))
            .toList();
    assertThat(pool).as("the sign-in pool's housekeeper").isNotEmpty();

    gate.close();

    for (Thread t : pool) {
      t.join(10_000);
    }
    assertThat(pool.stream().filter(Thread::isAlive).map(Thread::getName))
        .as("threads of the sign-in pool of a closed gate")
        .isEmpty();
  }
}
