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
import io.x402j.server.RouteResolver.ResolvedRoute;
import io.x402j.testkit.RecordedFacilitatorRequest;
import io.x402j.testkit.ScriptedAnswer;
import io.x402j.testkit.ScriptedFacilitator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link GateExtension} hooks behind a real gate and a scripted facilitator over HTTP: a
 * declaration lands in the 402's {@code extensions} beside gas sponsoring; a refused echo answers
 * 402 naming the extension, tells the listeners, and nothing is verified or settled; a settled
 * value reaches {@code PAYMENT-RESPONSE}; an extension that throws is a clear error that shows none
 * of its internals; clashing keys fail the build.
 */
class GateExtensionTest {
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final Network NET = Network.evm(84532);
  static final String SELLER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";
  static final PrivateKeySigner BUYER = PrivateKeySigner.fromHex("0x" + "22".repeat(32));
  static final String SECRET = "db-password=hunter2";

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
                    List.of("eip2612GasSponsoring"),
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
                  Map.of("fromFacilitator", "kept"),
                  Map.of()));
        });
  }

  @AfterEach
  void stop() {
    facilitator.close();
  }

  /** An extension built from lambdas; unset hooks keep the interface's defaults. */
  static final class TestExtension implements GateExtension {
    final String key;
    Function<ResolvedRoute, Optional<Object>> declare = r -> Optional.empty();
    EchoCheck check;
    Function<SettleResponse, Optional<Object>> settled = s -> Optional.empty();
    final List<Object[]> echoes = new ArrayList<>();

    interface EchoCheck {
      Optional<ExtensionRefusal> check(Object declared, Object echoed);
    }

    TestExtension(String key) {
      this.key = key;
    }

    @Override
    public String key() {
      return key;
    }

    @Override
    public Optional<Object> declare(ResolvedRoute route, GateRequest request) {
      return declare.apply(route);
    }

    @Override
    public Optional<ExtensionRefusal> checkEcho(
        Object declared, Object echoed, PaymentPayload payment) {
      echoes.add(new Object[] {declared, echoed});
      return check == null ? Optional.empty() : check.check(declared, echoed);
    }

    @Override
    public Optional<Object> settled(
        ResolvedRoute route, GateRequest request, PaymentPayload payment, SettleResponse s) {
      return settled.apply(s);
    }
  }

  PaymentGate gate(String method, GateExtension... extensions) {
    PaymentGate.Builder b =
        PaymentGate.builder()
            .facilitator(HttpFacilitatorClient.builder(facilitator.url()).build())
            .exactAssetTransferMethod(method)
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

  static GateResponse respond(PaymentGate gate, GateRequest request) {
    GateDecision decision = gate.check(request).join();
    assertThat(decision).isInstanceOf(GateDecision.Respond.class);
    return ((GateDecision.Respond) decision).response();
  }

  static PaymentRequired required(PaymentGate gate) {
    GateResponse response = respond(gate, get(null));
    assertThat(response.status()).isEqualTo(402);
    return HEADERS.decodePaymentRequired(response.header("PAYMENT-REQUIRED"));
  }

  static String payment(PaymentRequired required, Map<String, Object> extensions) {
    PaymentRequirements accepted = required.accepts().get(0);
    return HEADERS.encodePaymentSignature(
        new PaymentPayload(
            ResourceInfo.of("http://127.0.0.1:8080/weather"),
            accepted,
            ExactEvmClient.of(BUYER).createPayload(2, accepted),
            extensions,
            Map.of()));
  }

  static TestExtension declaring(String key, Object value) {
    TestExtension e = new TestExtension(key);
    e.declare = r -> Optional.of(value);
    return e;
  }

  @Test
  void aDeclarationLandsInThe402BesideGasSponsoring() {
    TestExtension bazaar = declaring("bazaar", Map.of("info", Map.of("input", Map.of("x", 1))));

    PaymentRequired eip3009 = required(gate("eip3009", bazaar));
    assertThat(eip3009.extensions()).containsOnlyKeys("bazaar");
    assertThat(eip3009.extensions().get("bazaar"))
        .isEqualTo(Map.of("info", Map.of("input", Map.of("x", 1L))));

    PaymentRequired permit2 = required(gate("permit2", bazaar));
    assertThat(permit2.extensions()).containsOnlyKeys("bazaar", "eip2612GasSponsoring");
  }

  @Test
  void anExtensionDeclaringNothingAddsNothing() {
    assertThat(required(gate("eip3009", new TestExtension("quiet"))).extensions()).isNull();
  }

  @Test
  void keysMustBeUniqueAndNotTheGatesOwn() {
    assertThatThrownBy(() -> gate("eip3009", new TestExtension("a"), new TestExtension("a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'a'")
        .hasMessageContaining("unique");
    assertThatThrownBy(() -> gate("eip3009", new TestExtension("eip2612GasSponsoring")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gas sponsoring");
    assertThatThrownBy(() -> gate("eip3009", new TestExtension(" ")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no key");
  }

  @Test
  void theEchoIsCheckedAgainstTheDeclarationAndAcceptedWhenItMatches() {
    Map<String, Object> declared = Map.of("info", Map.of("k", "v"));
    TestExtension e = declaring("ext", declared);
    e.check = (mine, echoed) -> Optional.empty();
    PaymentGate gate = gate("eip3009", e);

    GateDecision decision =
        gate.check(get(payment(required(gate), Map.of("ext", declared)))).join();

    assertThat(decision).isInstanceOf(GateDecision.Admit.class);
    assertThat(e.echoes).hasSize(1);
    assertThat(e.echoes.get(0)[0]).isEqualTo(declared);
    assertThat(e.echoes.get(0)[1]).isEqualTo(declared);
  }

  @Test
  void aMissingEchoOfADeclarationIsRefusedBeforeAnythingIsVerified() {
    TestExtension e = declaring("ext", Map.of("info", Map.of()));
    e.check =
        (mine, echoed) ->
            mine != null && echoed == null
                ? Optional.of(
                    new ExtensionRefusal("ext_echo_required", "the declaration was not echoed"))
                : Optional.empty();
    PaymentGate gate = gate("eip3009", e);

    GateResponse response = respond(gate, get(payment(required(gate), null)));

    assertThat(response.status()).isEqualTo(402);
    PaymentRequired again = HEADERS.decodePaymentRequired(response.header("PAYMENT-REQUIRED"));
    assertThat(again.error()).isEqualTo("extensions.ext: the declaration was not echoed");
    assertThat(again.extensions()).containsKey("ext");
    assertThat(failures).containsExactly("ext_echo_required");
    assertThat(paid).isEmpty(); // neither verified nor settled
  }

  @Test
  void anEchoCheckThatThrowsRefusesThePaymentWithoutShowingWhy() {
    TestExtension e = declaring("ext", Map.of("info", Map.of()));
    e.check =
        (mine, echoed) -> {
          throw new IllegalStateException(SECRET);
        };
    PaymentGate gate = gate("eip3009", e);

    GateResponse response = respond(gate, get(payment(required(gate), Map.of("ext", 7))));

    assertThat(response.status()).isEqualTo(402);
    String error = HEADERS.decodePaymentRequired(response.header("PAYMENT-REQUIRED")).error();
    assertThat(error).isEqualTo("extensions.ext: the payment's echo could not be checked");
    assertThat(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8))
        .doesNotContain(SECRET);
    assertThat(failures).containsExactly("invalid_payload");
    assertThat(paid).isEmpty();
  }

  @Test
  void aDeclarationThatThrowsIsAnErrorNamingTheExtensionNotItsInternals() {
    TestExtension e = new TestExtension("ext");
    e.declare =
        r -> {
          throw new IllegalStateException(SECRET);
        };

    GateResponse response = respond(gate("eip3009", e), get(null));

    String body = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(response.status()).isEqualTo(500);
    assertThat(body).contains("'ext' extension could not be declared").doesNotContain(SECRET);
    assertThat(response.headers().toString()).doesNotContain(SECRET);
  }

  @Test
  void aDeclarationThatIsNotJsonIsTheSameClearError() {
    GateResponse response =
        respond(gate("eip3009", declaring("ext", new StringBuilder("x"))), get(null));

    assertThat(response.status()).isEqualTo(500);
    assertThat(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("'ext' extension could not be declared")
        .doesNotContain("StringBuilder");
  }

  @Test
  void settledValuesReachThePaymentResponseAndOneThatThrowsIsLeftOut() {
    TestExtension receipt = new TestExtension("receipt");
    receipt.settled = s -> Optional.of(Map.of("tx", s.transaction()));
    TestExtension broken = new TestExtension("broken");
    broken.settled =
        s -> {
          throw new IllegalStateException(SECRET);
        };
    PaymentGate gate = gate("eip3009", receipt, broken);

    GateDecision decision = gate.check(get(payment(required(gate), null))).join();
    Completion completion = ((GateDecision.Admit) decision).admission().complete(200).join();

    assertThat(completion).isInstanceOf(Completion.Release.class);
    String header = ((Completion.Release) completion).headers().get("PAYMENT-RESPONSE");
    SettleResponse sent = HEADERS.decodePaymentResponse(header);
    assertThat(sent.success()).isTrue();
    assertThat(sent.extensions())
        .containsOnlyKeys("fromFacilitator", "receipt")
        .containsEntry("receipt", Map.of("tx", "0x" + "ab".repeat(32)));
  }

  @Test
  void nothingIsAddedToAFailedSettlement() {
    facilitator.dispatcher(
        request ->
            request.operation() == FacilitatorOperation.VERIFY
                ? ScriptedAnswer.verify(VerifyResponse.valid(null))
                : ScriptedAnswer.settle(
                    SettleResponse.failure(
                        io.x402j.core.ErrorReason.UNEXPECTED_SETTLE_ERROR,
                        null,
                        null,
                        NET.toString(),
                        null)));
    TestExtension receipt = new TestExtension("receipt");
    receipt.settled = s -> Optional.of("should not appear");
    PaymentGate gate = gate("eip3009", receipt);

    GateDecision decision = gate.check(get(payment(required(gate), null))).join();
    Completion completion = ((GateDecision.Admit) decision).admission().complete(200).join();

    GateResponse refused = ((Completion.Refuse) completion).response();
    assertThat(HEADERS.decodePaymentResponse(refused.header("PAYMENT-RESPONSE")).extensions())
        .isNull();
  }
}
