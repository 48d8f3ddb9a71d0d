package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
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
import io.x402j.evm.ExactEvmClient;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.server.internal.SupportedKinds;
import io.x402j.testkit.RecordedFacilitatorRequest;
import io.x402j.testkit.ScriptedAnswer;
import io.x402j.testkit.ScriptedFacilitator;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Gas sponsoring behind the gate, against a scripted facilitator over HTTP: a Permit2 option (exact
 * with permit2, upto) declares {@code eip2612GasSponsoring} / {@code erc20ApprovalGasSponsoring} in
 * the 402's {@code extensions}, in the official server's shape, when the facilitator's {@code
 * /supported} lists them; an EIP-3009 route never asks {@code /supported} and declares nothing; an
 * unreachable facilitator leaves a Permit2 offer without the declaration; a payment carrying the
 * payer's sponsoring info reaches {@code /verify} and {@code /settle} unchanged.
 */
class GasSponsoringGateTest {
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final Network NET = Network.evm(84532);
  static final String SELLER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";
  static final String FACILITATOR = "0x1111111111111111111111111111111111111111";
  static final String EIP2612 = "eip2612GasSponsoring";
  static final String ERC20 = "erc20ApprovalGasSponsoring";
  static final PrivateKeySigner BUYER = PrivateKeySigner.fromHex("0x" + "22".repeat(32));

  ScriptedFacilitator facilitator;
  final AtomicReference<List<String>> listed = new AtomicReference<>(List.of(EIP2612, ERC20));
  final AtomicBoolean down = new AtomicBoolean();
  final AtomicInteger supportedAsked = new AtomicInteger();
  final AtomicReference<VerifyResponse> verdict = new AtomicReference<>(VerifyResponse.valid(null));
  final BlockingQueue<RecordedFacilitatorRequest> paid = new LinkedBlockingQueue<>();
  final ManualClock clock = new ManualClock(Instant.now());

  @BeforeEach
  void start() {
    facilitator = ScriptedFacilitator.start();
    facilitator.dispatcher(
        request -> {
          if (request.operation() == FacilitatorOperation.SUPPORTED) {
            supportedAsked.incrementAndGet();
            if (down.get()) {
              return ScriptedAnswer.status(503, "down");
            }
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
                    listed.get(),
                    Map.of(),
                    Map.of()));
          }
          paid.add(request);
          if (request.operation() == FacilitatorOperation.VERIFY) {
            return ScriptedAnswer.verify(verdict.get());
          }
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
  }

  @AfterEach
  void stop() {
    facilitator.close();
  }

  PaymentGate gate(String method) {
    return PaymentGate.builder()
        .facilitator(HttpFacilitatorClient.builder(facilitator.url()).build())
        .clock(clock)
        .exactAssetTransferMethod(method)
        .routes(
            RouteTable.builder()
                .route("POST /exact", PaidRoute.of("$0.01", NET, SELLER))
                .route(
                    "POST /upto",
                    PaidRoute.builder()
                        .accept(PaymentOption.builder(NET).upto("100000").payTo(SELLER).build())
                        .build())
                .build())
        .build();
  }

  static GateRequest post(String path, String payment) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    if (payment != null) {
      h.put("PAYMENT-SIGNATURE", List.of(payment));
    }
    return GateRequest.of("POST", path, "http://127.0.0.1:8080" + path, h);
  }

  static PaymentRequired required(PaymentGate gate, String path) {
    GateDecision decision = gate.check(post(path, null)).join();
    GateResponse response = ((GateDecision.Respond) decision).response();
    assertThat(response.status()).isEqualTo(402);
    return HEADERS.decodePaymentRequired(response.header("PAYMENT-REQUIRED"));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }

  @Test
  void aPermit2ExactOfferDeclaresWhatTheFacilitatorListsInTheOfficialShape() {
    PaymentRequired required = required(gate("permit2"), "/exact");

    assertThat(required.accepts().get(0).extra()).containsEntry("assetTransferMethod", "permit2");
    assertThat(required.extensions()).containsOnlyKeys(EIP2612, ERC20);
    Map<String, Object> eip2612 = map(required.extensions().get(EIP2612));
    assertThat(eip2612).containsOnlyKeys("info", "schema");
    assertThat(map(eip2612.get("info")))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "description",
                "The facilitator accepts EIP-2612 gasless Permit to `Permit2` canonical contract.",
                "version",
                "1"));
    Map<String, Object> schema = map(eip2612.get("schema"));
    assertThat(schema)
        .containsEntry("$schema", "https://json-schema.org/draft/2020-12/schema")
        .containsEntry("type", "object")
        .containsEntry(
            "required",
            List.of(
                "from", "asset", "spender", "amount", "nonce", "deadline", "signature", "version"));
    assertThat(map(map(schema.get("properties")).get("from")))
        .containsEntry("type", "string")
        .containsEntry("pattern", "^0x[a-fA-F0-9]{40}$");
    assertThat(map(map(schema.get("properties")).get("version")))
        .containsEntry("pattern", "^[0-9]+(\\.[0-9]+)*$");

    Map<String, Object> erc20 = map(required.extensions().get(ERC20));
    assertThat(map(erc20.get("info"))).containsEntry("version", "1");
    assertThat(map(erc20.get("schema")))
        .containsEntry(
            "required",
            List.of("from", "asset", "spender", "amount", "signedTransaction", "version"));
  }

  @Test
  void onlyTheListedExtensionsAndNoneWhenTheFacilitatorListsNone() {
    listed.set(List.of(EIP2612, "bazaar"));
    assertThat(required(gate("permit2"), "/exact").extensions()).containsOnlyKeys(EIP2612);

    listed.set(List.of());
    assertThat(required(gate("permit2"), "/exact").extensions()).isNull();
  }

  @Test
  void anUptoOfferDeclaresThemToo() {
    assertThat(required(gate("eip3009"), "/upto").extensions()).containsOnlyKeys(EIP2612, ERC20);
  }

  @Test
  void anEip3009RouteDeclaresNothingAndNeverAsksTheFacilitator() {
    PaymentRequired required = required(gate("eip3009"), "/exact");

    assertThat(required.extensions()).isNull();
    assertThat(required.accepts().get(0).extra()).doesNotContainKey("assetTransferMethod");
    assertThat(supportedAsked).hasValue(0);
  }

  @Test
  void anUnreachableFacilitatorLeavesThePermit2OfferWithoutTheDeclaration() {
    down.set(true);
    PaymentGate gate = gate("permit2");

    PaymentRequired required = required(gate, "/exact");
    assertThat(required.accepts()).hasSize(1);
    assertThat(required.accepts().get(0).extra()).containsEntry("assetTransferMethod", "permit2");
    assertThat(required.extensions()).isNull();

    int asked = supportedAsked.get(); // the client's own retries included
    down.set(false);
    // The failure is kept a few seconds: a facilitator that is down is not asked on every 402.
    assertThat(required(gate, "/exact").extensions()).isNull();
    assertThat(supportedAsked).hasValue(asked);
    clock.advance(SupportedKinds.RETRY_AFTER);
    assertThat(required(gate, "/exact").extensions()).containsOnlyKeys(EIP2612, ERC20);
    assertThat(supportedAsked).hasValue(asked + 1);
  }

  @Test
  void theAllowanceRefusalRepeatsTheDeclarationSoThePayerCanSponsor() {
    PaymentGate gate = gate("permit2");
    PaymentRequirements accepted = required(gate, "/exact").accepts().get(0);
    verdict.set(VerifyResponse.invalid(ErrorReason.PERMIT2_ALLOWANCE_REQUIRED, null, null));

    GateDecision decision = gate.check(post("/exact", payment(accepted, null))).join();

    GateResponse response = ((GateDecision.Respond) decision).response();
    assertThat(response.status()).isEqualTo(412);
    assertThat(HEADERS.decodePaymentRequired(response.header("PAYMENT-REQUIRED")).extensions())
        .containsOnlyKeys(EIP2612, ERC20);
  }

  @Test
  void thePayersMergedSponsoringInfoReachesVerifyAndSettleUnchanged() throws Exception {
    PaymentGate gate = gate("permit2");
    PaymentRequired required = required(gate, "/exact");
    PaymentRequirements accepted = required.accepts().get(0);
    // As the official client: the declared extension with the payer's fields merged into info.
    Map<String, Object> declared = map(required.extensions().get(EIP2612));
    Map<String, Object> info = new LinkedHashMap<>(map(declared.get("info")));
    info.put("from", BUYER.address().toString());
    info.put("asset", accepted.asset());
    info.put("spender", "0x000000000022D473030F116dDEE9F6B43aC78BA3");
    info.put("amount", accepted.amount().toString());
    info.put("nonce", "0");
    info.put("deadline", "99999999999");
    info.put("signature", "0x" + "cd".repeat(65));
    Map<String, Object> sponsoring = new LinkedHashMap<>(declared);
    sponsoring.put("info", info);
    Map<String, Object> extensions = Map.of(EIP2612, sponsoring);

    GateDecision decision = gate.check(post("/exact", payment(accepted, extensions))).join();
    assertThat(decision).isInstanceOf(GateDecision.Admit.class);
    Completion completion = ((GateDecision.Admit) decision).admission().complete(200).join();
    assertThat(completion).isInstanceOf(Completion.Release.class);

    RecordedFacilitatorRequest verify = paid.take();
    RecordedFacilitatorRequest settle = paid.take();
    assertThat(verify.operation()).isEqualTo(FacilitatorOperation.VERIFY);
    assertThat(settle.operation()).isEqualTo(FacilitatorOperation.SETTLE);
    assertThat(verify.v2().paymentPayload().extensions()).isEqualTo(extensions);
    assertThat(settle.v2().paymentPayload().extensions()).isEqualTo(extensions);
  }

  static String payment(PaymentRequirements accepted, Map<String, Object> extensions) {
    Map<String, Object> payload = ExactEvmClient.of(BUYER).createPayload(2, accepted);
    return HEADERS.encodePaymentSignature(
        new PaymentPayload(
            ResourceInfo.of("http://127.0.0.1:8080/exact"),
            accepted,
            payload,
            extensions,
            Map.of()));
  }
}
