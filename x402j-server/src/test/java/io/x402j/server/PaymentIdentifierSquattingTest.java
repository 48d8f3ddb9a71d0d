package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.ErrorReason;
import io.x402j.core.extensions.PaymentIdentifier;
import io.x402j.core.extensions.PaymentIdentifierExtension;
import io.x402j.core.facilitator.FacilitatorOperation;
import io.x402j.core.facilitator.HttpFacilitatorClient;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * Attacks on the gate's {@code payment-identifier} bindings: an id is bound before verification, so
 * a payment the facilitator refuses (no funds, a bad signature) must not keep the id — else anyone
 * who sees a buyer's id (a proxy, a log line, a lost request) locks the buyer's real payment out
 * with 409 by sending garbage under it first, and every unpaid request leaves a binding behind for
 * as long as the garbage's own {@code validBefore} says (thousands of years).
 */
class PaymentIdentifierSquattingTest {
  static final PrivateKeySigner VICTIM = PaymentIdentifiersTest.BUYER;
  static final PrivateKeySigner ATTACKER = PrivateKeySigner.fromHex("0x" + "33".repeat(32));
  static final String ID = "pay_0123456789abcdef0123456789abcdef";

  ScriptedFacilitator facilitator;
  final AtomicInteger settled = new AtomicInteger();
  final CountDownLatch verifying = new CountDownLatch(1);
  volatile CountDownLatch holdVerify = new CountDownLatch(0);

  @BeforeEach
  void start() {
    facilitator = ScriptedFacilitator.start();
    facilitator.dispatcher(
        request -> {
          if (request.operation() == FacilitatorOperation.VERIFY) {
            verifying.countDown();
            try {
              if (!holdVerify.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never let verification go on");
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IllegalStateException(e);
            }
            Object from =
                ((Map<?, ?>) request.v2().paymentPayload().payload().get("authorization"))
                    .get("from");
            return ATTACKER.address().toString().equalsIgnoreCase(String.valueOf(from))
                ? ScriptedAnswer.verify(
                    VerifyResponse.invalid(ErrorReason.INSUFFICIENT_FUNDS, null, null))
                : ScriptedAnswer.verify(VerifyResponse.valid(VICTIM.address().toString()));
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
                  VICTIM.address().toString(),
                  r.amount(),
                  null,
                  Map.of()));
        });
  }

  @AfterEach
  void stop() {
    facilitator.close();
  }

  PaymentGate gate(ReplayStore store) {
    return PaymentGate.builder()
        .facilitator(HttpFacilitatorClient.builder(facilitator.url()).build())
        .replayStore(store)
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

  static PaymentPayload pay(PaymentGate gate, PrivateKeySigner signer, String id) {
    PaymentRequired required = PaymentIdentifiersTest.required(gate, "/weather");
    PaymentRequirements accepted = required.accepts().get(0);
    return new PaymentPayload(
        ResourceInfo.of("http://127.0.0.1:8080/weather"),
        accepted,
        ExactEvmClient.of(signer).createPayload(2, accepted),
        Map.of(
            PaymentIdentifierExtension.KEY,
            PaymentIdentifierExtension.echo(
                required.extensions().get(PaymentIdentifierExtension.KEY),
                PaymentIdentifier.parse(id))),
        Map.of());
  }

  void squatThenPay(ReplayStore store) {
    PaymentGate gate = gate(store);
    // The buyer's signed payment, its id seen by someone on the way (it has not reached the gate).
    PaymentPayload victim = pay(gate, VICTIM, ID);

    // The attacker, holding no funds, sends its own payment under the buyer's id first.
    GateResponse squat =
        PaymentIdentifiersTest.refused(
            gate, "/weather", PaymentIdentifiersTest.header(pay(gate, ATTACKER, ID)));
    assertThat(squat.status()).as("the facilitator refuses the attacker's payment").isEqualTo(402);

    // The buyer's real payment must still buy its response.
    GateDecision d =
        gate.check(PaymentIdentifiersTest.get("/weather", PaymentIdentifiersTest.header(victim)))
            .join();
    assertThat(d)
        .as(
            "a payment the facilitator refused must not keep the id: %s",
            d instanceof GateDecision.Respond r ? r.response().bodyText() : "admitted")
        .isInstanceOf(GateDecision.Admit.class);
    ((GateDecision.Admit) d).admission().complete(200).join();
    assertThat(settled).hasValue(1);
  }

  @Test
  void anUnpaidPaymentUnderABuyersIdDoesNotLockTheBuyerOut() {
    squatThenPay(ReplayStore.inMemory(Clock.systemUTC()));
  }

  @Test
  void anUnpaidPaymentUnderABuyersIdDoesNotLockTheBuyerOutOfAJdbcStore(
      @TempDir java.nio.file.Path dir) {
    SQLiteDataSource sqlite = new SQLiteDataSource();
    sqlite.setUrl("jdbc:sqlite:" + dir.resolve("gate.db"));
    DataSource ds = sqlite;
    squatThenPay(ReplayStore.jdbc(ds));
  }

  @Test
  void anUnpaidPaymentSentTwiceInParallelDoesNotKeepTheBuyersIdEither() throws Exception {
    PaymentGate gate = gate(ReplayStore.inMemory(Clock.systemUTC()));
    PaymentPayload victim = pay(gate, VICTIM, ID);
    PaymentPayload garbage = pay(gate, ATTACKER, "pay_attackers_own_id_0000000000");
    PaymentPayload squat =
        new PaymentPayload(
            garbage.resource(),
            garbage.accepted(),
            garbage.payload(),
            victim.extensions(),
            Map.of());
    holdVerify = new CountDownLatch(1);
    // The garbage under the attacker's own id is being verified (slowly) ...
    var first =
        gate.check(PaymentIdentifiersTest.get("/weather", PaymentIdentifiersTest.header(garbage)));
    assertThat(verifying.await(10, TimeUnit.SECONDS)).isTrue();
    // ... while the same garbage under the buyer's id finds it in use.
    assertThat(
            PaymentIdentifiersTest.refused(gate, "/weather", PaymentIdentifiersTest.header(squat))
                .status())
        .isEqualTo(409);
    holdVerify.countDown();
    GateDecision refused = first.get(10, TimeUnit.SECONDS);
    assertThat(((GateDecision.Respond) refused).response().status()).isEqualTo(402);

    GateDecision d =
        gate.check(PaymentIdentifiersTest.get("/weather", PaymentIdentifiersTest.header(victim)))
            .join();
    assertThat(d)
        .as(
            "the buyer's id must not stay bound to a payment that bought nothing: %s",
            d instanceof GateDecision.Respond r ? r.response().bodyText() : "admitted")
        .isInstanceOf(GateDecision.Admit.class);
  }

  @Test
  void theSamePaymentRefusedOnceMayStillBeBoughtLaterUnderItsId() {
    // A buyer whose first try had no funds yet (refused) tops up and sends the same header again.
    PaymentGate gate = gate(ReplayStore.inMemory(Clock.systemUTC()));
    PaymentPayload attacker = pay(gate, ATTACKER, ID);
    String header = PaymentIdentifiersTest.header(attacker);
    assertThat(PaymentIdentifiersTest.refused(gate, "/weather", header).status()).isEqualTo(402);
    assertThat(PaymentIdentifiersTest.refused(gate, "/weather", header).status()).isEqualTo(402);
    assertThat(List.of(settled.get())).containsExactly(0);
  }
}
