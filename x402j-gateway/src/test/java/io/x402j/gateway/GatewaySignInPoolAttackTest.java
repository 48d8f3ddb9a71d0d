package io.x402j.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sign-in pool is closed on every path: a gateway that cannot bind its port (the pool was
 * already open), and a gateway closed twice.
 */
class GatewaySignInPoolAttackTest {
  static Path config(Path dir, int port) throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(
        file,
        GatewayConfigTest.MINIMAL
            + String.join(
                "\n",
                "host: 127.0.0.1",
                "port: " + port,
                "signInWithX:",
                "  window: 24h",
                "  origin: https://api.example.com",
                "  database: \"jdbc:sqlite:" + dir.resolve("passes.db") + "\"",
                ""));
    return file;
  }

  static Set<Thread> poolThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("x402j-gateway-signin"))
        .collect(Collectors.toSet());
  }

  @Test
  void aGatewayThatCannotBindItsPortClosesTheSignInPool(@TempDir Path dir) throws Exception {
    Set<Thread> before = poolThreads();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      GatewayConfig config =
          GatewayConfig.load(config(dir, taken.getLocalPort()), GatewayConfigTest.ENV);
      assertThatThrownBy(() -> config.start(GatewayConfigTest.ENV))
          .isInstanceOf(IllegalStateException.class);
    }
    // The pool's threads (its housekeeper) end once the pool is closed.
    List<Thread> left =
        poolThreads().stream().filter(t -> !before.contains(t)).collect(Collectors.toList());
    for (Thread t : left) {
      t.join(10_000);
    }
    assertThat(left.stream().filter(Thread::isAlive).map(Thread::getName))
        .as("threads of a sign-in pool left open by a failed start")
        .isEmpty();
  }

  @Test
  void closingAGatewayTwiceIsHarmless(@TempDir Path dir) throws Exception {
    GatewayConfig config = GatewayConfig.load(config(dir, 0), GatewayConfigTest.ENV);
    List<AutoCloseable> opened = new java.util.ArrayList<>();
    Gateway gateway = config.gateway(GatewayConfigTest.ENV, null, opened).start();
    HikariDataSource pool = (HikariDataSource) opened.get(0);
    gateway.close();
    gateway.close();
    assertThat(pool.isClosed()).isTrue();
  }
}
