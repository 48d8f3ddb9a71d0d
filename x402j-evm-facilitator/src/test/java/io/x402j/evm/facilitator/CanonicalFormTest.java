package io.x402j.evm.facilitator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.PaymentIdentity;
import io.x402j.core.testing.Spellings;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.evm.Bytes32;
import io.x402j.evm.Eip3009;
import io.x402j.evm.Eip3009Authorization;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.ExactEvmPayload;
import io.x402j.evm.ExactEvmServer;
import io.x402j.evm.Hex;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.Signature;
import java.math.BigInteger;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One payment, one identity. Hex is read as ASCII only, so a digit written as '１' (full-width) or
 * '١' (Arabic-Indic) is refused with a reason naming the field and the character; and every
 * spelling that is accepted (letter case, {@code v} as 0/1 or 27/28, a leading zero in a decimal,
 * key order) gives the same replay identity at the gate and the same settle fingerprint at the
 * facilitator.
 */
class CanonicalFormTest {
  static final PrivateKeySigner PAYER = PrivateKeySigner.fromHex("0x" + "42".repeat(32));
  static final EvmAddress USDC = EvmAddress.parse("0x036CbD53842c5426634e7929541eC2318f3dCF7e");
  static final EvmAddress SELLER = EvmAddress.parse("0x209693Bc6afc0C5328bA36FaF03C514EF312287C");
  static final Network BASE_SEPOLIA = Network.evm(84532);
  static final PaymentRequirements REQUIRED = requirements(BASE_SEPOLIA, USDC);
  static final ExactEvmServer SERVER = new ExactEvmServer(NetworkRegistry.defaults());

  static final Map<String, Function<String, String>> NON_ASCII =
      Map.of(
          "full-width", Spellings::fullWidthDigit,
          "Arabic-Indic", Spellings::arabicIndicDigit,
          "Devanagari", Spellings::devanagariDigit);

  static PaymentRequirements requirements(Network network, EvmAddress asset) {
    return PaymentRequirements.builder()
        .scheme("exact")
        .network(network)
        .amount(TokenAmount.of(10_000))
        .asset(asset.toString())
        .payTo(SELLER.toString())
        .maxTimeoutSeconds(60)
        .extra(Map.of("name", "USDC", "version", "2"))
        .build();
  }

  /** A payment signed by {@link #PAYER} with a nonce holding both digits and letters. */
  static Map<String, Object> signed(String nonce) {
    Eip3009Authorization a =
        new Eip3009Authorization(
            PAYER.address(),
            SELLER,
            TokenAmount.of(10_000),
            BigInteger.ZERO,
            BigInteger.valueOf(1_767_225_660L),
            Bytes32.parse(nonce));
    Bytes32 domain = Eip3009.domainSeparator("USDC", "2", 84532, USDC);
    return new ExactEvmPayload(PAYER.sign(Eip3009.digest(domain, a)).toString(), a).toMap();
  }

  static final String NONCE = "0x" + "0123456789abcdef".repeat(4);
  static final Map<String, Object> PAYMENT = signed(NONCE);

  @Test
  void hexWithANonAsciiDigitIsRefusedNamingTheCharacter() {
    String address = "0x209693bc6afc0c5328ba36faf03c514ef312287c";
    String signature = (String) PAYMENT.get("signature");
    for (var spelling : NON_ASCII.entrySet()) {
      String badAddress = spelling.getValue().apply(address);
      String badNonce = spelling.getValue().apply(NONCE);
      String badSignature = spelling.getValue().apply(signature);
      List<Runnable> parsers =
          List.of(
              () -> EvmAddress.parse(badAddress),
              () -> Bytes32.parse(badNonce),
              () -> Signature.parse(badSignature),
              () -> Hex.decode(badNonce));
      for (Runnable parse : parsers) {
        assertThatThrownBy(parse::run)
            .as(spelling.getKey())
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("contains a non-ASCII character U+")
            .hasMessageContaining(" at index ");
      }
      assertThat(EvmAddress.isValid(badAddress)).isFalse();
      assertThat(Hex.isHex(badNonce, 32)).isFalse();
    }
    assertThat(Hex.decode("0xAbCd")).containsExactly(0xab, 0xcd);
  }

  @ParameterizedTest
  @CsvSource({
    "authorization, from, payload.authorization.from",
    "authorization, to, payload.authorization.to",
    "authorization, nonce, payload.authorization.nonce",
    "authorization, value, payload.authorization.value",
    "authorization, validBefore, payload.authorization.validBefore",
    "signature, signature, payload.signature",
  })
  void aPayloadWithANonAsciiDigitIsMalformedNamingTheField(
      String where, String field, String named) {
    for (var spelling : NON_ASCII.entrySet()) {
      UnaryOperator<String> decimal = text -> spelling.getValue().apply("0x" + text).substring(2);
      // Lower case first, so that only the digit, not an EIP-55 checksum, can refuse an address.
      UnaryOperator<String> hex =
          text -> spelling.getValue().apply(text.toLowerCase(java.util.Locale.ROOT));
      UnaryOperator<String> respell =
          field.equals("value") || field.equals("validBefore") ? decimal : hex;
      Map<String, Object> payload =
          where.equals("signature")
              ? Spellings.signature(PAYMENT, respell)
              : Spellings.authorization(PAYMENT, field, respell);
      assertThatThrownBy(() -> ExactEvmPayload.fromMap(payload))
          .as(spelling.getKey())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(named)
          .hasMessageContaining("non-ASCII character U+");
      assertThatThrownBy(() -> SERVER.identify(2, REQUIRED, payload))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(named);
    }
  }

  /** Spellings of {@link #PAYMENT} that are the same signed authorization. */
  static Map<String, Map<String, Object>> respellings() {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    out.put("as signed", PAYMENT);
    out.put("nonce upper case", Spellings.authorization(PAYMENT, "nonce", Spellings::upperHex));
    out.put("from upper case", Spellings.authorization(PAYMENT, "from", Spellings::upperHex));
    out.put(
        "from lower case",
        Spellings.authorization(PAYMENT, "from", s -> s.toLowerCase(java.util.Locale.ROOT)));
    out.put("signature upper case", Spellings.signature(PAYMENT, Spellings::upperHex));
    out.put("v as 0 or 1", Spellings.signature(PAYMENT, Spellings::recoveryIdV));
    out.put(
        "v as 0 or 1, upper case",
        Spellings.signature(PAYMENT, s -> Spellings.upperHex(Spellings.recoveryIdV(s))));
    out.put(
        "validBefore with a leading zero",
        Spellings.authorization(PAYMENT, "validBefore", s -> "0" + s));
    out.put("value with leading zeros", Spellings.authorization(PAYMENT, "value", s -> "00" + s));
    Map<String, Object> reordered = new LinkedHashMap<>();
    reordered.put("signature", PAYMENT.get("signature"));
    reordered.put("authorization", PAYMENT.get("authorization"));
    out.put("keys reordered", reordered);
    return out;
  }

  @Test
  void everySpellingOfOnePaymentHasOneIdentityAndOneFingerprint() {
    PaymentIdentity identity = SERVER.identify(2, REQUIRED, PAYMENT);
    String fingerprint = ExactEvmFacilitator.fingerprint(ExactEvmPayload.fromMap(PAYMENT));
    assertThat(identity.validBefore()).isEqualTo(Instant.ofEpochSecond(1_767_225_660L));
    assertThat(identity.id())
        .isEqualTo(
            "exact|eip155:84532|"
                + USDC.toLowerHex()
                + "|"
                + PAYER.address().toLowerHex()
                + "|"
                + NONCE);
    respellings()
        .forEach(
            (name, payload) -> {
              assertThat(SERVER.identify(2, REQUIRED, payload)).as(name).isEqualTo(identity);
              assertThat(SERVER.identify(1, REQUIRED, payload)).as(name).isEqualTo(identity);
              assertThat(ExactEvmFacilitator.fingerprint(ExactEvmPayload.fromMap(payload)))
                  .as(name)
                  .isEqualTo(fingerprint);
            });
  }

  @Test
  void differentPaymentsHaveDifferentIdentities() {
    PaymentIdentity identity = SERVER.identify(2, REQUIRED, PAYMENT);
    Map<String, Object> otherNonce = signed("0x" + "fedcba9876543210".repeat(4));
    assertThat(SERVER.identify(2, REQUIRED, otherNonce)).isNotEqualTo(identity);
    assertThat(SERVER.identify(2, requirements(Network.evm(8453), USDC), PAYMENT).id())
        .isNotEqualTo(identity.id());
    assertThat(SERVER.identify(2, requirements(BASE_SEPOLIA, SELLER), PAYMENT).id())
        .isNotEqualTo(identity.id());
    assertThat(ExactEvmFacilitator.fingerprint(ExactEvmPayload.fromMap(otherNonce)))
        .isNotEqualTo(ExactEvmFacilitator.fingerprint(ExactEvmPayload.fromMap(PAYMENT)));
    // The same nonce with another amount is another signed authorization to the ledger.
    Map<String, Object> dearer = Spellings.authorization(PAYMENT, "value", s -> "20000");
    assertThat(ExactEvmFacilitator.fingerprint(ExactEvmPayload.fromMap(dearer)))
        .isNotEqualTo(ExactEvmFacilitator.fingerprint(ExactEvmPayload.fromMap(PAYMENT)));
  }

  @Test
  void theCanonicalSignatureHasVAs27Or28AndLowerCase() {
    String signature = (String) PAYMENT.get("signature");
    ExactEvmPayload respelled =
        ExactEvmPayload.fromMap(
            Spellings.signature(PAYMENT, s -> Spellings.upperHex(Spellings.recoveryIdV(s))));
    assertThat(respelled.canonicalSignature()).isEqualTo(signature);
    assertThat(respelled.signature()).isNotEqualTo(signature); // kept as sent
    String longer = "0x" + "AB".repeat(66);
    assertThat(
            new ExactEvmPayload(longer, ExactEvmPayload.fromMap(PAYMENT).authorization())
                .canonicalSignature())
        .isEqualTo("0x" + "ab".repeat(66));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0x-1", "0x+1", "0x１", "0x١", "0x", "1a", "0x1g", ""})
  void nodeQuantitiesAreAsciiHexWithoutASign(String text) {
    assertThatThrownBy(() -> Hex.parseQuantity(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a hex quantity");
  }

  @Test
  void nodeQuantitiesInEitherCaseAreRead() {
    assertThat(Hex.parseQuantity("0x1a")).isEqualTo(26);
    assertThat(Hex.parseQuantity("0X1A")).isEqualTo(26);
    assertThat(Hex.parseQuantity("0x0")).isZero();
  }
}
