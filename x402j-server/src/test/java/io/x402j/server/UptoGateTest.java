package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.facilitator.FacilitatorOperation;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.SupportedKind;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.UptoEvmClient;
import io.x402j.testkit.RecordedFacilitatorRequest;
import io.x402j.testkit.ScriptedAnswer;
import io.x402j.testkit.ScriptedFacilitator;
import io.x402j.testkit.TestPayments;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An {@code upto} route behind the gate, against a scripted facilitator over HTTP: the 402 offers
 * the ceiling with the facilitator's address from {@code /supported}, {@code /verify} sees the
 * ceiling, {@code /settle} the amount the handler stated (never more than the ceiling), the receipt
 * carries the facilitator's amount; a bad amount charges nothing; {@code
 * permit2_allowance_required} is a 412.
 */
class UptoGateTest {
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final Network NET = Network.evm(84532);
  static final String SELLER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";
  static final String FACILITATOR = "0x1111111111111111111111111111111111111111";
  static final String URL = "http://127.0.0.1:8080/infer";

  ScriptedFacilitator facilitator;
  PaymentGate gate;
  final BlockingQueue<RecordedFacilitatorRequest> settles = new LinkedBlockingQueue<>();
  final AtomicInteger verifies = new AtomicInteger();
  final AtomicReference<VerifyResponse> verdict = new AtomicReference<>(VerifyResponse.valid(null));

  @BeforeEach
  void start() {
    facilitator = ScriptedFacilitator.start();
    facilitator.dispatcher(
        request -> {
          if (request.operation() == FacilitatorOperation.SUPPORTED) {
            return ScriptedAnswer.supported(
                new SupportedResponse(
                    List.of(
                        SupportedKind.of(2, "exact", NET.toString()),
                        new SupportedKind(
                            2,
                            "upto",
                            NET.toString(),
                            Map.of("facilitatorAddress", FACILITATOR),
                            Map.of())),
                    List.of(),
                    Map.of(),
                    Map.of()));
          }
          if (request.operation() == FacilitatorOperation.VERIFY) {
            verifies.incrementAndGet();
            return ScriptedAnswer.verify(verdict.get());
          }
          settles.add(request);
          PaymentRequirements r = request.v2().paymentRequirements();
          return ScriptedAnswer.settle(
              new SettleResponse(
                  true,
                  null,
                  null,
                  "0x" + "ab".repeat(32),
                  r.network().toString(),
                  null,
                  r.amount(),
                  null,
                  Map.of()));
        });
    gate =
        PaymentGate.builder()
            .facilitator(HttpFacilitatorClient.builder(facilitator.url()).build())
            .routes(
                RouteTable.builder()
                    .route(
                        "POST /infer",
                        PaidRoute.builder()
                            .accept(PaymentOption.builder(NET).upto("100000").payTo(SELLER).build())
                            .build())
                    .route("POST /exact", PaidRoute.of("$0.01", NET, SELLER))
                    .build())
            .build();
  }

  @AfterEach
  void stop() {
    facilitator.close();
  }

  static GateRequest post(String path, String payment) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    if (payment != null) {
      h.put("PAYMENT-SIGNATURE", List.of(payment));
    }
    return GateRequest.of("POST", path, "http://127.0.0.1:8080" + path, h);
  }

  PaymentRequirements offer(String path) {
    GateDecision unpaid = gate.check(post(path, null)).join();
    GateResponse response = ((GateDecision.Respond) unpaid).response();
    assertThat(response.status()).isEqualTo(402);
    PaymentRequired required = HEADERS.decodePaymentRequired(response.header("PAYMENT-REQUIRED"));
    assertThat(required.accepts()).hasSize(1);
    return required.accepts().get(0);
  }

  static final PrivateKeySigner BUYER = PrivateKeySigner.fromHex("0x" + "22".repeat(32));

  /** A real upto payment (a signed Permit2 witness transfer) for {@code accepted}. */
  static String payment(PaymentRequirements accepted, int ignored) {
    return header(accepted, UptoEvmClient.of(BUYER).createPayload(2, accepted));
  }

  static String header(PaymentRequirements accepted, Map<String, Object> payload) {
    return HEADERS.encodePaymentSignature(
        PaymentPayload.of(ResourceInfo.of(URL), accepted, payload));
  }

  Admission admit(String path, String payment) {
    GateDecision decision = gate.check(post(path, payment)).join();
    assertThat(decision).isInstanceOf(GateDecision.Admit.class);
    return ((GateDecision.Admit) decision).admission();
  }

  @Test
  void offersTheCeilingWithTheFacilitatorsAddressAndNoV1() {
    PaymentRequirements upto = offer("/infer");
    assertThat(upto.scheme()).isEqualTo("upto");
    assertThat(upto.amount()).isEqualTo(TokenAmount.of(100000));
    assertThat(upto.extra())
        .containsEntry("facilitatorAddress", FACILITATOR)
        .containsEntry("assetTransferMethod", "permit2");
    GateResponse response =
        ((GateDecision.Respond) gate.check(post("/infer", null)).join()).response();
    assertThat(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8))
        .doesNotContain("upto");
  }

  @Test
  void settlesWhatTheHandlerUsedAndReportsTheFacilitatorsAmount() throws Exception {
    Admission admission = admit("/infer", payment(offer("/infer"), 1));
    assertThat(admission.scheme()).isEqualTo("upto");
    assertThat(admission.ceiling()).isEqualTo(TokenAmount.of(100000));

    Completion completion = admission.complete(200, SettlementOverride.amount("$0.0025")).join();

    assertThat(completion).isInstanceOf(Completion.Release.class);
    RecordedFacilitatorRequest settle = settles.take();
    assertThat(settle.v2().paymentRequirements().amount()).isEqualTo(TokenAmount.of(2500));
    assertThat(settle.v2().paymentPayload().accepted().amount()).isEqualTo(TokenAmount.of(100000));
    SettleResponse receipt =
        HEADERS.decodePaymentResponse(
            ((Completion.Release) completion).headers().get("PAYMENT-RESPONSE"));
    assertThat(receipt.amount()).isEqualTo(TokenAmount.of(2500));
  }

  @Test
  void percentOfTheCeilingAndZero() throws Exception {
    admit("/infer", payment(offer("/infer"), 2))
        .complete(200, SettlementOverride.amount("33.33%"))
        .join();
    assertThat(settles.take().v2().paymentRequirements().amount()).isEqualTo(TokenAmount.of(33330));
    admit("/infer", payment(offer("/infer"), 3)).complete(200, SettlementOverride.atomic(0)).join();
    assertThat(settles.take().v2().paymentRequirements().amount()).isEqualTo(TokenAmount.ZERO);
  }

  @Test
  void noStatedAmountSettlesTheWholeCeilingAsTheOfficialSdk() throws Exception {
    admit("/infer", payment(offer("/infer"), 4)).complete(200).join();
    assertThat(settles.take().v2().paymentRequirements().amount())
        .isEqualTo(TokenAmount.of(100000));
  }

  @Test
  void anAmountAboveTheCeilingChargesNothingAndThePaymentStaysUsable() {
    String payment = payment(offer("/infer"), 5);
    Completion refused =
        admit("/infer", payment).complete(200, SettlementOverride.amount("100001")).join();
    assertThat(refused).isInstanceOf(Completion.Refuse.class);
    assertThat(((Completion.Refuse) refused).response().status()).isEqualTo(500);
    Completion dollars =
        admit("/infer", payment).complete(200, SettlementOverride.amount("$0.100001")).join();
    assertThat(((Completion.Refuse) dollars).response().status()).isEqualTo(500);
    assertThat(settles).isEmpty();

    admit("/infer", payment).complete(200, SettlementOverride.amount("100000")).join();
    assertThat(settles).hasSize(1);
  }

  @Test
  void aFailedHandlerIsNotChargedWhateverItStated() {
    Completion completion =
        admit("/infer", payment(offer("/infer"), 6))
            .complete(500, SettlementOverride.amount("100"))
            .join();
    assertThat(((Completion.Release) completion).settled()).isFalse();
    assertThat(settles).isEmpty();
  }

  @Test
  void anExactPaymentsAmountIsFixed() throws Exception {
    GateResponse unpaid =
        ((GateDecision.Respond) gate.check(post("/exact", null)).join()).response();
    String exact =
        TestPayments.v2(
            unpaid.header("PAYMENT-REQUIRED"), PrivateKeySigner.fromHex("0x" + "11".repeat(32)));
    Completion lower = admit("/exact", exact).complete(200, SettlementOverride.atomic(1)).join();
    assertThat(((Completion.Refuse) lower).response().status()).isEqualTo(500);
    assertThat(settles).isEmpty();
    Completion same =
        admit("/exact", exact).complete(200, SettlementOverride.amount("$0.01")).join();
    assertThat(same).isInstanceOf(Completion.Release.class);
    assertThat(settles.take().v2().paymentRequirements().amount()).isEqualTo(TokenAmount.of(10000));
  }

  @Test
  void permit2AllowanceRequiredIs412WithTheOfferOtherRefusals402() {
    PaymentRequirements upto = offer("/infer");
    verdict.set(VerifyResponse.invalid(ErrorReason.PERMIT2_ALLOWANCE_REQUIRED, null, null));
    GateResponse allowance =
        ((GateDecision.Respond) gate.check(post("/infer", payment(upto, 8))).join()).response();
    assertThat(allowance.status()).isEqualTo(412);
    PaymentRequired required = HEADERS.decodePaymentRequired(allowance.header("PAYMENT-REQUIRED"));
    assertThat(required.error()).isEqualTo("permit2_allowance_required");
    assertThat(required.accepts()).hasSize(1);

    verdict.set(VerifyResponse.invalid(ErrorReason.PERMIT2_INVALID_SPENDER, null, null));
    GateResponse other =
        ((GateDecision.Respond) gate.check(post("/infer", payment(upto, 9))).join()).response();
    assertThat(other.status()).isEqualTo(402);
  }

  @Test
  void aSettledPermitRespelledIsTheSamePaymentAndRefused() throws Exception {
    PaymentRequirements upto = offer("/infer");
    Map<String, Object> payload = UptoEvmClient.of(BUYER).createPayload(2, upto);
    admit("/infer", header(upto, payload)).complete(200, SettlementOverride.atomic(10)).join();
    assertThat(settles.take()).isNotNull();

    // The same permit: checksum case of the owner changed, the signature's hex upper-cased.
    Map<String, Object> respelled = new LinkedHashMap<>(payload);
    respelled.put(
        "signature", "0x" + ((String) payload.get("signature")).substring(2).toUpperCase());
    @SuppressWarnings("unchecked")
    Map<String, Object> auth =
        new LinkedHashMap<>((Map<String, Object>) payload.get("permit2Authorization"));
    auth.put("from", ((String) auth.get("from")).toLowerCase(java.util.Locale.ROOT));
    respelled.put("permit2Authorization", auth);
    GateDecision again = gate.check(post("/infer", header(upto, respelled))).join();
    GateResponse refused = ((GateDecision.Respond) again).response();
    assertThat(HEADERS.decodePaymentRequired(refused.header("PAYMENT-REQUIRED")).error())
        .contains("already been used");
    assertThat(verifies.get()).isEqualTo(1);

    // A nonce spelled with a leading zero is not another payment either: it is refused as such.
    Map<String, Object> zero = new LinkedHashMap<>(payload);
    @SuppressWarnings("unchecked")
    Map<String, Object> auth2 =
        new LinkedHashMap<>((Map<String, Object>) payload.get("permit2Authorization"));
    auth2.put("nonce", "0" + auth2.get("nonce"));
    zero.put("permit2Authorization", auth2);
    assertThat(gate.check(post("/infer", header(upto, zero))).join())
        .isInstanceOf(GateDecision.Respond.class);
    assertThat(verifies.get()).isEqualTo(1);
  }

  @Test
  void onePermitAtTwoDoorsAtOnceBuysOneResponse() {
    PaymentRequirements upto = offer("/infer");
    String payment = payment(upto, 0);
    Admission first = admit("/infer", payment);
    GateDecision second = gate.check(post("/infer", payment)).join();
    GateResponse busy = ((GateDecision.Respond) second).response();
    assertThat(HEADERS.decodePaymentRequired(busy.header("PAYMENT-REQUIRED")).error())
        .contains("being used by another request");
    first.abandon();
  }
}
