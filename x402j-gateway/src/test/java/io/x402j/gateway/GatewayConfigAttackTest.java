package io.x402j.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks on issue 14's promise 1 through the gateway's file. Each test FAILS on the code under
 * review.
 */
class GatewayConfigAttackTest {
  static final String SELLER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";

  @TempDir Path dir;

  private GatewayConfig load(String text) throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, text);
    return GatewayConfig.load(file, Map.of());
  }

  /**
   * Promise 1 broken, paid route dropped: a file that begins with a JSON object is read as that
   * object alone, so the YAML after it — here the paid route — is silently ignored and the gateway
   * starts pricing nothing it was told to price. Cause: ConfigYaml.read() never checks for trailing
   * content (x402j-config/.../internal/ConfigYaml.java:38-42).
   */
  @Test
  void routesAfterAJsonObjectAreNotSilentlyDropped() throws Exception {
    String text =
        "{\"upstream\": \"http://127.0.0.1:9000\", \"facilitator\": {\"url\": \"http://f\"},"
            + " \"network\": \"eip155:84532\", \"payTo\": \""
            + SELLER
            + "\", \"routes\": [{\"route\": \"GET /free-sample\", \"price\": \"0\"}]}\n"
            + "maxTimeoutSeconds: 30\n"
            + "routes:\n  - {route: GET /paid, price: $1}\n";
    GatewayConfig config;
    try {
      config = load(text);
    } catch (ConfigException refused) {
      return; // refusing the file keeps the promise
    }
    assertThat(config.routes()).extracting(GatewayConfig.RouteSpec::pattern).contains("GET /paid");
  }

  /**
   * Promise 1 broken: values the gateway only checks when it builds the gate (route price, network,
   * payTo) pass load() and are later refused without the key's dotted path. Cause:
   * GatewayConfig.read reads them with ValueParser.text() (GatewayConfig.java:240-257).
   */
  @Test
  void aBadPriceNetworkOrPayToIsRefusedAtLoadNamingTheKey() {
    String good =
        String.join(
            "\n",
            "upstream: http://127.0.0.1:9000",
            "facilitator: {url: http://f}",
            "network: eip155:84532",
            "payTo: " + SELLER,
            "routes: [{route: GET /a, price: $0.001}]",
            "");
    assertThatThrownBy(() -> load(good.replace("$0.001", "free")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("routes[0].price");
    assertThatThrownBy(() -> load(good.replace("eip155:84532", "EIP155:84532")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("network");
    assertThatThrownBy(() -> load(good.replace(SELLER, "0xnot")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("payTo");
  }
}
