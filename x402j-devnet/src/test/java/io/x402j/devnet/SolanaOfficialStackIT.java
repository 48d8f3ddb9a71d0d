package io.x402j.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The official stack accepts the devnet: the {@code @x402/svm} 2.27.0 exact client builds the
 * buyer's payment and the {@code @x402/svm} exact facilitator verifies and settles it, through the
 * devnet's JSON-RPC only.
 */
class SolanaOfficialStackIT {
  @Test
  void theOfficialClientAndFacilitatorSettleThroughTheDevnet() throws Exception {
    NodeProject official =
        NodeProject.install(Path.of("src", "test", "solana-acceptance"), System.getenv());
    try (SolanaDevnet devnet = SolanaDevnet.start()) {
      SolanaDevnetInfo info = devnet.info();
      SolanaDevnetControls controls = devnet.controls();
      String seller = info.requireAccount("seller").address();
      String buyer = info.requireAccount("buyer").address();
      BigInteger sellerBefore = controls.tokenBalance(seller).amount();
      BigInteger buyerBefore = controls.tokenBalance(buyer).amount();

      JsonNode result =
          official.run(
              "official-exact.mjs",
              Map.of(),
              Duration.ofMinutes(2),
              info.rpcUrl(),
              info.requireAccount("buyer").privateKey(),
              info.requireAccount("facilitator").privateKey(),
              seller,
              info.token().address(),
              "1000");

      assertThat(result.path("verify").path("isValid").asBoolean())
          .as("verify: %s", result.path("verify"))
          .isTrue();
      assertThat(result.path("verify").path("payer").asText()).isEqualTo(buyer);
      JsonNode settle = result.path("settle");
      assertThat(settle.path("success").asBoolean()).as("settle: %s", settle).isTrue();
      assertThat(settle.path("network").asText()).isEqualTo(SolanaDevnet.NETWORK);
      String signature = settle.path("transaction").asText();
      assertThat(controls.signatureStatus(signature).path("err").isNull()).isTrue();
      assertThat(controls.tokenBalance(seller).amount())
          .isEqualTo(sellerBefore.add(BigInteger.valueOf(1000)));
      assertThat(controls.tokenBalance(buyer).amount())
          .isEqualTo(buyerBefore.subtract(BigInteger.valueOf(1000)));
    }
  }
}
