package io.x402j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NetworkTest {
  @Test
  void parsesCaip2() {
    Network base = Network.parse("eip155:8453");
    assertThat(base.namespace()).isEqualTo("eip155");
    assertThat(base.reference()).isEqualTo("8453");
    assertThat(base.isEvm()).isTrue();
    assertThat(base.chainId()).isEqualTo(8453);
    assertThat(base).isEqualTo(Network.evm(8453));
    assertThat(base.toString()).isEqualTo("eip155:8453");

    Network solana = Network.parse("solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp");
    assertThat(solana.isEvm()).isFalse();
    assertThatThrownBy(solana::chainId).isInstanceOf(IllegalStateException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "base-sepolia",
        "eip155",
        "eip155:",
        ":8453",
        "EIP155:8453",
        "eip155:0",
        "eip155:08453",
        "eip155:-1",
        "eip155:abc",
        "eip155:99999999999999999999",
        "ab:1",
        "toolongns:1",
        "eip155:1:2",
        "solana:has space",
        "solana:0123456789012345678901234567890123"
      })
  void refusesNonCaip2(String text) {
    assertThatThrownBy(() -> Network.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'");
  }

  @Test
  void patternsMatchNetworksAndNamespaces() {
    Network base = Network.evm(8453);
    Network solana = Network.parse("solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp");
    assertThat(NetworkPattern.parse("eip155:*").matches(base)).isTrue();
    assertThat(NetworkPattern.parse("eip155:*").matches(solana)).isFalse();
    assertThat(NetworkPattern.parse("eip155:8453").matches(base)).isTrue();
    assertThat(NetworkPattern.parse("eip155:84532").matches(base)).isFalse();
    assertThat(NetworkPattern.parse("*").matches(solana)).isTrue();
    assertThat(NetworkPattern.namespace("solana").toString()).isEqualTo("solana:*");
    assertThatThrownBy(() -> NetworkPattern.parse("EVM:*")).hasMessageContaining("namespace");
  }
}
