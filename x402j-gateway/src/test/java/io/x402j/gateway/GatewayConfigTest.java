package io.x402j.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.config.ConfigException;
import io.x402j.config.ConfigSection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads gateway configuration files without starting anything; the flags are GatewayCommandTest's.
 */
class GatewayConfigTest {
  static final String SELLER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";
  static final String TOKEN = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
  static final Map<String, String> ENV = Map.of("FAC", "https://facilitator.example");

  static final String MINIMAL =
      String.join(
          "\n",
          "upstream: http://127.0.0.1:9000",
          "facilitator: {url: http://f}",
          "network: eip155:84532",
          "payTo: " + SELLER,
          "routes: [{route: GET /a, price: $0.001}]",
          "");

  static GatewayConfig load(Path file) throws Exception {
    return GatewayConfig.load(file, ENV);
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

    GatewayConfig c = load(file);

    assertThat(c.port()).isEqualTo(8080);
    assertThat(c.payTo()).isEqualTo(SELLER);
    assertThat(c.facilitatorUrl()).isEqualTo(URI.create("https://facilitator.example"));
    assertThat(c.appName()).isEqualTo("Weather Inc");
    assertThat(c.routes().get(0).description()).isEqualTo("Today's weather");
    assertThat(c.routes().get(1).settleBeforeHandler()).isTrue();
    assertThat(c.gate(Map.of())).isNotNull();
  }

  @Test
  void theDefaults(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, MINIMAL);

    GatewayConfig c = load(file);

    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(4021);
    assertThat(c.maxTimeoutSeconds()).isEqualTo(60);
    assertThat(c.paywall()).isTrue();
    assertThat(c.appName()).isEmpty();
    assertThat(c.asset()).isNull();
    assertThat(c.routes().get(0).settleBeforeHandler()).isFalse();
  }

  @Test
  void mistakesInTheFileAreNamedByKey(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("gateway.yaml");
    // Issue 14: a port that is not a number listened on 4021 without a word.
    Files.writeString(file, MINIMAL + "port: abc\n");
    assertThatThrownBy(() -> load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessage("port must be a whole number in 0..65535, got 'abc'");
    Files.writeString(file, MINIMAL + "port: 4294971318\n");
    assertThatThrownBy(() -> load(file))
        .hasMessage("port must be a whole number in 0..65535, got '4294971318'");
    // Other silent defaults: 60 s, 0 decimals, paywall on, settle after the handler.
    Files.writeString(file, MINIMAL + "maxTimeoutSeconds: soon\n");
    assertThatThrownBy(() -> load(file))
        .hasMessageStartingWith("maxTimeoutSeconds must be a whole number");
    Files.writeString(
        file, MINIMAL + "asset: {address: " + TOKEN + ", name: T, version: '1', decimals: six}\n");
    assertThatThrownBy(() -> load(file))
        .hasMessage("asset.decimals must be a whole number in 0..77, got 'six'");
    Files.writeString(file, MINIMAL + "paywall: {enabled: off please}\n");
    assertThatThrownBy(() -> load(file))
        .hasMessage("paywall.enabled must be true or false, got 'off please'");
    Files.writeString(
        file, MINIMAL.replace("price: $0.001", "price: $0.001, settleBeforeHandler: sure"));
    assertThatThrownBy(() -> load(file))
        .hasMessage("routes[0].settleBeforeHandler must be true or false, got 'sure'");
    Files.writeString(file, MINIMAL.replace("http://127.0.0.1:9000", "127.0.0.1:9000"));
    assertThatThrownBy(() -> load(file))
        .hasMessageStartingWith("upstream must be an http(s) URL")
        .hasMessageContaining("'127.0.0.1:9000'");
    Files.writeString(file, MINIMAL.replace("price: $0.001", "prize: $0.001"));
    assertThatThrownBy(() -> load(file)).hasMessageContaining("unknown setting routes[0].prize");

    Files.writeString(file, "upstream: http://x\nrotues: []\n");
    assertThatThrownBy(() -> load(file)).hasMessageContaining("unknown setting rotues");
  }

  @Test
  void aSectionOfALargerFileIsReadWithItsPathInErrors() {
    String yaml = "gateway:\n" + MINIMAL.indent(2) + "  port: 70000\n";
    ConfigSection section = ConfigSection.parse(yaml, "app.yaml", Map.of()).section("gateway");
    assertThatThrownBy(() -> GatewayConfig.read(section))
        .hasMessage("gateway.port must be a whole number in 0..65535, got '70000'");
    ConfigSection good =
        ConfigSection.parse("gateway:\n" + MINIMAL.indent(2), "app.yaml", Map.of())
            .section("gateway");
    assertThat(GatewayConfig.read(good).upstream()).isEqualTo(URI.create("http://127.0.0.1:9000"));
  }

  @Test
  void aRouteFlagIsPatternEqualsPrice() {
    GatewayConfig.RouteSpec route = GatewayConfig.ROUTE.parse("--route", "GET /weather = $0.001");
    assertThat(route.pattern()).isEqualTo("GET /weather");
    assertThat(route.price()).isEqualTo("$0.001");
    assertThatThrownBy(() -> GatewayConfig.ROUTE.parse("--route", "GET /a\u001b[2J"))
        .hasMessageStartingWith("--route must be \"[METHOD] /path=PRICE\"")
        .hasMessageEndingWith("got 'GET /a\\u001b[2J'");
  }
}
