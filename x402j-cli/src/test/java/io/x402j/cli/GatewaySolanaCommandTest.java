package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.Asset;
import io.x402j.gateway.GatewayConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The issue's Solana gateway command line becomes a working configuration; mistakes name flags. */
class GatewaySolanaCommandTest {
  static final String DEVNET = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1";
  static final String MINT = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU";
  static final String SELLER = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";

  static GatewayConfig config(String network, String asset, String payTo) throws Exception {
    return GatewayCommandTest.config(
        "gateway",
        "--network",
        network,
        "--asset",
        asset,
        "--pay-to",
        payTo,
        "--route",
        "GET /weather=1000",
        "--facilitator",
        "http://127.0.0.1:4022",
        "--upstream",
        "http://127.0.0.1:9000",
        "--port",
        "4021");
  }

  @Test
  void theIssuesSolanaCommandLine() throws Exception {
    GatewayConfig config = config(DEVNET, MINT, SELLER);

    assertThat(config.network()).isEqualTo(DEVNET);
    assertThat(config.payTo()).isEqualTo(SELLER);
    Asset asset = config.resolvedAsset(config.networks()).orElseThrow();
    assertThat(asset.address()).isEqualTo(MINT);
    assertThat(asset.decimals()).isEqualTo(6);
    assertThat(asset.hasEip712Domain()).isFalse();
    assertThat(config.gate(Map.of())).isNotNull();
  }

  @Test
  void base58MistakesNameTheFlag() {
    String typo = SELLER.replace('x', '0');
    assertThatThrownBy(() -> config(DEVNET, MINT, typo))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageStartingWith("--pay-to must be an address")
        .hasMessageContaining("'" + typo + "'");
    assertThatThrownBy(() -> config(DEVNET, MINT.replace('z', 'I'), SELLER))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageStartingWith("--asset must be a token address");
    assertThatThrownBy(() -> config(DEVNET, MINT, "0x857b06519E91e3A54538791bDbb0E22373e36b66"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageStartingWith("payTo must be a base58 Solana address on " + DEVNET);
  }
}
