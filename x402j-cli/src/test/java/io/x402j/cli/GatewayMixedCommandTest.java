package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.gateway.GatewayConfig;
import io.x402j.gateway.GatewayConfig.AssetSpec;
import io.x402j.gateway.GatewayConfig.OfferSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --also-accept}: every route is also sold on Solana; mistakes name the flag. */
class GatewayMixedCommandTest {
  static final String DEVNET = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1";
  static final String MINT = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU";
  static final String SOL_SELLER = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";
  static final String EVM_SELLER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";

  static GatewayConfig config(String price, String... also) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "gateway",
                "--network",
                "eip155:84532",
                "--pay-to",
                EVM_SELLER,
                "--route",
                "GET /weather=" + price,
                "--facilitator",
                "http://127.0.0.1:4022",
                "--upstream",
                "http://127.0.0.1:9000"));
    for (String a : also) {
      args.add("--also-accept");
      args.add(a);
    }
    return GatewayCommandTest.config(args.toArray(String[]::new));
  }

  @Test
  void baseSepoliaAndSolanaDevnetUsdc() throws Exception {
    GatewayConfig config =
        config("$0.001", "network=" + DEVNET + ",asset=" + MINT + ",pay-to=" + SOL_SELLER);

    assertThat(config.alsoAccept())
        .containsExactly(
            new OfferSpec(DEVNET, new AssetSpec(MINT, null, null, null, null), SOL_SELLER));
    assertThat(config.gate(Map.of())).isNotNull();
  }

  @Test
  void mistakesNameTheFlag() {
    assertThatThrownBy(() -> config("$0.001", "network=" + DEVNET + ",pay-to=" + EVM_SELLER))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageStartingWith("--also-accept #0 pay-to must be a base58 Solana address");
    assertThatThrownBy(() -> config("$0.001", "network=" + DEVNET))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--also-accept: give pay-to=");
    assertThatThrownBy(
            () ->
                config(
                    "$0.001",
                    "network="
                        + DEVNET
                        + ",pay-to="
                        + SOL_SELLER
                        + ",asset="
                        + MINT
                        + ",asset-name=USDC"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageStartingWith("--also-accept #0 asset: a Solana mint has no EIP-712 name");
  }

  @Test
  void anAtomicPriceWithTokensOfDifferentDecimalsIsRefusedWhenTheGateIsBuilt() throws Exception {
    GatewayConfig config =
        config(
            "1000",
            "network="
                + DEVNET
                + ",asset=So11111111111111111111111111111111111111112,asset-decimals=9,pay-to="
                + SOL_SELLER);
    assertThatThrownBy(() -> config.gate(Map.of())).hasMessageContaining("different decimals");
  }
}
