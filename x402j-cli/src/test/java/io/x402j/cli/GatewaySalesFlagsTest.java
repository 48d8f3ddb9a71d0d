package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.Network;
import io.x402j.gateway.SellerConsole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code x402j gateway --db --admin-port …}: the sales record and the dashboard's listener. */
class GatewaySalesFlagsTest {
  @Test
  void offUnlessGiven() throws Exception {
    SellerConsole c = GatewayCommandTest.parse(GatewayCommandTest.DEVNET).console(Map.of());
    assertThat(c.db()).isNull();
    assertThat(c.adminPort()).isNull();
  }

  @Test
  void theFlagsGiveTheRecordAndTheListener() throws Exception {
    SellerConsole c =
        GatewayCommandTest.parse(
                GatewayCommandTest.with(
                    "--db", "jdbc:sqlite:sales.db",
                    "--admin-port", "4031",
                    "--admin-bind", "0.0.0.0",
                    "--admin-password-env", "PW",
                    "--balance-rpc", "eip155:84532=https://sepolia.base.org"))
            .console(Map.of());
    assertThat(c.db()).isEqualTo("jdbc:sqlite:sales.db");
    assertThat(c.adminPort()).isEqualTo(4031);
    assertThat(c.adminHost()).isEqualTo("0.0.0.0");
    assertThat(c.adminPasswordEnv()).isEqualTo("PW");
    assertThat(c.rpc()).containsEntry(Network.evm(84532), "https://sepolia.base.org");
  }

  @Test
  void badCombinationsAreNamed() {
    assertThatThrownBy(
            () ->
                GatewayCommandTest.parse(GatewayCommandTest.with("--admin-port", "4031"))
                    .console(Map.of()))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--admin-port needs --db");
    assertThatThrownBy(
            () ->
                GatewayCommandTest.parse(GatewayCommandTest.with("--db", "jdbc:mysql://h/db"))
                    .console(Map.of()))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("jdbc:sqlite:FILE");
    assertThatThrownBy(
            () ->
                GatewayCommandTest.parse(
                        GatewayCommandTest.with(
                            "--db",
                            "jdbc:sqlite:x.db",
                            "--admin-port",
                            "1",
                            "--balance-rpc",
                            "nope"))
                    .console(Map.of()))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("NETWORK=URL");
  }

  @Test
  void theFileGivesThemToo(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("gw.yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "upstream: http://127.0.0.1:9000",
            "facilitator:",
            "  url: http://127.0.0.1:4022",
            "network: eip155:84532",
            "payTo: " + GatewayCommandTest.SELLER,
            "routes:",
            "  - route: GET /weather",
            "    price: $0.01",
            "sales:",
            "  db: jdbc:sqlite:sales.db",
            "admin:",
            "  port: 4031",
            "  rpc:",
            "    - network: eip155:84532",
            "      url: https://sepolia.base.org",
            ""));
    GatewayCommand command = GatewayCommandTest.parse("gateway", "--config", file.toString());
    assertThat(command.config(Map.of()).routes()).hasSize(1);
    SellerConsole c = command.console(Map.of());
    assertThat(c.db()).isEqualTo("jdbc:sqlite:sales.db");
    assertThat(c.adminPort()).isEqualTo(4031);
    assertThat(c.adminHost()).isEqualTo("127.0.0.1");
    assertThat(c.rpc()).containsKey(Network.evm(84532));
  }
}
