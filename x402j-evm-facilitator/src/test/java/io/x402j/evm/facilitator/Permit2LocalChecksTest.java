package io.x402j.evm.facilitator;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.SchemeFacilitator;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Permit2;
import io.x402j.evm.Permit2Authorization;
import io.x402j.evm.Permit2Payload;
import io.x402j.evm.Permit2Witness;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.Signature;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.settlement.SettlementKey;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Permit2 checks that need no chain, for exact and upto, in the official order and with the
 * official reasons; the node is unreachable and never asked, so every answer here is local.
 */
class Permit2LocalChecksTest {
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  static final Network BASE_SEPOLIA = Network.evm(84532);
  static final PrivateKeySigner PAYER = PrivateKeySigner.fromHex("0x" + "42".repeat(32));
  static final PrivateKeySigner SIGNER_A = PrivateKeySigner.fromHex("0x" + "11".repeat(32));
  static final PrivateKeySigner SIGNER_B = PrivateKeySigner.fromHex("0x" + "12".repeat(32));
  static final EvmAddress USDC = EvmAddress.parse("0x036CbD53842c5426634e7929541eC2318f3dCF7e");
  static final EvmAddress OTHER_TOKEN =
      EvmAddress.parse("0x1111111111111111111111111111111111111111");
  static final EvmAddress SELLER = EvmAddress.parse("0x209693Bc6afc0C5328bA36FaF03C514EF312287C");
  static final BigInteger CEILING = BigInteger.valueOf(10_000);

  final ExactEvmFacilitator exact =
      ExactEvmFacilitator.builder()
          .network(
              EvmNetworkConfig.builder(
                      BASE_SEPOLIA, JsonRpcClient.builder("http://127.0.0.1:9").build())
                  .asset(USDC)
                  .asset(OTHER_TOKEN)
                  .signer(SIGNER_A)
                  .signer(SIGNER_B)
                  .build())
          .clock(Clock.fixed(NOW, ZoneOffset.UTC))
          .build();
  final UptoEvmFacilitator upto = exact.upto();

  @AfterEach
  void stop() {
    exact.close();
  }

  static Permit2Authorization exactAuthorization() {
    return new Permit2Authorization(
        USDC,
        CEILING,
        PAYER.address(),
        Permit2.EXACT_PROXY,
        BigInteger.valueOf(7),
        BigInteger.valueOf(NOW.plusSeconds(600).getEpochSecond()),
        Permit2Witness.exact(SELLER, BigInteger.valueOf(NOW.minusSeconds(60).getEpochSecond())));
  }

  static Permit2Authorization uptoAuthorization(EvmAddress facilitator) {
    Permit2Authorization a = exactAuthorization();
    return new Permit2Authorization(
        a.token(),
        a.amount(),
        a.from(),
        Permit2.UPTO_PROXY,
        a.nonce(),
        a.deadline(),
        Permit2Witness.upto(SELLER, facilitator, a.witness().validAfter()));
  }

  static Permit2Authorization with(
      Permit2Authorization a,
      EvmAddress token,
      BigInteger amount,
      EvmAddress spender,
      BigInteger deadline,
      Permit2Witness witness) {
    return new Permit2Authorization(token, amount, a.from(), spender, a.nonce(), deadline, witness);
  }

  static Map<String, Object> signed(Permit2Authorization a) {
    Signature signature = Permit2.sign(PAYER, BASE_SEPOLIA.chainId(), a);
    return new Permit2Payload(signature.toString(), a).toMap();
  }

  static SchemeRequest request(String scheme, BigInteger amount, Map<String, Object> payload) {
    PaymentRequirements required =
        PaymentRequirements.builder()
            .scheme(scheme)
            .network(BASE_SEPOLIA)
            .amount(TokenAmount.of(amount))
            .asset(USDC.toString())
            .payTo(SELLER.toString())
            .maxTimeoutSeconds(60)
            .extra(Map.of("name", "USDC", "version", "2", "assetTransferMethod", "permit2"))
            .build();
    return new SchemeRequest(2, PaymentPayload.of(null, required, payload), required, null);
  }

  VerifyResponse verifyExact(Permit2Authorization a) throws Exception {
    return exact.verify(request("exact", CEILING, signed(a))).get();
  }

  @Test
  void exactPermit2RefusalsComeInTheOfficialOrder() throws Exception {
    Permit2Authorization ok = exactAuthorization();
    BigInteger late = BigInteger.valueOf(NOW.plusSeconds(5).getEpochSecond());
    BigInteger future = BigInteger.valueOf(NOW.plusSeconds(1).getEpochSecond());
    EvmAddress stranger = EvmAddress.parse("0x2222222222222222222222222222222222222222");

    // Each payment carries its fault and every later one: the first in the order wins.
    Permit2Witness wrongTo = Permit2Witness.exact(stranger, future);
    assertThat(
            verifyExact(
                    with(
                        ok,
                        OTHER_TOKEN,
                        CEILING.add(BigInteger.ONE),
                        Permit2.UPTO_PROXY,
                        late,
                        wrongTo))
                .reason())
        .hasValue(ErrorReason.PERMIT2_INVALID_SPENDER);
    assertThat(
            verifyExact(
                    with(
                        ok,
                        OTHER_TOKEN,
                        CEILING.add(BigInteger.ONE),
                        Permit2.EXACT_PROXY,
                        late,
                        wrongTo))
                .reason())
        .hasValue(ErrorReason.PERMIT2_RECIPIENT_MISMATCH);
    Permit2Witness early = Permit2Witness.exact(SELLER, future);
    assertThat(
            verifyExact(
                    with(
                        ok,
                        OTHER_TOKEN,
                        CEILING.add(BigInteger.ONE),
                        Permit2.EXACT_PROXY,
                        late,
                        early))
                .reason())
        .hasValue(ErrorReason.PERMIT2_DEADLINE_EXPIRED);
    assertThat(
            verifyExact(
                    with(
                        ok,
                        OTHER_TOKEN,
                        CEILING.add(BigInteger.ONE),
                        Permit2.EXACT_PROXY,
                        ok.deadline(),
                        early))
                .reason())
        .hasValue(ErrorReason.PERMIT2_NOT_YET_VALID);
    assertThat(
            verifyExact(
                    with(
                        ok,
                        OTHER_TOKEN,
                        CEILING.add(BigInteger.ONE),
                        Permit2.EXACT_PROXY,
                        ok.deadline(),
                        ok.witness()))
                .reason())
        .hasValue(ErrorReason.PERMIT2_AMOUNT_MISMATCH);
    assertThat(
            verifyExact(
                    with(
                        ok, OTHER_TOKEN, CEILING, Permit2.EXACT_PROXY, ok.deadline(), ok.witness()))
                .reason())
        .hasValue(ErrorReason.PERMIT2_TOKEN_MISMATCH);
  }

  @Test
  void aHighSSignatureIsRefusedBeforeAnyChainAccess() throws Exception {
    Permit2Authorization a = exactAuthorization();
    Signature low = Permit2.sign(PAYER, BASE_SEPOLIA.chainId(), a);
    Signature high =
        Signature.of(low.r(), Signature.CURVE_ORDER.subtract(low.s()), low.v() == 27 ? 28 : 27);
    Map<String, Object> payload = new Permit2Payload(high.toString(), a).toMap();

    VerifyResponse answer = exact.verify(request("exact", CEILING, payload)).get();

    assertThat(answer.reason()).hasValue(ErrorReason.PERMIT2_INVALID_SIGNATURE);
    assertThat(answer.payer()).isEqualTo(PAYER.address().toString());
  }

  @Test
  void exactAndUptoWitnessesAreNotInterchangeable() throws Exception {
    Map<String, Object> uptoPayload = signed(uptoAuthorization(SIGNER_A.address()));
    Map<String, Object> exactPayload = signed(exactAuthorization());

    assertThat(exact.verify(request("exact", CEILING, uptoPayload)).get().reason())
        .hasValue(ErrorReason.UNSUPPORTED_PAYLOAD_TYPE);
    assertThat(upto.verify(request("upto", CEILING, exactPayload)).get().reason())
        .hasValue(ErrorReason.UNSUPPORTED_PAYLOAD_TYPE);
  }

  @Test
  void uptoNamesOneOfOurSignersOrIsRefused() throws Exception {
    EvmAddress stranger = PrivateKeySigner.fromHex("0x" + "13".repeat(32)).address();

    VerifyResponse theirs =
        upto.verify(request("upto", CEILING, signed(uptoAuthorization(stranger)))).get();
    SettleResponse settled =
        upto.settle(request("upto", CEILING, signed(uptoAuthorization(stranger)))).get();

    assertThat(theirs.reason()).hasValue(ErrorReason.UPTO_FACILITATOR_MISMATCH);
    assertThat(settled.reason()).hasValue(ErrorReason.UPTO_FACILITATOR_MISMATCH);
    assertThat(settled.transaction()).isEmpty();
  }

  @Test
  void uptoVerifiesTheCeilingAndRefusesToSettleMoreThanIt() throws Exception {
    Map<String, Object> payload = signed(uptoAuthorization(SIGNER_B.address()));

    VerifyResponse below =
        upto.verify(request("upto", CEILING.subtract(BigInteger.ONE), payload)).get();
    SettleResponse above = upto.settle(request("upto", CEILING.add(BigInteger.ONE), payload)).get();

    assertThat(below.reason()).hasValue(ErrorReason.PERMIT2_AMOUNT_MISMATCH);
    assertThat(above.reason()).hasValue(ErrorReason.UPTO_SETTLEMENT_EXCEEDS_AMOUNT);
    assertThat(above.transaction()).isEmpty();
  }

  @Test
  void uptoChecksItsSchemeAndNetwork() throws Exception {
    Map<String, Object> payload = signed(uptoAuthorization(SIGNER_A.address()));
    SchemeRequest asExact = request("exact", CEILING, payload);

    assertThat(upto.verify(asExact).get().reason()).hasValue(ErrorReason.UPTO_SCHEME);
  }

  @Test
  void hostileNumberSpellingsAreRefusedNamingTheField() throws Exception {
    for (String nonce : List.of("0x7", "\u0667", "-7", "7 ")) {
      Map<String, Object> payload =
          respell(
              signed(exactAuthorization()),
              m -> {
                m.put("nonce", nonce);
                return m;
              });

      VerifyResponse answer = exact.verify(request("exact", CEILING, payload)).get();

      assertThat(answer.reason()).as(nonce).hasValue(ErrorReason.INVALID_PAYLOAD);
      assertThat(answer.invalidMessage()).as(nonce).contains("nonce");
    }
  }

  @Test
  void everySpellingOfANonceIsOneLedgerKey() {
    SettlementKey one =
        EvmSettlementEngine.permit2LedgerKey(BASE_SEPOLIA, PAYER.address(), BigInteger.ONE);
    SettlementKey viaText =
        EvmSettlementEngine.permit2LedgerKey(
            BASE_SEPOLIA,
            PAYER.address(),
            Permit2Payload.fromMap(
                    respell(
                        signed(exactAuthorization()),
                        m -> {
                          m.put("nonce", "0001");
                          return m;
                        }))
                .authorization()
                .nonce());

    assertThat(viaText).isEqualTo(one);
    assertThat(one.scheme()).isEqualTo("permit2");
    assertThat(one.paymentId())
        .isEqualTo(PAYER.address().toLowerHex() + ":0x" + "0".repeat(63) + "1");
  }

  @Test
  void theEngineServesExactAndUptoAndUptoAdvertisesItsFirstSigner() {
    EvmSettlementEngine engine =
        EvmSettlementEngine.of(exact, Map.of(BASE_SEPOLIA, "http://127.0.0.1:9"));

    List<SchemeFacilitator> schemes = engine.facilitators();

    assertThat(schemes).extracting(SchemeFacilitator::scheme).containsExactly("exact", "upto");
    assertThat(upto.supportedExtra(BASE_SEPOLIA))
        .isEqualTo(Map.of("facilitatorAddress", SIGNER_A.address().toString()));
    assertThat(upto.supportedExtra(Network.evm(1))).isNull();
    assertThat(upto.signers(BASE_SEPOLIA)).isEqualTo(exact.signers(BASE_SEPOLIA));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> respell(
      Map<String, Object> payload, UnaryOperator<Map<String, Object>> authorization) {
    Map<String, Object> copy = new LinkedHashMap<>(payload);
    copy.put(
        "permit2Authorization",
        authorization.apply(
            new LinkedHashMap<>((Map<String, Object>) payload.get("permit2Authorization"))));
    return copy;
  }
}
