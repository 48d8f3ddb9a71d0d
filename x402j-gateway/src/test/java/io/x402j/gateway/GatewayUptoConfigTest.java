package io.x402j.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upto routes and the asset transfer method, from flags and from a file, and their refusals. */
class GatewayUptoConfigTest {
  @TempDir Path dir;

  GatewayConfig yaml(String routes, String top) throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(
        file,
        "upstream: http://127.0.0.1:9000\n"
            + "facilitator: {url: http://127.0.0.1:4022}\n"
            + "network: eip155:84532\n"
            + "payTo: \"0x857b06519E91e3A54538791bDbb0E22373e36b66\"\n"
            + top
            + "routes:\n"
            + routes);
    return GatewayConfig.load(file, Map.of());
  }

  @Test
  void routeFlagReadsUptoCeilings() {
    GatewayConfig.RouteSpec upto = GatewayConfig.ROUTE.parse("--route", "POST /infer=upto:100000");
    assertThat(upto.scheme()).isEqualTo("upto");
    assertThat(upto.price()).isEqualTo("100000");
    assertThat(GatewayConfig.ROUTE.parse("--route", "POST /infer=upto:$0.10").price())
        .isEqualTo("$0.10");
    assertThat(GatewayConfig.ROUTE.parse("--route", "GET /w=$0.01").scheme()).isEqualTo("exact");
    assertThatThrownBy(() -> GatewayConfig.ROUTE.parse("--route", "POST /infer=upto:-5"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--route");
    assertThatThrownBy(() -> GatewayConfig.ROUTE.parse("--route", "POST /infer=upto:"))
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void fileReadsSchemeUptoOrAnUptoPrice() throws Exception {
    GatewayConfig c =
        yaml(
            "  - {route: POST /a, price: 100000, scheme: upto}\n"
                + "  - {route: POST /b, price: \"upto:$0.10\"}\n"
                + "  - {route: GET /c, price: $0.01}\n",
            "assetTransferMethod: permit2\n");
    assertThat(c.routes())
        .extracting(GatewayConfig.RouteSpec::scheme)
        .containsExactly("upto", "upto", "exact");
    assertThat(c.routes().get(1).price()).isEqualTo("$0.10");
    assertThat(c.assetTransferMethod()).isEqualTo("permit2");
    assertThat(c.gate(Map.of())).isNotNull();
  }

  @Test
  void fileRefusals() {
    assertThatThrownBy(() -> yaml("  - {route: POST /a, price: 1, scheme: batch}\n", ""))
        .hasMessageContaining("routes[0].scheme");
    assertThatThrownBy(() -> yaml("  - {route: POST /a, price: \"upto:1\", scheme: exact}\n", ""))
        .hasMessageContaining("routes[0].price");
    assertThatThrownBy(() -> yaml("  - {route: POST /a, price: 1}\n", "assetTransferMethod: x\n"))
        .hasMessageContaining("assetTransferMethod")
        .hasMessageContaining("eip3009 or permit2");
    assertThatThrownBy(
            () -> GatewayConfig.ASSET_TRANSFER_METHOD.parse("--asset-transfer-method", "Permit2"))
        .hasMessageContaining("--asset-transfer-method");
  }
}
