package io.x402j.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.config.ConfigException;
import io.x402j.gateway.GatewayConfig.OfferSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway selling each route on an EVM network and on Solana ({@code alsoAccept}): every entry is
 * checked as the gateway's own network is, naming its index and key; a dollar price is converted
 * per token, and an atomic price is refused when the tokens' decimals differ.
 */
class GatewayMixedConfigTest {
  static final String DEVNET = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1";
  static final String USDC_DEVNET = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU";
  static final String SOL_SELLER = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";
  static final String EVM_SELLER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";
  static final String EVM_TOKEN = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";

  static String yaml(String price, String also) {
    return String.join(
        "\n",
        "upstream: http://127.0.0.1:9000",
        "facilitator: {url: http://f}",
        "network: eip155:84532",
        "payTo: '" + EVM_SELLER + "'",
        "routes: [{route: GET /weather, price: '" + price + "'}]",
        "alsoAccept:",
        also,
        "");
  }

  static GatewayConfig load(Path dir, String yaml) throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, yaml);
    return GatewayConfig.load(file, Map.of());
  }

  @Test
  void baseSepoliaUsdcAndSolanaDevnetUsdcInOneFile(@TempDir Path dir) throws Exception {
    GatewayConfig config =
        load(
            dir,
            yaml(
                "$0.001",
                "  - {network: "
                    + DEVNET
                    + ", asset: {address: "
                    + USDC_DEVNET
                    + "}, payTo: "
                    + SOL_SELLER
                    + "}"));

    assertThat(config.alsoAccept())
        .containsExactly(
            new OfferSpec(
                DEVNET,
                new GatewayConfig.AssetSpec(USDC_DEVNET, null, null, null, null),
                SOL_SELLER));
    assertThat(config.gate(Map.of())).isNotNull();
  }

  @Test
  void anAtomicPriceIsRefusedWhenTheTokensDecimalsDiffer(@TempDir Path dir) throws Exception {
    GatewayConfig config =
        load(
            dir,
            yaml(
                "1000",
                "  - {network: "
                    + DEVNET
                    + ", asset: {address: So11111111111111111111111111111111111111112,"
                    + " decimals: 9}, payTo: "
                    + SOL_SELLER
                    + "}"));

    assertThatThrownBy(() -> config.gate(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("route GET /weather")
        .hasMessageContaining("atomic units")
        .hasMessageContaining("different decimals");
  }

  @Test
  void anAtomicPriceIsFineWhenTheDecimalsAgree(@TempDir Path dir) throws Exception {
    GatewayConfig config =
        load(dir, yaml("1000", "  - {network: " + DEVNET + ", payTo: " + SOL_SELLER + "}"));

    assertThat(config.gate(Map.of())).isNotNull();
  }

  @Test
  void eachEntryIsCheckedNamingItsIndexAndKey(@TempDir Path dir) {
    String ok = "  - {network: " + DEVNET + ", payTo: " + SOL_SELLER + "}\n";
    assertThatThrownBy(
            () ->
                load(
                    dir,
                    yaml(
                        "$0.001",
                        ok
                            + "  - {network: solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp, payTo: '"
                            + EVM_SELLER
                            + "'}")))
        .hasMessageStartingWith("alsoAccept[1].payTo must be a base58 Solana address");
    assertThatThrownBy(
            () -> load(dir, yaml("$0.001", "  - {network: eip155:1, payTo: " + SOL_SELLER + "}")))
        .hasMessageStartingWith("alsoAccept[0].payTo must be an EVM address");
    assertThatThrownBy(
            () ->
                load(
                    dir,
                    yaml(
                        "$0.001",
                        "  - {network: "
                            + DEVNET
                            + ", payTo: "
                            + SOL_SELLER
                            + ", asset: {address: '"
                            + EVM_TOKEN
                            + "'}}")))
        .hasMessageStartingWith("alsoAccept[0].asset.address must be a base58 Solana address");
    assertThatThrownBy(
            () ->
                load(
                    dir,
                    yaml(
                        "$0.001",
                        "  - {network: "
                            + DEVNET
                            + ", payTo: "
                            + SOL_SELLER
                            + ", asset: {address: "
                            + USDC_DEVNET
                            + ", name: USDC, version: '2'}}")))
        .hasMessageStartingWith("alsoAccept[0].asset: a Solana mint has no EIP-712 name");
    assertThatThrownBy(() -> load(dir, yaml("$0.001", "  - {network: " + DEVNET + "}")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("alsoAccept[0].payTo");
    assertThatThrownBy(
            () ->
                load(
                    dir,
                    yaml(
                        "$0.001",
                        "  - {network: " + DEVNET + ", payTo: " + SOL_SELLER + ", price: '1'}")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("alsoAccept[0].price");
    assertThatThrownBy(
            () ->
                load(
                    dir,
                    yaml("$0.001", "  - {network: base-sepolia, payTo: '" + EVM_SELLER + "'}")))
        .hasMessageContaining("alsoAccept[0].network: eip155:84532 is already offered");
    assertThatThrownBy(
            () -> load(dir, yaml("$0.001", "  - {network: nowhere, payTo: " + SOL_SELLER + "}")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("alsoAccept[0].network");
  }

  @Test
  void theFlagReadsKeyValuePairs() {
    OfferSpec offer =
        GatewayConfig.ALSO_ACCEPT.parse(
            "--also-accept",
            "network=" + DEVNET + ",asset=" + USDC_DEVNET + ",pay-to=" + SOL_SELLER);
    assertThat(offer.network()).isEqualTo(DEVNET);
    assertThat(offer.asset().address()).isEqualTo(USDC_DEVNET);
    assertThat(offer.payTo()).isEqualTo(SOL_SELLER);

    assertThatThrownBy(() -> GatewayConfig.ALSO_ACCEPT.parse("--also-accept", "network=" + DEVNET))
        .hasMessageContaining("--also-accept: give pay-to=");
    assertThatThrownBy(
            () ->
                GatewayConfig.ALSO_ACCEPT.parse(
                    "--also-accept", "network=" + DEVNET + ",pay-to=" + SOL_SELLER + ",payto=x"))
        .hasMessageContaining("unknown key 'payto'");
    assertThatThrownBy(
            () ->
                GatewayConfig.ALSO_ACCEPT.parse(
                    "--also-accept", "network=" + DEVNET + ",pay-to=0xnope"))
        .hasMessageContaining("--also-accept pay-to");
  }
}
