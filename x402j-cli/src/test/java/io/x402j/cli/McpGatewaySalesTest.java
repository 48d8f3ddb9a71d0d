package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code x402j mcp-gateway}: the sales record from {@code sales.db} or {@code --db}. */
class McpGatewaySalesTest {
  static final String SELLER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";
  static final String TOKEN = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

  static McpGatewayCommand parse(String... args) {
    CommandLine.ParseResult result = X402j.commandLine().parseArgs(args);
    return (McpGatewayCommand) result.subcommand().commandSpec().userObject();
  }

  @Test
  void theFileOrTheFlagNamesTheRecord(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("mcp-gateway.yaml");
    Files.writeString(
        file,
        """
        upstream:
          command: [node, server.js]
        port: 0
        facilitator: {url: "http://127.0.0.1:4022"}
        network: eip155:31337
        payTo: "%s"
        asset: {address: "%s", name: USD Coin, version: "2"}
        tools:
          - name: get_forecast
            price: "1000"
        sales:
          db: jdbc:sqlite:tools.db
        """
            .formatted(SELLER, TOKEN));
    McpGatewayCommand fromFile = parse("mcp-gateway", "--config", file.toString());
    assertThat(fromFile.config(Map.of()).tools()).hasSize(1);
    assertThat(fromFile.salesDb(Map.of())).isEqualTo("jdbc:sqlite:tools.db");

    McpGatewayCommand flag =
        parse("mcp-gateway", "--config", file.toString(), "--db", "jdbc:sqlite:other.db");
    assertThat(flag.salesDb(Map.of())).isEqualTo("jdbc:sqlite:other.db");
  }
}
