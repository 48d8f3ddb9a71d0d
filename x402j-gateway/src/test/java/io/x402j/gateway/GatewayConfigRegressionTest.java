package io.x402j.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Near misses of {@link GatewayConfigAttackTest}: explicit nulls, a route's payTo, --route. */
class GatewayConfigRegressionTest {
  private static final String SELLER = GatewayConfigAttackTest.SELLER;
  private static final String GOOD =
      String.join(
          "\n",
          "upstream: http://127.0.0.1:9000",
          "facilitator: {url: http://f}",
          "network: eip155:84532",
          "payTo: " + SELLER,
          "routes: [{route: GET /a, price: $0.001}]",
          "");

  @TempDir Path dir;

  private GatewayConfig load(String text) throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, text);
    return GatewayConfig.load(file, Map.of());
  }

  @Test
  void theGoodFileLoadsAndKeepsItsText() throws Exception {
    GatewayConfig config = load(GOOD.replace("eip155:84532", "base-sepolia"));
    assertThat(config.network()).isEqualTo("base-sepolia");
    assertThat(config.payTo()).isEqualTo(SELLER);
    assertThat(config.routes().get(0).price()).isEqualTo("$0.001");
  }

  @Test
  void anExplicitNullIsRefusedNamingTheKey() {
    String refused = " has no value; leave the setting out or give a value";
    assertThatThrownBy(() -> load(GOOD + "port:\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("port" + refused);
    assertThatThrownBy(() -> load(GOOD + "paywall: ~\n")).hasMessage("paywall" + refused);
    assertThatThrownBy(() -> load(GOOD.replace("{url: http://f}", "{url: http://f, tokenEnv: ~}")))
        .hasMessage("facilitator.tokenEnv" + refused);
    assertThatThrownBy(() -> load(GOOD.replace("price: $0.001", "price: ~")))
        .hasMessage("routes[0].price" + refused);
  }

  @Test
  void aRoutesPayToAndARouteFlagsPriceAreCheckedToo() {
    assertThatThrownBy(
            () -> load(GOOD.replace("price: $0.001}", "price: $0.001, payTo: \"0x12\"}")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("routes[0].payTo must be an address");
    assertThatThrownBy(() -> GatewayConfig.ROUTE.parse("--route", "GET /a=free"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("--route must be a price");
    assertThat(GatewayConfig.ROUTE.parse("--route", "GET /a= 1000").price()).isEqualTo("1000");
  }
}
