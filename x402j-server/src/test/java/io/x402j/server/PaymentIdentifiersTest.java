package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.extensions.PaymentIdentifierExtension;
import io.x402j.core.facilitator.FacilitatorOperation;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.testing.Concurrently;
import io.x402j.core.testing.Spellings;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.evm.ExactEvmClient;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.testkit.ScriptedAnswer;
import io.x402j.testkit.ScriptedFacilitator;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code payment-identifier} extension at the gate, behind a scripted facilitator over HTTP:
 * declared per route, required ids enforced with 400, one id bound to one payment (by its parsed
 * identity) with 409 for another, and a repeat answered from the replay store — never by running
 * the handler or settling again — also across two gates sharing one store.
 */
class PaymentIdentifiersTest {
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final Network NET = Network.evm(84532);
  static final String SELLER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";
  static final PrivateKeySigner BUYER = PrivateKeySigner.fromHex("0x" + "22".repeat(32));
  static final String ID = "pay_7d5d747be160e280504c099d984bcfe0";

  ScriptedFacilitator facilitator;
  final AtomicInteger verified = new AtomicInteger();
  final AtomicInteger settled = new AtomicInteger();
  final List<String> failures = new CopyOnWriteArrayList<>();
  final ReplayStore shared = ReplayStore.inMemory(Clock.systemUTC());

  @BeforeEach
  void start() {
    facilitator = ScriptedFacilitator.start();
    facilitator.dispatcher(
        request -> {
          if (request.operation() == FacilitatorOperation.VERIFY) {
            verified.incrementAndGet();
            return ScriptedAnswer.verify(VerifyResponse.valid(BUYER.address().toString()));
          }
          int n = settled.incrementAndGet();
          PaymentRequirements r = request.v2().paymentRequirements();
          return ScriptedAnswer.settle(
              new SettleResponse(
                  true,
                  null,
                  null,
                  "0x" + String.format("%064x", n),
                  r.network().toString(),
                  BUYER.address().toString(),
                  r.amount(),
                  null,
                  Map.of()));
        });
  }

  @AfterEach
  void stop() {
    facilitator.close();
  }

  PaymentGate gate(PaymentIdentifiers ids) {
    return gate(ids, shared);
  }

  PaymentGate gate(PaymentIdentifiers ids, ReplayStore store) {
    return PaymentGate.builder()
        .facilitator(HttpFacilitatorClient.builder(facilitator.url()).build())
        .replayStore(store)
        .extension(ids)
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
                .route("GET /free-id", PaidRoute.of("$0.01", NET, SELLER))
                .route("GET /other", PaidRoute.of("$0.02", NET, SELLER))
                .build())
        .build();
  }

  static GateRequest get(String path, String payment) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    if (payment != null) {
      h.put("PAYMENT-SIGNATURE", List.of(payment));
    }
    return GateRequest.of("GET", path, "http://127.0.0.1:8080" + path, h);
  }

  static PaymentRequired required(PaymentGate gate, String path) {
    GateDecision d = gate.check(get(path, null)).join();
    GateResponse response = ((GateDecision.Respond) d).response();
    assertThat(response.status()).isEqualTo(402);
    return HEADERS.decodePaymentRequired(response.header("PAYMENT-REQUIRED"));
  }

  /** A new signed payment for the 402 of {@code path}, echoing the declaration with {@code id}. */
  static PaymentPayload pay(PaymentGate gate, String path, Object id) {
    PaymentRequired required = required(gate, path);
    PaymentRequirements accepted = required.accepts().get(0);
    Map<String, Object> extensions = null;
    if (id != null) {
      Map<String, Object> echo =
          new LinkedHashMap<>(
              PaymentIdentifierExtension.echo(
                  required.extensions().get(PaymentIdentifierExtension.KEY),
                  io.x402j.core.extensions.PaymentIdentifier.generate()));
      Map<String, Object> info = new LinkedHashMap<>(cast(echo.get("info")));
      info.put("id", id);
      echo.put("info", info);
      extensions = Map.of(PaymentIdentifierExtension.KEY, echo);
    }
    return new PaymentPayload(
        ResourceInfo.of("http://127.0.0.1:8080" + path),
        accepted,
        ExactEvmClient.of(BUYER).createPayload(2, accepted),
        extensions,
        Map.of());
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> cast(Object o) {
    return (Map<String, Object>) o;
  }

  static String header(PaymentPayload p) {
    return HEADERS.encodePaymentSignature(p);
  }

  static PaymentPayload respelled(PaymentPayload p, UnaryOperator<Map<String, Object>> how) {
    return new PaymentPayload(
        p.resource(),
        p.accepted(),
        how.apply(new LinkedHashMap<>(p.payload())),
        p.extensions(),
        Map.of());
  }

  static GateResponse refused(PaymentGate gate, String path, String payment) {
    GateDecision d = gate.check(get(path, payment)).join();
    assertThat(d).as("refused, not admitted").isInstanceOf(GateDecision.Respond.class);
    return ((GateDecision.Respond) d).response();
  }

  /** Pays {@code path} with {@code payment} and returns the released receipt header. */
  static String buy(PaymentGate gate, String path, String payment) {
    GateDecision d = gate.check(get(path, payment)).join();
    assertThat(d).isInstanceOf(GateDecision.Admit.class);
    Completion c = ((GateDecision.Admit) d).admission().complete(200).join();
    assertThat(c).isInstanceOf(Completion.Release.class);
    return ((Completion.Release) c).headers().get("PAYMENT-RESPONSE");
  }

  @Test
  void routesDeclareTheExtensionAsConfigured() {
    PaymentGate gate =
        gate(
            PaymentIdentifiers.perRoute(
                r ->
                    switch (r.pattern()) {
                      case "GET /weather" -> PaymentIdentifiers.Mode.REQUIRED;
                      case "GET /free-id" -> PaymentIdentifiers.Mode.OPTIONAL;
                      default -> PaymentIdentifiers.Mode.OFF;
                    }));
    assertThat(required(gate, "/weather").extensions())
        .containsEntry("payment-identifier", PaymentIdentifierExtension.declaration(true));
    assertThat(required(gate, "/free-id").extensions())
        .containsEntry("payment-identifier", PaymentIdentifierExtension.declaration(false));
    assertThat(required(gate, "/other").extensions()).isNull();
  }

  @Test
  void aRequiredIdThatIsMissingIs400NamingItAndNothingIsVerified() {
    PaymentGate gate = gate(PaymentIdentifiers.required());
    GateResponse r = refused(gate, "/weather", header(pay(gate, "/weather", null)));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.bodyText())
        .contains("extensions.payment-identifier.info.id is missing")
        .contains("payment_identifier_required");
    assertThat(failures).containsExactly("payment_identifier_required");
    assertThat(verified).hasValue(0);

    // Optional: no id is fine.
    PaymentGate optional =
        gate(PaymentIdentifiers.optional(), ReplayStore.inMemory(Clock.systemUTC()));
    buy(optional, "/weather", header(pay(optional, "/weather", null)));
  }

  @Test
  void malformedIdsAre400NamingTheFieldAndBoundaryLengthsPass() {
    PaymentGate gate = gate(PaymentIdentifiers.optional());
    Map<Object, String> bad = new LinkedHashMap<>();
    bad.put("a".repeat(15), "got 15");
    bad.put("a".repeat(129), "got 129");
    bad.put("pay_١٢٣٤٥٦٧٨٩٠١٢٣٤", "U+0661");
    bad.put("pay_１２３４５６７８９０１２", "U+FF11");
    bad.put("pay_abcdefghijklmn ", "U+0020");
    bad.put("pay_abcdefghijklmſ", "U+017F");
    bad.put(12345678901234567L, "must be a string");
    for (Map.Entry<Object, String> e : bad.entrySet()) {
      GateResponse r = refused(gate, "/weather", header(pay(gate, "/weather", e.getKey())));
      assertThat(r.status()).as(String.valueOf(e.getKey())).isEqualTo(400);
      assertThat(r.bodyText())
          .as(String.valueOf(e.getKey()))
          .contains("extensions.payment-identifier.info.id")
          .contains(e.getValue());
    }
    assertThat(verified).hasValue(0);
    buy(gate, "/weather", header(pay(gate, "/weather", "a".repeat(16))));
    buy(gate, "/weather", header(pay(gate, "/weather", "Z".repeat(128))));
    assertThat(settled).hasValue(2);
  }

  @Test
  void aRepeatOfASettledPaymentGetsItsReceiptNotASecondResponse() {
    PaymentGate gate = gate(PaymentIdentifiers.required());
    PaymentPayload payment = pay(gate, "/weather", ID);
    String receipt = buy(gate, "/weather", header(payment));

    // The same payment, however it is spelt, under the same id.
    for (PaymentPayload repeat :
        List.of(
            payment,
            respelled(
                payment,
                p ->
                    Spellings.signature(
                        Spellings.authorization(p, "nonce", Spellings::upperHex),
                        Spellings::upperHex)),
            respelled(payment, p -> Spellings.authorization(p, "from", Spellings::upperHex)))) {
      GateResponse r = refused(gate, "/weather", header(repeat));
      assertThat(r.status()).isEqualTo(409);
      assertThat(r.header("PAYMENT-RESPONSE")).as("the very receipt sent").isEqualTo(receipt);
      assertThat(r.header("Access-Control-Expose-Headers")).contains("PAYMENT-RESPONSE");
      assertThat(r.bodyText()).contains("payment_already_used").contains(ID);
    }
    assertThat(verified).as("repeats are answered before verification").hasValue(1);
    assertThat(settled).hasValue(1);
  }

  @Test
  void anotherPaymentUnderAnIdIsAConflictBeforeAnythingIsVerified() {
    PaymentGate gate = gate(PaymentIdentifiers.optional());
    buy(gate, "/weather", header(pay(gate, "/weather", ID)));

    GateResponse r = refused(gate, "/weather", header(pay(gate, "/weather", ID)));
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.bodyText()).contains("payment_identifier_conflict").contains(ID);
    assertThat(r.header("PAYMENT-RESPONSE")).isNull();
    // Another route, another price: another request, so a conflict too.
    assertThat(refused(gate, "/other", header(pay(gate, "/other", ID))).status()).isEqualTo(409);
    assertThat(verified).hasValue(1);
  }

  @Test
  void theSamePaymentUnderAnotherIdIsStillUsed() {
    PaymentGate gate = gate(PaymentIdentifiers.optional());
    PaymentPayload payment = pay(gate, "/weather", ID);
    buy(gate, "/weather", header(payment));

    Map<String, Object> echo =
        new LinkedHashMap<>(cast(payment.extensions().get("payment-identifier")));
    echo.put("info", Map.of("required", false, "id", "pay_another_id_0000000000"));
    PaymentPayload other =
        new PaymentPayload(
            payment.resource(),
            payment.accepted(),
            payment.payload(),
            Map.of("payment-identifier", echo),
            Map.of());
    GateResponse r = refused(gate, "/weather", header(other));
    assertThat(r.status()).as("a new id does not make a new payment").isEqualTo(402);
    assertThat(r.header("PAYMENT-RESPONSE")).isNull();
    assertThat(settled).hasValue(1);
  }

  @Test
  void idsDifferingOnlyInCaseAreDifferentIds() {
    PaymentGate gate = gate(PaymentIdentifiers.optional());
    buy(gate, "/weather", header(pay(gate, "/weather", "pay_ABCDEFGHIJKLMNOP")));
    // Not a conflict: another id (the specification's pattern is case-sensitive).
    buy(gate, "/weather", header(pay(gate, "/weather", "pay_abcdefghijklmnop")));
    assertThat(settled).hasValue(2);
  }

  @Test
  void aRepeatWhileTheFirstRunsIs409RetryLaterAtAnotherGateSharingTheStore() {
    PaymentGate first = gate(PaymentIdentifiers.required());
    PaymentGate second = gate(PaymentIdentifiers.required());
    PaymentPayload payment = pay(first, "/weather", ID);

    GateDecision running = first.check(get("/weather", header(payment))).join();
    assertThat(running).isInstanceOf(GateDecision.Admit.class);

    GateResponse r = refused(second, "/weather", header(payment));
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.header("Retry-After")).isEqualTo("1");
    assertThat(r.bodyText()).contains("payment_in_progress");
    assertThat(refused(second, "/weather", header(pay(second, "/weather", ID))).status())
        .as("another payment under the id, at the other gate")
        .isEqualTo(409);

    Completion done = ((GateDecision.Admit) running).admission().complete(200).join();
    String receipt = ((Completion.Release) done).headers().get("PAYMENT-RESPONSE");
    GateResponse after = refused(second, "/weather", header(payment));
    assertThat(after.header("PAYMENT-RESPONSE")).isEqualTo(receipt);
    assertThat(settled).hasValue(1);
  }

  @Test
  void concurrentRepeatsAtTwoGatesSharingAStoreAdmitOne() throws Exception {
    PaymentGate a = gate(PaymentIdentifiers.required());
    PaymentGate b = gate(PaymentIdentifiers.required());
    PaymentPayload payment = pay(a, "/weather", ID);
    String header = header(payment);

    List<GateDecision> decisions =
        Concurrently.run(16, i -> () -> (i % 2 == 0 ? a : b).check(get("/weather", header)).join());

    List<GateDecision> admitted =
        decisions.stream().filter(GateDecision.Admit.class::isInstance).toList();
    assertThat(admitted).hasSize(1);
    assertThat(decisions)
        .filteredOn(GateDecision.Respond.class::isInstance)
        .allSatisfy(d -> assertThat(((GateDecision.Respond) d).response().status()).isEqualTo(409));
    ((GateDecision.Admit) admitted.get(0)).admission().complete(200).join();
    assertThat(settled).hasValue(1);
  }

  @Test
  void aPaymentRefusedByVerificationIsVerifiedAgainWhenResent() {
    facilitator.dispatcher(
        request ->
            request.operation() == FacilitatorOperation.VERIFY
                ? ScriptedAnswer.verify(
                    VerifyResponse.invalid(
                        io.x402j.core.ErrorReason.INSUFFICIENT_FUNDS, null, null))
                : ScriptedAnswer.settle(
                    SettleResponse.failure(
                        io.x402j.core.ErrorReason.UNEXPECTED_SETTLE_ERROR,
                        null,
                        null,
                        NET.toString(),
                        null)));
    PaymentGate gate = gate(PaymentIdentifiers.optional());
    PaymentPayload payment = pay(gate, "/weather", ID);
    assertThat(refused(gate, "/weather", header(payment)).status()).isEqualTo(402);
    assertThat(refused(gate, "/weather", header(payment)).status())
        .as("the same payment again is verified again")
        .isEqualTo(402);
    assertThat(failures).containsExactly("insufficient_funds", "insufficient_funds");
  }

  @Test
  void aStoreThatCannotKeepIdsFailsTheBuild() {
    ReplayStore legacy =
        new ReplayStore() {
          @Override
          public Acquisition acquire(String key, Instant expiresAt) {
            return new Acquisition(Acquired.NEW, ReplayStore.newSettlementId());
          }

          @Override
          public void release(String key) {}

          @Override
          public void settled(String key) {}

          @Override
          public void pending(
              String key, String settlementId, TokenAmount settledAmount, Instant keepUntil) {}
        };
    assertThatThrownBy(() -> gate(PaymentIdentifiers.optional(), legacy))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keeps payment identifiers");
  }
}
