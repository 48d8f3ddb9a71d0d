package io.x402j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetworkRegistryTest {
  private final NetworkRegistry registry = NetworkRegistry.defaults();

  @ParameterizedTest(name = "{1} = {0} = chain {2}")
  @CsvSource({
    "eip155:8453,     base,             8453,     0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913, USD Coin",
    "eip155:84532,    base-sepolia,     84532,    0x036CbD53842c5426634e7929541eC2318f3dCF7e, USDC",
    "eip155:1,        ethereum,         1,        0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48, USD Coin",
    "eip155:43114,    avalanche,        43114,    0xB97EF9Ef8734C71904D8002F8b6Bc66Dd9c48a6E, USD Coin",
    "eip155:43113,    avalanche-fuji,   43113,    0x5425890298aed601595a70AB815c96711a31Bc65, USD Coin",
    "eip155:137,      polygon,          137,      0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359, USD Coin",
    "eip155:80002,    polygon-amoy,     80002,    0x41E94Eb019C0762f9Bfcf9Fb1E58725BfB0e7582, USDC",
    "eip155:42161,    arbitrum,         42161,    0xaf88d065e77c8cC2239327C5EDb3A432268e5831, USD Coin",
    "eip155:421614,   arbitrum-sepolia, 421614,   0x75faf114eafb1BDbe2F0316DF893fd58CE46AA4d, USD Coin",
    "eip155:10,       optimism,         10,       0x0b2C639c533813f4Aa9D7837CAf62653d097Ff85, USD Coin",
  })
  void knowsTheRequiredEvmNetworks(
      String caip2, String v1Name, long chainId, String usdc, String eip712Name) {
    Network network = Network.parse(caip2);

    assertThat(registry.findByV1Name(v1Name).orElseThrow().network()).isEqualTo(network);
    assertThat(registry.findByChainId(chainId).orElseThrow().network()).isEqualTo(network);
    assertThat(registry.v1Name(network)).hasValue(v1Name);
    assertThat(registry.resolve(v1Name)).isEqualTo(network);
    assertThat(registry.resolve(caip2)).isEqualTo(network);

    Asset asset = registry.defaultAsset(network).orElseThrow();
    assertThat(asset.address()).isEqualTo(usdc);
    assertThat(asset.symbol()).isEqualTo("USDC");
    assertThat(asset.decimals()).isEqualTo(6);
    assertThat(asset.eip712Name()).isEqualTo(eip712Name);
    assertThat(asset.eip712Version()).isEqualTo("2");
    assertThat(asset.usdStablecoin()).isTrue();
    assertThat(registry.findAsset(network, usdc.toLowerCase())).hasValue(asset);
    assertThat(registry.findAsset(network, "usdc")).hasValue(asset);
  }

  @ParameterizedTest(name = "chain {0}: blocks {1} ms, poll {2} ms, receipt timeout {3} s")
  @CsvSource({
    "8453,   2000,  500,  30",
    "1,      12000, 3000, 120",
    "42161,  250,   62,   10",
  })
  void carriesBlockTimesAndDerivesReceiptPolling(
      long chainId, long blockMillis, long pollMillis, long timeoutSeconds) {
    NetworkInfo info = registry.findByChainId(chainId).orElseThrow();
    assertThat(info.blockTime().toMillis()).isEqualTo(blockMillis);
    assertThat(info.receiptPollInterval().toMillis()).isEqualTo(pollMillis);
    assertThat(info.receiptTimeout().toSeconds()).isEqualTo(timeoutSeconds);
  }

  @Test
  void unknownBlockTimesDefaultToTwoSeconds() {
    NetworkInfo custom = NetworkInfo.builder(Network.evm(999)).build();
    assertThat(custom.blockTime()).isEqualTo(NetworkInfo.DEFAULT_BLOCK_TIME);
    assertThat(
            NetworkInfo.builder(Network.evm(999))
                .blockTime(java.time.Duration.ofMillis(40))
                .build()
                .receiptPollInterval())
        .isEqualTo(java.time.Duration.ofMillis(25));
  }

  @ParameterizedTest
  @CsvSource({
    "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp, solana",
    "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1, solana-devnet",
    "solana:4uhcVJyU9pJkvQyS88uRDiswHXSCkY3z, solana-testnet",
  })
  void recognisesSolana(String caip2, String v1Name) {
    assertThat(registry.resolve(v1Name)).isEqualTo(Network.parse(caip2));
    assertThat(registry.find(Network.parse(caip2))).isPresent();
  }

  @Test
  void unknownNamesAreRefusedByName() {
    assertThatThrownBy(() -> registry.resolve("atlantis"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'atlantis'");
    assertThat(registry.resolve("eip155:999999")).isEqualTo(Network.evm(999999));
    assertThat(registry.find(Network.evm(999999))).isEmpty();
    assertThat(registry.findByChainId(-1)).isEmpty();
  }

  @Test
  void customNetworksAreAddedByConfiguration() {
    Asset testDollar =
        Asset.usdStablecoin(
            "0x5FbDB2315678afecb367f032d93F642f64180aa3", "TUSD", 6, "Test Dollar", "1");
    NetworkRegistry custom =
        registry.toBuilder()
            .network(
                NetworkInfo.builder(Network.evm(31337))
                    .displayName("devnet")
                    .v1Name("devnet")
                    .testnet(true)
                    .asset(testDollar)
                    .build())
            .build();

    assertThat(custom.resolve("devnet")).isEqualTo(Network.evm(31337));
    assertThat(custom.defaultAsset(Network.evm(31337))).hasValue(testDollar);
    assertThat(custom.find(Network.evm(8453))).isPresent();
    assertThat(registry.find(Network.evm(31337))).as("defaults unchanged").isEmpty();
  }

  @Test
  void replacingANetworkKeepsOneEntryAndClashingNamesAreRefused() {
    NetworkInfo base = registry.find(Network.evm(8453)).orElseThrow();
    NetworkRegistry replaced =
        registry.toBuilder().network(base.toBuilder().displayName("Base (mine)").build()).build();
    assertThat(replaced.all()).hasSameSizeAs(registry.all());
    assertThat(replaced.find(Network.evm(8453)).orElseThrow().displayName())
        .isEqualTo("Base (mine)");

    assertThatThrownBy(
            () ->
                registry.toBuilder()
                    .network(NetworkInfo.builder(Network.evm(777)).v1Name("base").build())
                    .build())
        .hasMessageContaining("'base'")
        .hasMessageContaining("eip155:8453");
  }
}
