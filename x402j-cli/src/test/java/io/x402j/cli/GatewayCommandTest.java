package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.Asset;
import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Turns gateway command lines and files into settings without starting anything. */
class GatewayCommandTest {
  static final String SELLER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";
  static final String TOKEN = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

  static GatewayCommand parse(String... args) {
    CommandLine.ParseResult result = X402j.commandLine().parseArgs(args);
    return (GatewayCommand) result.subcommand().commandSpec().userObject();
  }

  static GatewaySettings settings(String... args) throws Exception {
    return parse(args).settings(Map.of("FAC", "https://facilitator.example"));
  }

  @Test
  void theIssuesExampleForADevnet() throws Exception {
    GatewaySettings s =
        settings(
            "gateway",
            "--upstream",
            "http://127.0.0.1:9000",
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
            SELLER,
            "--route",
            "GET /weather=1000",
            "--route",
            "POST /translate=1500",
            "--port",
            "4021");
    assertThat(s.upstream()).isEqualTo(URI.create("http://127.0.0.1:9000"));
    assertThat(s.port()).isEqualTo(4021);
    assertThat(s.routes()).hasSize(2);
    assertThat(s.routes().get(0).pattern()).isEqualTo("GET /weather");
    assertThat(s.routes().get(0).price()).isEqualTo("1000");
    NetworkRegistry networks = s.networks();
    assertThat(networks.find(Network.evm(31337))).isPresent();
    Asset asset = s.resolvedAsset(networks).orElseThrow();
    assertThat(asset.eip712Name()).isEqualTo("USD Coin");
    assertThat(asset.usdStablecoin()).as("no decimals: atomic prices only").isFalse();
    assertThat(s.gate(Map.of())).isNotNull();
  }

  @Test
  void dollarPricesNeedAKnownStablecoinOrDecimals() throws Exception {
    String[] base = {
      "gateway",
      "--upstream",
      "http://127.0.0.1:9000",
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
      SELLER,
      "--route",
      "GET /weather=$0.001"
    };
    assertThatThrownBy(() -> settings(base).gate(Map.of()))
        .hasMessageContaining("route GET /weather")
        .hasMessageContaining("not known to be a USD stablecoin");
    String[] withDecimals = java.util.Arrays.copyOf(base, base.length + 2);
    withDecimals[base.length] = "--asset-decimals";
    withDecimals[base.length + 1] = "6";
    assertThat(settings(withDecimals).gate(Map.of())).isNotNull();

    GatewaySettings baseSepolia =
        settings(
            "gateway",
            "--upstream",
            "http://127.0.0.1:9000",
            "--facilitator",
            "http://f",
            "--network",
            "base-sepolia",
            "--pay-to",
            SELLER,
            "--route",
            "/api/*=$0.01");
    assertThat(baseSepolia.resolvedAsset(baseSepolia.networks())).as("default USDC").isEmpty();
    assertThat(baseSepolia.gate(Map.of())).isNotNull();
  }

  @Test
  void mistakesAreNamed() {
    assertThatThrownBy(() -> settings("gateway", "--upstream", "http://x"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--facilitator")
        .hasMessageContaining("--network")
        .hasMessageContaining("--pay-to")
        .hasMessageContaining("--route");
    assertThatThrownBy(
            () ->
                settings(
                    "gateway",
                    "--upstream",
                    "http://x",
                    "--facilitator",
                    "http://f",
                    "--network",
                    "eip155:84532",
                    "--pay-to",
                    SELLER,
                    "--route",
                    "GET /weather"))
        .hasMessageContaining("[METHOD] /path=PRICE");
    assertThatThrownBy(
            () ->
                settings(
                        "gateway",
                        "--upstream",
                        "http://x",
                        "--facilitator",
                        "http://f",
                        "--network",
                        "eip155:31337",
                        "--asset",
                        TOKEN,
                        "--pay-to",
                        SELLER,
                        "--route",
                        "GET /a=1")
                    .gate(Map.of()))
        .hasMessageContaining("--asset-name");
    assertThatThrownBy(
            () ->
                settings(
                        "gateway",
                        "--upstream",
                        "ftp://x",
                        "--facilitator",
                        "http://f",
                        "--network",
                        "base",
                        "--pay-to",
                        SELLER,
                        "--route",
                        "GET /a=1")
                    .start(Map.of()))
        .hasMessageContaining("http(s)");
    assertThatThrownBy(
            () ->
                settings(
                        "gateway",
                        "--upstream",
                        "http://x",
                        "--facilitator",
                        "http://f",
                        "--facilitator-token-env",
                        "NOPE",
                        "--network",
                        "base",
                        "--pay-to",
                        SELLER,
                        "--route",
                        "GET /a=1")
                    .gate(Map.of()))
        .hasMessageContaining("NOPE");
  }

  @Test
  void flagsAndTheFileShareTheirRules() {
    String[] base = {
      "gateway",
      "--upstream",
      "http://127.0.0.1:9000",
      "--facilitator",
      "http://f",
      "--network",
      "eip155:84532",
      "--pay-to",
      SELLER,
      "--route",
      "GET /a=1"
    };
    assertThatThrownBy(() -> settings(with(base, "--port", "abc")))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessage("--port must be a whole number in 0..65535, got 'abc'");
    assertThatThrownBy(() -> settings(with(base, "--port", "4294971318")))
        .hasMessage("--port must be a whole number in 0..65535, got '4294971318'");
    assertThatThrownBy(() -> settings(with(base, "--max-timeout", "0")))
        .hasMessageStartingWith("--max-timeout must be a whole number of at least 1");
    assertThatThrownBy(
            () ->
                settings(
                    with(
                        base,
                        "--asset",
                        TOKEN,
                        "--asset-name",
                        "T",
                        "--asset-version",
                        "1",
                        "--asset-decimals",
                        "78")))
        .hasMessage("--asset-decimals must be a whole number in 0..77, got '78'");
    String[] badRoute = base.clone();
    badRoute[10] = "GET /a\u001b[2J";
    assertThatThrownBy(() -> settings(badRoute))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageStartingWith("--route must be \"[METHOD] /path=PRICE\"")
        .hasMessageEndingWith("got 'GET /a\\u001b[2J'");
    String[] badUpstream = base.clone();
    badUpstream[2] = "127.0.0.1:9000";
    assertThatThrownBy(() -> settings(badUpstream))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageStartingWith("--upstream must be an http(s) URL");
  }

  private static String[] with(String[] base, String... more) {
    String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void aConfigFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "port: 8080",
            "upstream: http://127.0.0.1:9000",
            "facilitator: {url: \"${FAC}\"}",
            "network: eip155:84532",
            "payTo: " + SELLER + "   # unquoted: YAML would read it as a hex number",
            "paywall: {appName: Weather Inc}",
            "routes:",
            "  - route: GET /weather",
            "    price: $0.001",
            "    description: Today's weather",
            "    mimeType: application/json",
            "  - route: POST /report",
            "    price: $0.05",
            "    settleBeforeHandler: true",
            ""));

    GatewaySettings s = settings("gateway", "--config", file.toString());
    String minimal =
        String.join(
            "\n",
            "upstream: http://127.0.0.1:9000",
            "facilitator: {url: http://f}",
            "network: eip155:84532",
            "payTo: " + SELLER,
            "routes: [{route: GET /a, price: $0.001}]",
            "");

    assertThat(s.port()).isEqualTo(8080);
    assertThat(s.facilitatorUrl()).isEqualTo("https://facilitator.example");
    assertThat(s.appName()).isEqualTo("Weather Inc");
    assertThat(s.routes().get(0).description()).isEqualTo("Today's weather");
    assertThat(s.routes().get(1).settleBeforeHandler()).isTrue();
    assertThat(s.gate(Map.of())).isNotNull();

    // Issue 14: a port that is not a number listened on 4021 without a word.
    Files.writeString(file, minimal + "port: abc\n");
    assertThatThrownBy(() -> settings("gateway", "--config", file.toString()))
        .hasMessage("port must be a whole number in 0..65535, got 'abc'");
    Files.writeString(file, minimal + "port: 4294971318\n");
    assertThatThrownBy(() -> settings("gateway", "--config", file.toString()))
        .hasMessage("port must be a whole number in 0..65535, got '4294971318'");
    // Other silent defaults: 60 s, 0 decimals, paywall on, settle after the handler.
    Files.writeString(file, minimal + "maxTimeoutSeconds: soon\n");
    assertThatThrownBy(() -> settings("gateway", "--config", file.toString()))
        .hasMessageStartingWith("maxTimeoutSeconds must be a whole number");
    Files.writeString(
        file, minimal + "asset: {address: " + TOKEN + ", name: T, version: '1', decimals: six}\n");
    assertThatThrownBy(() -> settings("gateway", "--config", file.toString()))
        .hasMessage("asset.decimals must be a whole number in 0..77, got 'six'");
    Files.writeString(file, minimal + "paywall: {enabled: off please}\n");
    assertThatThrownBy(() -> settings("gateway", "--config", file.toString()))
        .hasMessage("paywall.enabled must be true or false, got 'off please'");
    Files.writeString(
        file, minimal.replace("price: $0.001", "price: $0.001, settleBeforeHandler: sure"));
    assertThatThrownBy(() -> settings("gateway", "--config", file.toString()))
        .hasMessage("routes[0].settleBeforeHandler must be true or false, got 'sure'");
    Files.writeString(file, minimal.replace("http://127.0.0.1:9000", "127.0.0.1:9000"));
    assertThatThrownBy(() -> settings("gateway", "--config", file.toString()))
        .hasMessageStartingWith("upstream must be an http(s) URL")
        .hasMessageContaining("'127.0.0.1:9000'");

    Files.writeString(file, "upstream: http://x\nrotues: []\n");
    assertThatThrownBy(() -> settings("gateway", "--config", file.toString()))
        .hasMessageContaining("unknown setting rotues");
  }
}
