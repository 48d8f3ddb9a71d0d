package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.Asset;
import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.gateway.GatewayConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Turns gateway command lines into a {@link GatewayConfig} without starting anything. */
class GatewayCommandTest {
  static final String SELLER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";
  static final String TOKEN = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

  static GatewayCommand parse(String... args) {
    CommandLine.ParseResult result = X402j.commandLine().parseArgs(args);
    return (GatewayCommand) result.subcommand().commandSpec().userObject();
  }

  static GatewayConfig config(String... args) throws Exception {
    return parse(args).config(Map.of("FAC", "https://facilitator.example"));
  }

  @Test
  void theIssuesExampleForADevnet() throws Exception {
    GatewayConfig s =
        config(
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

  static final String[] DEVNET = {
    "gateway",
    "--upstream",
    "http://127.0.0.1:9000",
    "--facilitator",
    "http://127.0.0.1:4022",
    "--network",
    "eip155:84532",
    "--pay-to",
    SELLER,
    "--route",
    "GET /weather/:city=$0.001",
    "--route",
    "POST /orders=$0.01"
  };

  static String[] with(String... more) {
    String[] all = java.util.Arrays.copyOf(DEVNET, DEVNET.length + more.length);
    System.arraycopy(more, 0, all, DEVNET.length, more.length);
    return all;
  }

  @Test
  void discoveryFlags() throws Exception {
    GatewayConfig s =
        config(
            with(
                "--discoverable",
                "--description",
                "GET /weather/:city=Weather by city",
                "--mime-type",
                "application/json",
                "--service-name",
                "Weather Inc",
                "--tag",
                "weather",
                "--tag",
                "forecast",
                "--icon-url",
                "https://example.com/i.png"));
    assertThat(s.discovery().allRoutes()).isTrue();
    assertThat(s.discovery().service().serviceName()).isEqualTo("Weather Inc");
    assertThat(s.discovery().service().tags()).containsExactly("weather", "forecast");
    assertThat(s.discovery().service().iconUrl()).isEqualTo("https://example.com/i.png");
    assertThat(s.routes().get(0).description()).isEqualTo("Weather by city");
    assertThat(s.routes().get(0).mimeType()).isEqualTo("application/json");
    assertThat(s.routes().get(1).description()).isEmpty();
    assertThat(s.gate(Map.of())).isNotNull();
    assertThat(config(DEVNET).discovery()).isEqualTo(GatewayConfig.Discovery.NONE);
  }

  @Test
  void badDiscoveryFlagsAreNamed() {
    assertThatThrownBy(() -> config(with("--description", "GET /nowhere=x")))
        .hasMessageContaining("--description 'GET /nowhere=x' names no --route");
    assertThatThrownBy(() -> config(with("--icon-url", "https://10.0.0.1/i.png")))
        .hasMessageContaining("--icon-url must be an http(s) URL");
    assertThatThrownBy(() -> config(with("--service-name", "x".repeat(33))))
        .hasMessageContaining("--service-name must be 1 to 32 printable ASCII characters");
    assertThatThrownBy(() -> config(with("--tag", "a", "--tag", "A")))
        .hasMessageContaining("--tag: give at most 5 tags, each once");
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
    assertThatThrownBy(() -> config(base).gate(Map.of()))
        .hasMessageContaining("route GET /weather")
        .hasMessageContaining("not known to be a USD stablecoin");
    String[] withDecimals = java.util.Arrays.copyOf(base, base.length + 2);
    withDecimals[base.length] = "--asset-decimals";
    withDecimals[base.length + 1] = "6";
    assertThat(config(withDecimals).gate(Map.of())).isNotNull();

    GatewayConfig baseSepolia =
        config(
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
    assertThatThrownBy(() -> config("gateway", "--upstream", "http://x"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--facilitator")
        .hasMessageContaining("--network")
        .hasMessageContaining("--pay-to")
        .hasMessageContaining("--route");
    assertThatThrownBy(
            () ->
                config(
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
                config(
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
                config(
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
                config(
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
    assertThatThrownBy(() -> config(with(base, "--port", "abc")))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessage("--port must be a whole number in 0..65535, got 'abc'");
    assertThatThrownBy(() -> config(with(base, "--port", "4294971318")))
        .hasMessage("--port must be a whole number in 0..65535, got '4294971318'");
    assertThatThrownBy(() -> config(with(base, "--max-timeout", "0")))
        .hasMessageStartingWith("--max-timeout must be a whole number of at least 1");
    assertThatThrownBy(
            () ->
                config(
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
    assertThatThrownBy(() -> config(badRoute))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageStartingWith("--route must be \"[METHOD] /path=PRICE\"")
        .hasMessageEndingWith("got 'GET /a\\u001b[2J'");
    String[] badUpstream = base.clone();
    badUpstream[2] = "127.0.0.1:9000";
    assertThatThrownBy(() -> config(badUpstream))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageStartingWith("--upstream must be an http(s) URL");
  }

  private static String[] with(String[] base, String... more) {
    String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void aConfigFileIsReadInsteadOfTheFlags(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "port: 8080",
            "upstream: http://127.0.0.1:9000",
            "facilitator: {url: \"${FAC}\"}",
            "network: eip155:84532",
            "payTo: " + SELLER,
            "routes: [{route: GET /a, price: $0.001}]",
            ""));

    GatewayConfig c = config("gateway", "--config", file.toString());
    assertThat(c.port()).isEqualTo(8080);
    assertThat(c.facilitatorUrl())
        .as("${FAC} from the environment")
        .isEqualTo(URI.create("https://facilitator.example"));
    assertThat(c.routes()).extracting(GatewayConfig.RouteSpec::pattern).containsExactly("GET /a");

    assertThatThrownBy(
            () -> config("gateway", "--config", file.toString(), "--upstream", "http://x"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageStartingWith("--config cannot be combined with --upstream");
    // The file's own mistakes are named by key (GatewayConfigTest has the rest).
    Files.writeString(file, "upstream: http://x\nrotues: []\n");
    assertThatThrownBy(() -> config("gateway", "--config", file.toString()))
        .hasMessageContaining("unknown setting rotues");
  }
}
