package io.x402j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The paywall page in headless Chromium: a browser wallet (an injected EIP-1193 provider signing
 * with the buyer's devnet key) pays, and the page shows the resource.
 *
 * <p>Needs Chromium ({@code /usr/bin/chromium}, or {@code X402J_CHROMIUM}); {@code .ci/run}
 * installs it and sets {@code X402J_REQUIRE_BROWSER}, which makes a missing browser a failure
 * rather than a skipped test.
 */
class PaywallBrowserIT {
  static ServletShop shop;
  static String chromium;

  @BeforeAll
  static void start() throws Exception {
    String configured = System.getenv("X402J_CHROMIUM");
    chromium = configured != null && !configured.isBlank() ? configured : "/usr/bin/chromium";
    boolean present = Files.isExecutable(Path.of(chromium));
    if (!present && System.getenv("X402J_REQUIRE_BROWSER") != null) {
      throw new AssertionError(
          "Chromium is required for the paywall test but " + chromium + " is missing");
    }
    Assumptions.assumeTrue(
        present,
        "Chromium not found at "
            + chromium
            + ": install it (Debian: apt install chromium) or set X402J_CHROMIUM");
    shop = ServletShop.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (shop != null) {
      shop.close();
    }
  }

  @Test
  void aBrowserWalletPaysThroughThePaywallAndSeesTheResource() throws Exception {
    BigInteger before = shop.market.sellerBalance();
    Map<String, String> env = new HashMap<>(shop.buyerEnv());
    env.put("X402J_CHROMIUM", chromium);

    JsonNode result =
        Node.project()
            .run(
                "paywall.mjs",
                env,
                Duration.ofSeconds(120),
                shop.base + "/weather",
                Long.toString(shop.market.info().chainId()));

    assertThat(result.path("status").asInt()).as("the page itself is a 402").isEqualTo(402);
    assertThat(result.path("state").asText()).as(result.toString()).isEqualTo("paid");
    assertThat(result.path("text").asText()).contains("sunny");
    assertThat(result.path("calls").toString()).contains("eth_signTypedData_v4");
    String tx = result.path("transaction").asText();
    assertThat(tx).matches("0x[0-9a-f]{64}");
    assertThat(shop.market.devnet().awaitReceipt(tx).path("status").asText()).isEqualTo("0x1");
    assertThat(shop.market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }
}
