package io.x402j.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.Network;
import io.x402j.core.NetworkPattern;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.PaymentIdentity;
import io.x402j.core.scheme.SchemeRegistry;
import io.x402j.core.scheme.SchemeServer;
import io.x402j.core.testing.Spellings;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.evm.ExactEvmClient;
import io.x402j.evm.ExactEvmServer;
import io.x402j.evm.PrivateKeySigner;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The replay key of a payment comes from its parsed values, never from the text it arrived as. */
class PaymentIdsTest {
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  static final SchemeRegistry<SchemeServer> SCHEMES =
      SchemeRegistry.<SchemeServer>builder()
          .registerBothVersions(
              "exact",
              NetworkPattern.namespace("eip155"),
              new ExactEvmServer(NetworkRegistry.defaults()))
          .build();
  static final PaymentRequirements REQUIRED =
      PaymentRequirements.builder()
          .scheme("exact")
          .network(Network.evm(84532))
          .amount(TokenAmount.of(10_000))
          .asset("0x036CbD53842c5426634e7929541eC2318f3dCF7e")
          .payTo("0x209693Bc6afc0C5328bA36FaF03C514EF312287C")
          .maxTimeoutSeconds(60)
          .extra(Map.of("name", "USDC", "version", "2"))
          .build();
  static final Map<String, Object> PAYMENT =
      ExactEvmClient.of(
              PrivateKeySigner.fromHex("0x" + "42".repeat(32)),
              Clock.fixed(NOW, ZoneOffset.UTC),
              new SecureRandom())
          .createPayload(2, REQUIRED);

  static PaymentIdentity identify(Map<String, Object> payload) {
    return PaymentIds.identify(SCHEMES, 2, REQUIRED, payload);
  }

  @Test
  void respellingsOfOneAuthorizationAreOnePayment() {
    PaymentIdentity identity = identify(PAYMENT);
    Map<String, Object> padded = new LinkedHashMap<>(PAYMENT);
    padded.put("extra", 1);
    assertThat(identify(Spellings.authorization(PAYMENT, "nonce", Spellings::upperHex)))
        .isEqualTo(identity);
    assertThat(identify(Spellings.authorization(PAYMENT, "from", Spellings::upperHex)))
        .isEqualTo(identity);
    assertThat(identify(Spellings.signature(PAYMENT, Spellings::recoveryIdV))).isEqualTo(identity);
    assertThat(identify(Spellings.authorization(PAYMENT, "validBefore", s -> "0" + s)))
        .isEqualTo(identity);
    assertThat(identify(padded)).isEqualTo(identity);
    assertThat(PaymentIds.identify(SCHEMES, 1, REQUIRED, PAYMENT)).isEqualTo(identity);
    assertThat(
            PaymentIds.identify(
                SCHEMES, 2, REQUIRED.toBuilder().network(Network.evm(8453)).build(), PAYMENT))
        .isNotEqualTo(identity);
  }

  @Test
  void aNonAsciiDigitIsRefusedNamingTheFieldNotTakenForANewPayment() {
    for (String field : new String[] {"from", "nonce"}) {
      assertThatThrownBy(
              () -> identify(Spellings.authorization(PAYMENT, field, Spellings::fullWidthDigit)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("payload.authorization." + field)
          .hasMessageContaining("non-ASCII character U+FF1");
      assertThatThrownBy(
              () -> identify(Spellings.authorization(PAYMENT, field, Spellings::arabicIndicDigit)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("non-ASCII character U+066");
    }
    assertThatThrownBy(
            () ->
                identify(
                    Spellings.authorization(
                        PAYMENT, "validBefore", s -> "\uff11" + s.substring(1))))
        .hasMessageStartingWith("payload.authorization.validBefore")
        .hasMessageContaining("non-ASCII character U+FF11");
  }

  @Test
  void anUnregisteredSchemeIsIdentifiedByItsCanonicalJson() {
    PaymentRequirements other = REQUIRED.toBuilder().scheme("upto").build();
    PaymentIdentity identity =
        PaymentIds.identify(SCHEMES, 2, other, Map.of("b", 1, "a", Map.of("y", 2.0, "x", "z")));
    assertThat(
            PaymentIds.identify(
                SCHEMES, 2, other, new TreeMap<>(Map.of("a", Map.of("x", "z", "y", 2), "b", 1))))
        .isEqualTo(identity);
    assertThat(identity.id()).startsWith("upto|eip155:84532|");
    assertThat(identity.validBefore()).isNull();
  }

  @Test
  void theStoreKeepsAPaymentUntilItsParsedValidBefore() {
    PaymentIdentity identity = identify(PAYMENT);
    Instant validBefore = NOW.plusSeconds(60);
    assertThat(identity.validBefore()).isEqualTo(validBefore);
    assertThat(PaymentIds.expiry(identity, NOW)).isEqualTo(validBefore);
    assertThat(PaymentIds.expiry(identity, NOW.plusSeconds(120))).isEqualTo(NOW.plusSeconds(120));
    assertThat(PaymentIds.expiry(new PaymentIdentity("x", null), NOW)).isEqualTo(NOW);
    assertThat(PaymentIds.expiry(new PaymentIdentity("x", Instant.MAX), NOW)).isEqualTo(NOW);
  }
}
