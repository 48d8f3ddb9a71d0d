package io.x402j.evm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.PaymentIdentity;
import io.x402j.core.wire.PaymentRequirements;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Strict parsing of Permit2 payloads and their canonical identity, including hostile spellings. */
class Permit2PayloadTest {
  static final Network BASE_SEPOLIA = Network.evm(84532);
  final ExactEvmServer exact = new ExactEvmServer(NetworkRegistry.defaults());
  final UptoEvmServer upto = new UptoEvmServer(NetworkRegistry.defaults());

  static Map<String, Object> exactMap() {
    return Permit2CallsTest.exactPayload().toMap();
  }

  static Map<String, Object> uptoMap() {
    return Permit2CallsTest.uptoPayload().toMap();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> with(Map<String, Object> payload, String path, Object value) {
    Map<String, Object> copy = deepCopy(payload);
    String[] parts = path.split("\\.");
    Map<String, Object> at = copy;
    for (int i = 0; i < parts.length - 1; i++) {
      at = (Map<String, Object>) at.get(parts[i]);
    }
    if (value == null) {
      at.remove(parts[parts.length - 1]);
    } else {
      at.put(parts[parts.length - 1], value);
    }
    return copy;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> deepCopy(Map<String, Object> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(k, v instanceof Map ? deepCopy((Map<String, Object>) v) : v));
    return out;
  }

  static PaymentRequirements requirements(String scheme) {
    return PaymentRequirements.builder()
        .scheme(scheme)
        .network(BASE_SEPOLIA)
        .amount(TokenAmount.of(10_000))
        .asset(Permit2Test.USDC.toString())
        .payTo(Permit2Test.PAY_TO.toString())
        .maxTimeoutSeconds(60)
        .build();
  }

  PaymentIdentity exactId(Map<String, Object> payload) {
    return exact.identify(2, requirements("exact"), payload);
  }

  @Test
  void roundTripsInTheOfficialFieldOrder() {
    Map<String, Object> map = exactMap();
    assertThat(map.keySet()).containsExactly("signature", "permit2Authorization");
    @SuppressWarnings("unchecked")
    Map<String, Object> a = (Map<String, Object>) map.get("permit2Authorization");
    assertThat(a.keySet())
        .containsExactly("from", "permitted", "spender", "nonce", "deadline", "witness");
    assertThat(((Map<?, ?>) a.get("witness")).keySet().toString()).isEqualTo("[to, validAfter]");
    Map<?, ?> uptoAuth = (Map<?, ?>) uptoMap().get("permit2Authorization");
    assertThat(((Map<?, ?>) uptoAuth.get("witness")).keySet().toString())
        .isEqualTo("[to, facilitator, validAfter]");
    assertThat(Permit2Payload.fromMap(map)).isEqualTo(Permit2CallsTest.exactPayload());
    assertThat(Permit2Payload.fromMap(uptoMap())).isEqualTo(Permit2CallsTest.uptoPayload());
    assertThat(Permit2Payload.isPermit2(map)).isTrue();
    assertThat(Permit2Payload.isPermit2(Map.of("authorization", Map.of()))).isFalse();
  }

  @Test
  void nonceSpellingsWithLeadingZerosAreOnePayment() {
    Map<String, Object> one = with(exactMap(), "permit2Authorization.nonce", "1");
    Map<String, Object> zeroOne = with(exactMap(), "permit2Authorization.nonce", "01");
    assertThat(exactId(one).id()).isEqualTo(exactId(zeroOne).id());
    assertThat(exactId(one).id())
        .isEqualTo("permit2|eip155:84532|" + Permit2Test.PAY_TO.toLowerHex() + "|1");
    // letter case of the owner does not make a new payment
    Map<String, Object> lower =
        with(one, "permit2Authorization.from", Permit2Test.PAY_TO.toLowerHex());
    assertThat(exactId(lower).id()).isEqualTo(exactId(one).id());
    // the payer it names, canonical whatever its spelling
    assertThat(exactId(lower).payer()).isEqualTo(Permit2Test.PAY_TO.toLowerHex());
    assertThat(exactId(one).payer()).isEqualTo(Permit2Test.PAY_TO.toLowerHex());
  }

  @Test
  void hexNonceIsRefusedNotNormalised() {
    assertThatThrownBy(() -> exactId(with(exactMap(), "permit2Authorization.nonce", "0x1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("payload.permit2Authorization.nonce:");
  }

  @Test
  void unicodeDigitsAreRefused() {
    assertThatThrownBy(() -> exactId(with(exactMap(), "permit2Authorization.nonce", "１")))
        .hasMessageContaining("payload.permit2Authorization.nonce")
        .hasMessageContaining("U+FF11");
    assertThatThrownBy(
            () -> exactId(with(exactMap(), "permit2Authorization.permitted.amount", "١٠")))
        .hasMessageContaining("payload.permit2Authorization.permitted.amount");
    String arabicSig = "0x" + "11".repeat(64) + "1\u0661";
    assertThatThrownBy(() -> exactId(with(exactMap(), "signature", arabicSig)))
        .hasMessageContaining("payload.signature");
    String fullwidthAddress = "0x" + "\uff11".repeat(40);
    assertThatThrownBy(
            () -> exactId(with(exactMap(), "permit2Authorization.witness.to", fullwidthAddress)))
        .hasMessageContaining("payload.permit2Authorization.witness.to");
  }

  @Test
  void numbersBeyondUint256AreRefused() {
    String overflow = BigInteger.ONE.shiftLeft(256).toString();
    assertThatThrownBy(() -> exactId(with(exactMap(), "permit2Authorization.nonce", overflow)))
        .hasMessageContaining("payload.permit2Authorization.nonce")
        .hasMessageContaining("uint256");
    assertThatThrownBy(() -> exactId(with(exactMap(), "permit2Authorization.deadline", overflow)))
        .hasMessageContaining("payload.permit2Authorization.deadline");
    assertThatThrownBy(
            () -> exactId(with(exactMap(), "permit2Authorization.witness.validAfter", "-1")))
        .hasMessageContaining("payload.permit2Authorization.witness.validAfter");
    String max = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE).toString();
    assertThat(exactId(with(exactMap(), "permit2Authorization.nonce", max)).id()).endsWith(max);
  }

  @Test
  void missingAndMistypedFieldsAreNamed() {
    assertThatThrownBy(() -> exactId(with(exactMap(), "permit2Authorization.witness", null)))
        .hasMessage("payload.permit2Authorization.witness is missing");
    assertThatThrownBy(() -> exactId(with(exactMap(), "permit2Authorization.nonce", 1)))
        .hasMessage("payload.permit2Authorization.nonce must be a string");
    assertThatThrownBy(() -> exactId(with(exactMap(), "permit2Authorization.permitted", "x")))
        .hasMessage("payload.permit2Authorization.permitted must be an object");
    assertThatThrownBy(() -> exactId(with(exactMap(), "signature", "0x1234")))
        .hasMessageContaining("payload.signature");
    assertThatThrownBy(() -> Permit2Payload.fromMap(null)).hasMessage("payload is missing");
  }

  @Test
  void theWrongWitnessTypeIsRefusedByEachScheme() {
    assertThatThrownBy(() -> exactId(uptoMap())).hasMessageContaining("upto witness");
    assertThatThrownBy(() -> upto.identify(2, requirements("upto"), exactMap()))
        .hasMessageContaining("witness.facilitator is missing");
    Map<String, Object> exactWithUptoSpender =
        with(exactMap(), "permit2Authorization.spender", Permit2.UPTO_PROXY.toString());
    assertThatThrownBy(() -> exactId(exactWithUptoSpender))
        .hasMessageContaining("not the exact Permit2 proxy");
  }

  @Test
  void exactAndUptoShareTheNonceSpaceAndExpireAtTheDeadline() {
    Map<String, Object> e = with(exactMap(), "permit2Authorization.nonce", "7");
    Map<String, Object> u = with(uptoMap(), "permit2Authorization.nonce", "7");
    PaymentIdentity ue = upto.identify(2, requirements("upto"), u);
    assertThat(ue.id()).isEqualTo(exactId(e).id());
    assertThat(ue.payer()).isNotNull().isEqualTo(exactId(e).payer());
    assertThat(ue.validBefore().getEpochSecond()).isEqualTo(Permit2Test.DEADLINE.longValue());
  }

  @Test
  void eip3009IdentityIsUnchanged() {
    // An EIP-3009 payload still goes the old way (no permit2Authorization).
    ExactEvmClient client =
        ExactEvmClient.of(PrivateKeySigner.fromHex(PrivateKeySignerTest.ANVIL_KEY_0));
    PaymentRequirements r =
        requirements("exact").toBuilder().extra("name", "USDC").extra("version", "2").build();
    Map<String, Object> payload = client.createPayload(2, r);
    assertThat(exact.identify(2, r, payload).id()).startsWith("exact|eip155:84532|");
    assertThat(exact.identify(2, r, payload).payer())
        .isEqualTo(
            PrivateKeySigner.fromHex(PrivateKeySignerTest.ANVIL_KEY_0).address().toLowerHex());
  }
}
