package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.mcp.McpGatewayConfig;
import io.x402j.server.PaidRoute;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Turns mcp-gateway command lines into a {@link McpGatewayConfig} without starting anything. */
class McpGatewayCommandTest {
  static final String SELLER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";
  static final String TOKEN = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

  static final List<String> BASE =
      List.of(
          "mcp-gateway",
          "--upstream-command",
          "node 'my server.js' --verbose",
          "--facilitator",
          "http://127.0.0.1:4022",
          "--network",
          "eip155:31337",
          "--asset",
          TOKEN,
          "--asset-name",
          "USD Coin",
          "--asset-version",
          "2",
          "--pay-to",
          SELLER);

  static McpGatewayConfig config(String... more) throws Exception {
    List<String> args = new ArrayList<>(BASE);
    args.addAll(List.of(more));
    CommandLine.ParseResult result = X402j.commandLine().parseArgs(args.toArray(String[]::new));
    return ((McpGatewayCommand) result.subcommand().commandSpec().userObject()).config(Map.of());
  }

  @Test
  void discoveryFlagsDeclarePricedToolsWithTheServiceMetadata() throws Exception {
    McpGatewayConfig c =
        config(
            "--tool", "weather=1000", "--discoverable", "--service-name", "Weather", "--tag", "w");
    assertThat(c.discovery().allRoutes()).isTrue();
    assertThat(c.discovery().service().serviceName()).isEqualTo("Weather");
    assertThat(c.prices(c.gate(Map.of())).get("weather").service().tags()).containsExactly("w");
    assertThat(config("--tool", "weather=$0.01").discovery().allRoutes()).isFalse();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> config("--tool", "weather=$0.01", "--icon-url", "http://localhost/i.png"))
        .hasMessageContaining("--icon-url must be an http(s) URL");
  }

  /** Runs the command as main would; returns the exit status and what went to stderr. */
  static Object[] run(String... args) {
    StringWriter err = new StringWriter();
    StringWriter out = new StringWriter();
    CommandLine cli = X402j.commandLine();
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(out));
    int status = cli.execute(args);
    return new Object[] {status, err.toString(), out.toString()};
  }

  /** mcp-gateway on an upstream given by {@code flag}, on eip155:84532, paid to {@code payTo}. */
  static String[] args(String upstream, String flag, String payTo, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "mcp-gateway",
                flag,
                upstream,
                "--facilitator",
                "http://127.0.0.1:4022",
                "--network",
                "eip155:84532",
                "--pay-to",
                payTo));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  /** Runs {@link #args}. */
  static Object[] on(String upstream, String flag, String payTo, String... more) {
    return run(args(upstream, flag, payTo, more));
  }

  static Object[] runWith(String... more) {
    List<String> args = new ArrayList<>(BASE);
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }

  @Test
  void theIssuesExample() throws Exception {
    McpGatewayConfig c = config("--tool", "get_forecast=1000", "--tool", "translate=upto:5000");
    assertThat(c.upstreamCommand()).containsExactly("node", "my server.js", "--verbose");
    assertThat(c.upstreamUrl()).isNull();
    assertThat(c.port()).as("stdio by default").isNull();
    assertThat(c.tools()).hasSize(2);
    assertThat(c.tools().get(0).name()).isEqualTo("get_forecast");
    assertThat(c.tools().get(0).price()).isEqualTo("1000");
    assertThat(c.tools().get(1).scheme()).isEqualTo("upto");
    assertThat(c.tools().get(1).price()).isEqualTo("5000");
    Map<String, PaidRoute> prices = c.prices(c.gate(Map.of()));
    assertThat(prices.keySet()).containsExactly("get_forecast", "translate");
    assertThat(prices.get("get_forecast").accepts()).hasSize(1);
  }

  @Test
  void anHttpUpstreamAndAPort() throws Exception {
    String[] args =
        args(
            "http://127.0.0.1:3000/mcp",
            "--upstream-url",
            SELLER,
            "--tool",
            "weather=$0.01",
            "--port",
            "4023");
    CommandLine.ParseResult result = X402j.commandLine().parseArgs(args);
    McpGatewayConfig c =
        ((McpGatewayCommand) result.subcommand().commandSpec().userObject()).config(Map.of());
    assertThat(c.upstreamUrl()).isEqualTo(URI.create("http://127.0.0.1:3000/mcp"));
    assertThat(c.port()).isEqualTo(4023);
    assertThat(c.prices(c.gate(Map.of())).get("weather").accepts()).hasSize(1);
  }

  @Test
  void badFlagsAreClearErrorsWithoutAStackTrace() {
    assertError(runWith("--tool", "weather"), "--tool", "NAME=PRICE");
    assertError(runWith("--tool", "weather=cheap"), "--tool", "cheap");
    assertError(runWith("--tool", "=1000"), "--tool");
    assertError(runWith("--tool", "a=1", "--tool", "a=2"), "priced twice");
    assertError(runWith("--tool", "a=1", "--port", "70000"), "--port");
    assertError(runWith("--tool", "a=1", "--upstream-url", "http://x/mcp"), "not both");
    assertError(run("mcp-gateway", "--tool", "a=1"), "missing", "--upstream-command", "--pay-to");
    assertError(on("node \"unclosed", "--upstream-command", SELLER, "--tool", "a=1"), "unclosed");
    assertError(
        on("ftp://example/mcp", "--upstream-url", SELLER, "--tool", "a=1"), "--upstream-url");
    assertError(on("x", "--upstream-command", "0x123", "--tool", "a=1"), "--pay-to");
  }

  @Test
  void anUpstreamThatCannotStartIsAClearError() {
    Object[] missing =
        on(
            "/no/such/program-x402j --flag",
            "--upstream-command",
            SELLER,
            "--tool",
            "a=1",
            "--port",
            "0");
    assertError(missing, "/no/such/program-x402j");
  }

  @Test
  void theSignInFlagsAreRefusedWithTheReason(@TempDir Path dir) throws Exception {
    // sign-in-with-x is HTTP-only (a request header); the x402 MCP transport has no place for it.
    for (String[] flags :
        List.of(
            new String[] {"--sign-in-with-x"},
            new String[] {"--sign-in-with-x=24h"},
            new String[] {"--sign-in-db", "jdbc:sqlite:passes.db"},
            new String[] {"--sign-in-secret-env", "SECRET"},
            new String[] {"--sign-in-origin", "https://api.example.com"})) {
      List<String> more = new ArrayList<>(List.of("--tool", "a=1"));
      more.addAll(List.of(flags));
      assertError(
          runWith(more.toArray(String[]::new)),
          flags[0].replaceFirst("=.*", ""),
          "not available on mcp-gateway",
          "SIGN-IN-WITH-X",
          "x402j gateway");
    }
    Path file = dir.resolve("mcp-gateway.yaml");
    Files.writeString(
        file,
        """
        upstream: {command: "node server.js"}
        facilitator: {url: "http://127.0.0.1:4022"}
        network: eip155:84532
        payTo: "%s"
        tools: [{name: a, price: $0.01}]
        signInWithX: {window: 24h}
        """
            .formatted(SELLER));
    assertError(
        run("mcp-gateway", "--config", file.toString()),
        "signInWithX",
        "not available here",
        "SIGN-IN-WITH-X");
  }

  @Test
  void aConfigFile(@TempDir Path dir) throws Exception {
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
            description: The forecast
          - name: infer
            price: upto:5000
        """
            .formatted(SELLER, TOKEN));
    CommandLine.ParseResult result =
        X402j.commandLine().parseArgs("mcp-gateway", "--config", file.toString());
    McpGatewayConfig c =
        ((McpGatewayCommand) result.subcommand().commandSpec().userObject()).config(Map.of());
    assertThat(c.upstreamCommand()).containsExactly("node", "server.js");
    assertThat(c.port()).isZero();
    assertThat(c.tools().get(0).description()).isEqualTo("The forecast");
    assertThat(c.tools().get(1).scheme()).isEqualTo("upto");
    assertThat(c.prices(c.gate(Map.of())).get("get_forecast").description())
        .isEqualTo("The forecast");

    Files.writeString(
        file,
        """
        upstream: {command: "node 'my server.js'", url: "http://127.0.0.1:3000/mcp"}
        facilitator: {url: "http://127.0.0.1:4022"}
        network: eip155:84532
        payTo: "%s"
        tools: [{name: a, price: $0.01}]
        """
            .formatted(SELLER));
    assertError(run("mcp-gateway", "--config", file.toString()), "upstream", "one of them");

    Files.writeString(
        file,
        """
        upstream: {command: "node server.js"}
        facilitator: {url: "http://127.0.0.1:4022"}
        network: eip155:84532
        payTo: "%s"
        tools: [{name: a, price: $0.01, colour: red}]
        """
            .formatted(SELLER));
    assertError(run("mcp-gateway", "--config", file.toString()), "colour");

    Files.writeString(
        file,
        """
        upstream: {command: "node server.js"}
        facilitator: {url: "http://127.0.0.1:4022"}
        network: eip155:84532
        payTo: "%s"
        """
            .formatted(SELLER));
    assertError(run("mcp-gateway", "--config", file.toString()), "tools");
  }

  static void assertError(Object[] result, String... mentions) {
    assertThat((int) result[0]).as("exit status; stderr: %s", result[1]).isEqualTo(2);
    String err = result[1].toString();
    for (String m : mentions) {
      assertThat(err).contains(m);
    }
    assertThat(err).doesNotContain("\tat ").doesNotContain("Exception");
    assertThat(result[2].toString()).as("nothing on stdout").isEmpty();
  }
}
