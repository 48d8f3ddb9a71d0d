package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import io.x402j.testkit.RecordedFacilitatorRequest;
import io.x402j.testkit.ScriptedAnswer;
import io.x402j.testkit.ScriptedFacilitator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * builder-code behind a real gate: the route's app code is declared in the 402, a faithful echo
 * (with the buyer's own service codes) reaches the facilitator, and every hostile echo is refused
 * with {@code extension_echo_mismatch} before anything is verified, even on a gate that declares no
 * builder code.
 */
class BuilderCodeGateTest {
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final Network NET = Network.evm(84532);
  static final String SELLER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";
  static final PrivateKeySigner BUYER = PrivateKeySigner.fromHex("0x" + "22".repeat(32));

  ScriptedFacilitator facilitator;
  final BlockingQueue<RecordedFacilitatorRequest> paid = new LinkedBlockingQueue<>();
  final List<String> failures = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    facilitator = ScriptedFacilitator.start();
    facilitator.dispatcher(
        request -> {
          if (request.operation() == FacilitatorOperation.SUPPORTED) {
            return ScriptedAnswer.supported(
                new SupportedResponse(
                    List.of(SupportedKind.of(2, "exact", NET.toString())),
                    List.of(),
                    Map.of(),
                    Map.of()));
          }
          paid.add(request);
          if (request.operation() == FacilitatorOperation.VERIFY) {
            return ScriptedAnswer.verify(VerifyResponse.valid(null));
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

  PaymentGate gate(GateExtension... extensions) {
    PaymentGate.Builder b =
        PaymentGate.builder()
            .facilitator(HttpFacilitatorClient.builder(facilitator.url()).build())
            .listener(
                new PaymentListener() {
                  @Override
                  public void onFailure(PaymentEvent event, String reason, Throwable error) {
                    failures.add(reason);
                  }
                })
            .routes(
                RouteTable.builder()
                    .route("GET /weather", PaidRoute.of("$0.01", NET, SELLER))
                    .build());
    for (GateExtension e : extensions) {
      b.extension(e);
    }
    return b.build();
  }

  static GateRequest get(String payment) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    if (payment != null) {
      h.put("PAYMENT-SIGNATURE", List.of(payment));
    }
    return GateRequest.of("GET", "/weather", "http://127.0.0.1:8080/weather", h);
  }

  static PaymentRequired required(PaymentGate gate) {
    GateDecision.Respond r = (GateDecision.Respond) gate.check(get(null)).join();
    assertThat(r.response().status()).isEqualTo(402);
    return HEADERS.decodePaymentRequired(r.response().header("PAYMENT-REQUIRED"));
  }

  static String payment(PaymentRequired required, Object builderCodeInfo) {
    PaymentRequirements accepted = required.accepts().get(0);
    Map<String, Object> extensions =
        builderCodeInfo == null ? null : Map.of("builder-code", Map.of("info", builderCodeInfo));
    return HEADERS.encodePaymentSignature(
        new PaymentPayload(
            ResourceInfo.of("http://127.0.0.1:8080/weather"),
            accepted,
            ExactEvmClient.of(BUYER).createPayload(2, accepted),
            extensions,
            Map.of()));
  }

  /** The 402's error for a refused payment; asserts nothing reached the facilitator. */
  String refused(PaymentGate gate, Object echo) {
    GateDecision decision = gate.check(get(payment(required(gate), echo))).join();
    assertThat(decision).isInstanceOf(GateDecision.Respond.class);
    GateResponse response = ((GateDecision.Respond) decision).response();
    assertThat(response.status()).isEqualTo(402);
    assertThat(failures).containsExactly("extension_echo_mismatch");
    assertThat(paid).isEmpty();
    return HEADERS.decodePaymentRequired(response.header("PAYMENT-REQUIRED")).error();
  }

  @Test
  void theRouteDeclaresItsAppAndServiceCodes() {
    PaymentRequired required = required(gate(BuilderCodeExtension.of("bc_myapp", "srv_sdk")));

    @SuppressWarnings("unchecked")
    Map<String, Object> declared = (Map<String, Object>) required.extensions().get("builder-code");
    assertThat(declared.get("info")).isEqualTo(Map.of("a", "bc_myapp", "s", List.of("srv_sdk")));
    assertThat(declared).containsKey("schema");
  }

  @Test
  void aFaithfulEchoWithTheBuyersCodesIsForwardedToTheFacilitator() throws Exception {
    PaymentGate gate = gate(BuilderCodeExtension.of("bc_myapp", "srv_sdk"));
    Map<String, Object> echo = Map.of("a", "bc_myapp", "s", List.of("my_client", "srv_sdk"));

    GateDecision decision = gate.check(get(payment(required(gate), echo))).join();

    assertThat(decision).isInstanceOf(GateDecision.Admit.class);
    RecordedFacilitatorRequest verify = paid.take();
    assertThat(verify.v2().paymentPayload().extensions().get("builder-code"))
        .isEqualTo(Map.of("info", echo));
  }

  @Test
  void anotherAppCodeIsRefused() {
    String error =
        refused(gate(BuilderCodeExtension.of("bc_myapp")), Map.of("a", "evil_app", "s", "x"));
    assertThat(error)
        .startsWith("extensions.builder-code: ")
        .contains("'evil_app'")
        .contains("'bc_myapp'");
  }

  @Test
  void anAppCodeOnAGateThatDeclaresNoneIsRefusedEvenWithoutTheExtension() {
    assertThat(refused(gate(), Map.of("a", "evil_app"))).contains("declared none");
  }

  @Test
  void droppingTheDeclaredAppCodeIsRefused() {
    assertThat(refused(gate(BuilderCodeExtension.of("bc_myapp")), Map.of("s", List.of("c"))))
        .contains("without the declared app code");
  }

  @Test
  void moreThanTenServiceCodesAreRefused() {
    List<String> eleven =
        List.of("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "srv_sdk");
    assertThat(
            refused(
                gate(BuilderCodeExtension.of("bc_myapp", "srv_sdk")),
                Map.of("a", "bc_myapp", "s", eleven)))
        .contains("11 service codes");
  }

  @Test
  void invalidCodesAreRefused() {
    PaymentGate gate = gate(BuilderCodeExtension.of("bc_myapp"));
    assertThat(refused(gate, Map.of("a", "bc_myapp", "s", List.of("Upper")))).contains("'Upper'");
  }

  @Test
  void unicodeAndOverlongCodesAreRefused() {
    PaymentGate gate = gate(BuilderCodeExtension.of("bc_myapp"));
    assertThat(refused(gate, Map.of("a", "bc_myapp", "s", List.of("caf\u00e9"))))
        .contains("not a builder code");
  }

  @Test
  void aBuyerCannotSetTheWalletCode() {
    assertThat(
            refused(gate(BuilderCodeExtension.of("bc_myapp")), Map.of("a", "bc_myapp", "w", "me")))
        .contains("'w'");
  }

  @Test
  void invalidDeclarationsFailAtConfiguration() {
    assertThatThrownBy(() -> BuilderCodeExtension.of("MyApp"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'MyApp'");
    assertThatThrownBy(() -> BuilderCodeExtension.of("app", "a", "b", "c", "d", "e", "f"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too many seller service codes");
    assertThatThrownBy(() -> BuilderCodeExtension.of("x".repeat(33)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
