package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.ErrorReason;
import io.x402j.core.facilitator.FacilitatorOperation;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.testkit.ScriptedAnswer;
import io.x402j.testkit.ScriptedFacilitator;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A gate's {@code payment-identifier} binding is tentative until its payment verifies: a payment
 * naming the buyer as payer that the buyer did not sign cannot lock the buyer out while it is being
 * verified, in either order; two different payments of one payer under one id, verified at once,
 * buy one response between them; a conflict with a verified payment still costs no verification.
 */
class PaymentIdentifierTentativeTest {
  static final PrivateKeySigner BUYER = PaymentIdentifiersTest.BUYER;
  static final PrivateKeySigner ATTACKER = PrivateKeySigner.fromHex("0x" + "55".repeat(32));
  static final String ID = "pay_0123456789abcdef0123456789abcdef";

  ScriptedFacilitator facilitator;
  final AtomicInteger verified = new AtomicInteger();
  final AtomicInteger settled = new AtomicInteger();

  /** Nonces of payments the facilitator refuses (signed by someone other than their payer). */
  final Set<String> forged = ConcurrentHashMap.newKeySet();

  /** Verifications wait for a permit when holding is on. */
  volatile boolean holding;

  final Semaphore permits = new Semaphore(0);
  final Semaphore arrived = new Semaphore(0);

  static String nonce(Map<String, Object> payload) {
    return String.valueOf(((Map<?, ?>) payload.get("authorization")).get("nonce"));
  }

  @BeforeEach
  void start() {
    facilitator = ScriptedFacilitator.start();
    facilitator.dispatcher(
        request -> {
          PaymentRequirements r = request.v2().paymentRequirements();
          Map<String, Object> payload = request.v2().paymentPayload().payload();
          if (request.operation() == FacilitatorOperation.VERIFY) {
            verified.incrementAndGet();
            if (holding) {
              arrived.release();
              try {
                if (!permits.tryAcquire(10, TimeUnit.SECONDS)) {
                  throw new IllegalStateException("the test never let verification go on");
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
              }
            }
            return forged.contains(nonce(payload))
                ? ScriptedAnswer.verify(
                    VerifyResponse.invalid(ErrorReason.INSUFFICIENT_FUNDS, null, null))
                : ScriptedAnswer.verify(VerifyResponse.valid(BUYER.address().toString()));
          }
          int n = settled.incrementAndGet();
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
    permits.release(100);
    facilitator.close();
  }

  PaymentGate gate() {
    return PaymentGate.builder()
        .facilitator(HttpFacilitatorClient.builder(facilitator.url()).build())
        .replayStore(ReplayStore.inMemory(Clock.systemUTC()))
        .extension(PaymentIdentifiers.required())
        .routes(
            RouteTable.builder()
                .route(
                    "GET /weather",
                    PaidRoute.of(
                        "$0.01", PaymentIdentifiersTest.NET, PaymentIdentifiersTest.SELLER))
                .build())
        .build();
  }

  /** A payment signed by the attacker that names the buyer as payer, under {@code id}. */
  String forgery(PaymentGate gate, String id) {
    var p = PaymentIdentifierSquattingTest.pay(gate, ATTACKER, id);
    Map<String, Object> payload =
        io.x402j.core.testing.Spellings.authorization(
            p.payload(), "from", s -> BUYER.address().toString());
    forged.add(nonce(payload));
    return PaymentIdentifiersTest.header(
        new io.x402j.core.wire.PaymentPayload(
            p.resource(), p.accepted(), payload, p.extensions(), Map.of()));
  }

  String buyers(PaymentGate gate, String id) {
    return PaymentIdentifiersTest.header(PaymentIdentifierSquattingTest.pay(gate, BUYER, id));
  }

  static int status(GateDecision d) {
    if (d instanceof GateDecision.Respond r) {
      return r.response().status();
    }
    Completion c = ((GateDecision.Admit) d).admission().complete(200).join();
    assertThat(c).isInstanceOf(Completion.Release.class);
    return 200;
  }

  @Test
  void aForgeryNamingTheBuyerSentWhileTheBuyersPaymentVerifiesIsRefusedAndTheBuyerServed()
      throws Exception {
    PaymentGate gate = gate();
    holding = true;
    CompletableFuture<GateDecision> buyer =
        gate.check(PaymentIdentifiersTest.get("/weather", buyers(gate, ID)));
    assertThat(arrived.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
    // The forgery finds the buyer's binding tentative: it is verified too (and refused).
    CompletableFuture<GateDecision> forgery =
        gate.check(PaymentIdentifiersTest.get("/weather", forgery(gate, ID)));
    assertThat(arrived.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
    permits.release(2);
    assertThat(status(forgery.get(10, TimeUnit.SECONDS))).isEqualTo(402);
    assertThat(status(buyer.get(10, TimeUnit.SECONDS))).isEqualTo(200);
    assertThat(settled).hasValue(1);
  }

  @Test
  void aForgeryVerifiedLastDoesNotUndoTheBuyersBinding() throws Exception {
    PaymentGate gate = gate();
    holding = true;
    CompletableFuture<GateDecision> forgery =
        gate.check(PaymentIdentifiersTest.get("/weather", forgery(gate, ID)));
    assertThat(arrived.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
    String payment = buyers(gate, ID);
    CompletableFuture<GateDecision> buyer =
        gate.check(PaymentIdentifiersTest.get("/weather", payment));
    assertThat(arrived.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
    permits.release(1); // one of the two goes on; let both go, the buyer's answer decides
    permits.release(1);
    assertThat(status(buyer.get(10, TimeUnit.SECONDS))).isEqualTo(200);
    assertThat(status(forgery.get(10, TimeUnit.SECONDS))).isEqualTo(402);
    holding = false;
    // The buyer's binding is final: the same payment again is the cached answer, another
    // payment of the buyer under the id a conflict, and neither is verified.
    int before = verified.get();
    GateResponse again = PaymentIdentifiersTest.refused(gate, "/weather", payment);
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.bodyText()).contains("payment_already_used");
    GateResponse other = PaymentIdentifiersTest.refused(gate, "/weather", buyers(gate, ID));
    assertThat(other.bodyText()).contains("payment_identifier_conflict");
    assertThat(verified.get()).isEqualTo(before);
    assertThat(settled).hasValue(1);
  }

  @Test
  void twoPaymentsOfOnePayerUnderOneIdVerifiedAtOnceBuyOneResponse() throws Exception {
    PaymentGate gate = gate();
    holding = true;
    List<CompletableFuture<GateDecision>> sent = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      sent.add(gate.check(PaymentIdentifiersTest.get("/weather", buyers(gate, ID))));
      // each one's verification has begun before the next is sent
      assertThat(arrived.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
    }
    permits.release(3);
    List<Integer> statuses = new ArrayList<>();
    for (CompletableFuture<GateDecision> f : sent) {
      statuses.add(status(f.get(10, TimeUnit.SECONDS)));
    }
    assertThat(statuses).containsOnly(200, 409);
    assertThat(statuses.stream().filter(s -> s == 200)).hasSize(1);
    assertThat(settled).hasValue(1);
  }

  @Test
  void aPaymentWithoutAPayerFieldIsRefusedBeforeItBindsOrVerifies() {
    PaymentGate gate = gate();
    var p = PaymentIdentifierSquattingTest.pay(gate, BUYER, ID);
    Map<String, Object> payload = new java.util.LinkedHashMap<>(p.payload());
    @SuppressWarnings("unchecked")
    Map<String, Object> authorization =
        new java.util.LinkedHashMap<>((Map<String, Object>) payload.get("authorization"));
    authorization.remove("from");
    payload.put("authorization", authorization);
    GateResponse refused =
        PaymentIdentifiersTest.refused(
            gate,
            "/weather",
            PaymentIdentifiersTest.header(
                new io.x402j.core.wire.PaymentPayload(
                    p.resource(), p.accepted(), payload, p.extensions(), Map.of())));
    assertThat(refused.status()).isEqualTo(402);
    assertThat(verified).hasValue(0);
    // The id is free for the buyer's real payment.
    assertThat(status(gate.check(PaymentIdentifiersTest.get("/weather", buyers(gate, ID))).join()))
        .isEqualTo(200);
  }

  @Test
  void theSameForgeryUnderManyIdsLeavesNoBindingBehind() {
    PaymentGate gate = gate();
    for (int i = 0; i < 5; i++) {
      String id = ID.substring(0, 30) + "x" + i;
      assertThat(PaymentIdentifiersTest.refused(gate, "/weather", forgery(gate, id)).status())
          .isEqualTo(402);
      // The buyer's payment under the same id right after: served.
      assertThat(
              status(gate.check(PaymentIdentifiersTest.get("/weather", buyers(gate, id))).join()))
          .isEqualTo(200);
    }
    assertThat(settled).hasValue(5);
  }
}
