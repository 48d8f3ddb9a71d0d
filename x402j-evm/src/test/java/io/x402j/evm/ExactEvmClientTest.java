package io.x402j.evm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.wire.PaymentRequirements;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** What the buyer's EVM client signs, with a fixed clock. */
class ExactEvmClientTest {
  static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
  static final long NOW_S = NOW.getEpochSecond();

  final PrivateKeySigner signer = PrivateKeySigner.fromHex(PrivateKeySignerTest.ANVIL_KEY_0);
  final ExactEvmClient client =
      ExactEvmClient.of(signer, Clock.fixed(NOW, ZoneOffset.UTC), new SecureRandom());

  static PaymentRequirements asking(int maxTimeoutSeconds) {
    return PaymentRequirements.builder()
        .network(Network.evm(84532))
        .amount(TokenAmount.of(10_000))
        .asset("0x036CbD53842c5426634e7929541eC2318f3dCF7e")
        .payTo("0x857b06519E91e3A54538791bDbb0E22373e36b66")
        .maxTimeoutSeconds(maxTimeoutSeconds)
        .extra("name", "USDC")
        .extra("version", "2")
        .build();
  }

  static BigInteger validBefore(ExactEvmClient client, int version, PaymentRequirements r) {
    return client.authorize(version, r).authorization().validBefore();
  }

  @Test
  void aServerCannotAskForAnAuthorizationValidForYears() {
    PaymentRequirements decades = asking(Integer.MAX_VALUE);

    assertThat(validBefore(client, 2, decades)).isEqualTo(BigInteger.valueOf(NOW_S + 3600));
    assertThat(validBefore(client, 1, decades))
        .as("v1 too")
        .isEqualTo(BigInteger.valueOf(NOW_S + 3600));
    assertThat(client.maxAuthorizationLifetime()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void withinTheCapTheServersTimeoutIsKept() {
    assertThat(validBefore(client, 2, asking(60))).isEqualTo(BigInteger.valueOf(NOW_S + 60));
    assertThat(validBefore(client, 2, asking(3600))).isEqualTo(BigInteger.valueOf(NOW_S + 3600));
    // Shorter than the facilitators' 6 s margin: signed as asked, never lengthened.
    assertThat(validBefore(client, 2, asking(3))).isEqualTo(BigInteger.valueOf(NOW_S + 3));
  }

  @Test
  void theCapIsConfigurable() {
    ExactEvmClient twoHours = client.withMaxAuthorizationLifetime(Duration.ofHours(2));
    assertThat(validBefore(twoHours, 2, asking(5400))).isEqualTo(BigInteger.valueOf(NOW_S + 5400));
    assertThat(validBefore(twoHours, 2, asking(100_000)))
        .isEqualTo(BigInteger.valueOf(NOW_S + 7200));
    ExactEvmClient aMinute = client.withMaxAuthorizationLifetime(Duration.ofMinutes(1));
    assertThat(validBefore(aMinute, 2, asking(300))).isEqualTo(BigInteger.valueOf(NOW_S + 60));
    assertThat(client.maxAuthorizationLifetime()).as("immutable").isEqualTo(Duration.ofHours(1));

    assertThatThrownBy(() -> client.withMaxAuthorizationLifetime(Duration.ofSeconds(6)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 10 s");
  }
}
