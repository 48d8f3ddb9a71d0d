package io.x402j.core.scheme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.Network;
import io.x402j.core.NetworkPattern;
import org.junit.jupiter.api.Test;

class SchemeRegistryTest {
  private final Network base = Network.evm(8453);
  private final Network baseSepolia = Network.evm(84532);
  private final Network solana = Network.parse("solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp");

  @Test
  void mostSpecificRegistrationWins() {
    SchemeRegistry<String> registry =
        SchemeRegistry.<String>builder()
            .register(2, "exact", NetworkPattern.any(), "anything")
            .register(2, "exact", NetworkPattern.parse("eip155:*"), "evm")
            .register(2, "exact", NetworkPattern.of(base), "base only")
            .build();

    assertThat(registry.find(2, "exact", base)).hasValue("base only");
    assertThat(registry.find(2, "exact", baseSepolia)).hasValue("evm");
    assertThat(registry.find(2, "exact", solana)).hasValue("anything");
  }

  @Test
  void lookupIsByVersionSchemeAndNetwork() {
    SchemeRegistry<String> registry =
        SchemeRegistry.<String>builder()
            .register(2, "exact", NetworkPattern.parse("eip155:*"), "v2 exact")
            .register(1, "exact", NetworkPattern.parse("eip155:*"), "v1 exact")
            .register(2, "upto", NetworkPattern.parse("eip155:*"), "v2 upto")
            .build();

    assertThat(registry.find(1, "exact", base)).hasValue("v1 exact");
    assertThat(registry.find(2, "upto", base)).hasValue("v2 upto");
    assertThat(registry.find(1, "upto", base)).isEmpty();
    assertThat(registry.find(2, "exact", solana)).isEmpty();
    assertThat(registry.hasScheme("upto", base)).isTrue();
    assertThat(registry.hasScheme("upto", solana)).isFalse();
  }

  @Test
  void firstRegisteredWinsAmongEquals() {
    SchemeRegistry<String> registry =
        SchemeRegistry.<String>builder()
            .registerBothVersions("exact", NetworkPattern.parse("eip155:*"), "first")
            .registerBothVersions("exact", NetworkPattern.parse("eip155:*"), "second")
            .build();

    assertThat(registry.find(2, "exact", base)).hasValue("first");
    assertThat(registry.find(1, "exact", base)).hasValue("first");
    assertThat(registry.registrations()).hasSize(4);
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(
            () -> SchemeRegistry.<String>builder().register(3, "exact", NetworkPattern.any(), "x"))
        .hasMessageContaining("x402Version");
    assertThatThrownBy(
            () -> SchemeRegistry.<String>builder().register(2, "", NetworkPattern.any(), "x"))
        .hasMessageContaining("scheme");
  }
}
