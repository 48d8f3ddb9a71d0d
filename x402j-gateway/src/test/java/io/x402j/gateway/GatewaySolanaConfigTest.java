package io.x402j.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.config.ConfigException;
import io.x402j.core.Asset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway selling on Solana: a network, a mint and a base58 owner are enough (no EIP-712 name or
 * version), and an address of the wrong kind or a base58 typo is refused naming the setting.
 */
class GatewaySolanaConfigTest {
  static final String DEVNET = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1";
  static final String USDC = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU";
  static final String OTHER_MINT = "So11111111111111111111111111111111111111112";
  static final String SELLER = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";
  static final String EVM_SELLER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";

  static String yaml(String network, String payTo, String asset) {
    return String.join(
        "\n",
        "upstream: http://127.0.0.1:9000",
        "facilitator: {url: http://f}",
        "network: " + network,
        "payTo: " + payTo,
        asset == null ? "" : "asset: " + asset,
        "routes: [{route: GET /weather, price: '1000'}]",
        "");
  }

  static GatewayConfig load(Path dir, String yaml) throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, yaml);
    return GatewayConfig.load(file, Map.of());
  }

  @Test
  void aSolanaNetworkWithAMintAndABase58Owner(@TempDir Path dir) throws Exception {
    GatewayConfig config = load(dir, yaml(DEVNET, SELLER, "{address: " + USDC + "}"));

    Asset asset = config.resolvedAsset(config.networks()).orElseThrow();
    assertThat(asset.address()).isEqualTo(USDC);
    assertThat(asset.decimals()).isEqualTo(6);
    assertThat(asset.hasEip712Domain()).isFalse();
    assertThat(asset.usdStablecoin()).isTrue();
    assertThat(config.gate(Map.of())).isNotNull();
  }

  @Test
  void theNetworksDefaultMintOrAnUnknownMintWithItsDecimals(@TempDir Path dir) throws Exception {
    GatewayConfig byDefault = load(dir, yaml("solana-devnet", SELLER, null));
    assertThat(byDefault.resolvedAsset(byDefault.networks())).isEmpty();
    assertThat(byDefault.gate(Map.of())).isNotNull();

    GatewayConfig unknown =
        load(dir, yaml(DEVNET, SELLER, "{address: " + OTHER_MINT + ", decimals: 9}"));
    assertThat(unknown.resolvedAsset(unknown.networks()).orElseThrow().decimals()).isEqualTo(9);

    GatewayConfig noDecimals = load(dir, yaml(DEVNET, SELLER, "{address: " + OTHER_MINT + "}"));
    assertThatThrownBy(() -> noDecimals.resolvedAsset(noDecimals.networks()))
        .hasMessageContaining("give its decimals");
  }

  @Test
  void base58MistakesAreNamedBySetting(@TempDir Path dir) {
    // '0' is not a base58 digit.
    String typo = SELLER.substring(0, 10) + "0" + SELLER.substring(11);
    assertThatThrownBy(() -> load(dir, yaml(DEVNET, typo, null)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("payTo must be an address")
        .hasMessageContaining("'" + typo + "'");
    String mintTypo = USDC.replace('z', 'l');
    assertThatThrownBy(() -> load(dir, yaml(DEVNET, SELLER, "{address: " + mintTypo + "}")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("asset.address must be a token address");
    // Non-ASCII digits look like base58 and are not.
    assertThatThrownBy(() -> load(dir, yaml(DEVNET, SELLER.replace('9', '９'), null)))
        .hasMessageStartingWith("payTo must be an address");
  }

  @Test
  void anAddressOfTheOtherFamilyIsRefusedNamingTheSetting(@TempDir Path dir) {
    assertThatThrownBy(() -> load(dir, yaml(DEVNET, EVM_SELLER, null)))
        .hasMessageStartingWith("payTo must be a base58 Solana address on " + DEVNET);
    assertThatThrownBy(() -> load(dir, yaml("eip155:84532", SELLER, null)))
        .hasMessageStartingWith("payTo must be an EVM address");
    assertThatThrownBy(
            () -> load(dir, yaml(DEVNET, SELLER, "{address: " + EVM_SELLER + ", decimals: 6}")))
        .hasMessageStartingWith("asset.address must be a base58 Solana address");
  }

  @Test
  void aSolanaMintHasNoEip712Domain(@TempDir Path dir) {
    assertThatThrownBy(
            () ->
                load(
                    dir, yaml(DEVNET, SELLER, "{address: " + USDC + ", name: USDC, version: '2'}")))
        .hasMessageContaining("a Solana mint has no EIP-712 name or version");
  }
}
