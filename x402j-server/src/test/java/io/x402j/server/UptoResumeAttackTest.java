package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.facilitator.FacilitatorOperation;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.SupportedKind;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.testkit.RecordedFacilitatorRequest;
import io.x402j.testkit.ScriptedAnswer;
import io.x402j.testkit.ScriptedFacilitator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attack: an {@code upto} payment whose settlement went pending is presented again (the buyer
 * retries, as the still-pending answer tells it to). The gate resumes the SAME settlement attempt
 * (same settlement id) — the first settlement may already have moved the money — but runs the
 * handler again and settles whatever the second run states. One settlement attempt then carries two
 * different amounts: the facilitator sees /settle for 2500 and, under the same id, for 90000. An
 * x402j facilitator refuses the second as a different payment (the gate then releases the entry and
 * the buyer, whose 2500 may be mined, never gets a response); a facilitator that keys only on the
 * permit settles whichever arrives. The resumed attempt must settle the amount first stated (or
 * refuse a different one without settling).
 */
class UptoResumeAttackTest {
  static final Network NET = UptoGateTest.NET;

  ScriptedFacilitator facilitator;
  PaymentGate gate;
  final BlockingQueue<RecordedFacilitatorRequest> settles = new LinkedBlockingQueue<>();
  final AtomicInteger settleCount = new AtomicInteger();

  @BeforeEach
  void start() {
    facilitator = ScriptedFacilitator.start();
    facilitator.dispatcher(
        request -> {
          if (request.operation() == FacilitatorOperation.SUPPORTED) {
            return ScriptedAnswer.supported(
                new SupportedResponse(
                    List.of(
                        new SupportedKind(
                            2,
                            "upto",
                            NET.toString(),
                            Map.of("facilitatorAddress", UptoGateTest.FACILITATOR),
                            Map.of())),
                    List.of(),
                    Map.of(),
                    Map.of()));
          }
          if (request.operation() == FacilitatorOperation.VERIFY) {
            return ScriptedAnswer.verify(VerifyResponse.valid(null));
          }
          settles.add(request);
          PaymentRequirements r = request.v2().paymentRequirements();
          if (settleCount.incrementAndGet() == 1) {
            // The first settlement was broadcast but is not confirmed yet.
            return ScriptedAnswer.settle(
                SettleResponse.failure(
                    ErrorReason.SETTLEMENT_PENDING,
                    null,
                    "0x" + "cd".repeat(32),
                    r.network().toString(),
                    null));
          }
          return ScriptedAnswer.settle(
              new SettleResponse(
                  true,
                  null,
                  null,
                  "0x" + "cd".repeat(32),
                  r.network().toString(),
                  null,
                  r.amount(),
                  null,
                  Map.of()));
        });
    gate = gate(ReplayStore.inMemory(java.time.Clock.systemUTC()));
  }

  PaymentGate gate(ReplayStore store) {
    return PaymentGate.builder()
        .replayStore(store)
        .facilitator(HttpFacilitatorClient.builder(facilitator.url()).build())
        .pendingSettlement(PendingSettlement.WAIT, Duration.ZERO, Duration.ofSeconds(1))
        .routes(
            RouteTable.builder()
                .route(
                    "POST /infer",
                    PaidRoute.builder()
                        .accept(
                            PaymentOption.builder(NET)
                                .upto("100000")
                                .payTo(UptoGateTest.SELLER)
                                .build())
                        .build())
                .build())
        .build();
  }

  @AfterEach
  void stop() {
    facilitator.close();
  }

  @Test
  void aResumedPendingSettlementNeverSettlesAnotherAmountUnderTheSameAttempt() throws Exception {
    GateResponse unpaid =
        ((GateDecision.Respond) gate.check(UptoGateTest.post("/infer", null)).join()).response();
    PaymentRequirements upto =
        UptoGateTest.HEADERS
            .decodePaymentRequired(unpaid.header("PAYMENT-REQUIRED"))
            .accepts()
            .get(0);
    String payment = UptoGateTest.payment(upto, 0);

    // First run: the handler used 2500; the settlement goes pending and is not followed further.
    GateDecision first = gate.check(UptoGateTest.post("/infer", payment)).join();
    Completion pending =
        ((GateDecision.Admit) first)
            .admission()
            .complete(200, SettlementOverride.atomic(2500))
            .join();
    assertThat(pending).isInstanceOf(Completion.Refuse.class);
    RecordedFacilitatorRequest firstSettle = settles.take();
    assertThat(firstSettle.v2().paymentRequirements().amount()).isEqualTo(TokenAmount.of(2500));

    // The buyer sends the same payment again; the gate resumes the pending attempt.
    GateDecision second = gate.check(UptoGateTest.post("/infer", payment)).join();
    assertThat(second).isInstanceOf(GateDecision.Admit.class);
    // The handler, run again, states another amount (usage is not deterministic).
    ((GateDecision.Admit) second)
        .admission()
        .complete(200, SettlementOverride.atomic(90000))
        .join();

    RecordedFacilitatorRequest secondSettle = settles.poll();
    if (secondSettle != null) {
      assertThat(secondSettle.header(HttpFacilitatorClient.SETTLEMENT_ID_HEADER))
          .isEqualTo(firstSettle.header(HttpFacilitatorClient.SETTLEMENT_ID_HEADER));
      // Same attempt, same amount: never two amounts for one settlement.
      assertThat(secondSettle.v2().paymentRequirements().amount())
          .as("the resumed settlement's amount")
          .isEqualTo(TokenAmount.of(2500));
    }
  }

  @Test
  void aResumedUptoPaymentWhoseAmountWasNotStoredIsRefusedUnsettledAndStaysPending()
      throws Exception {
    ReplayStore memory = ReplayStore.inMemory(java.time.Clock.systemUTC());
    ReplayStore forgetful = // a store from before amounts were kept
        new ReplayStore() {
          @Override
          public Acquisition acquire(String key, java.time.Instant expiresAt) {
            return memory.acquire(key, expiresAt);
          }

          @Override
          public void release(String key) {
            memory.release(key);
          }

          @Override
          public void settled(String key) {
            memory.settled(key);
          }

          @Override
          public void pending(
              String key, String settlementId, TokenAmount amount, java.time.Instant keepUntil) {
            memory.pending(key, settlementId, null, keepUntil);
          }
        };
    gate = gate(forgetful);
    GateResponse unpaid =
        ((GateDecision.Respond) gate.check(UptoGateTest.post("/infer", null)).join()).response();
    PaymentRequirements upto =
        UptoGateTest.HEADERS
            .decodePaymentRequired(unpaid.header("PAYMENT-REQUIRED"))
            .accepts()
            .get(0);
    String payment = UptoGateTest.payment(upto, 0);
    ((GateDecision.Admit) gate.check(UptoGateTest.post("/infer", payment)).join())
        .admission()
        .complete(200, SettlementOverride.atomic(2500))
        .join();
    settles.take();

    for (int i = 0; i < 2; i++) {
      GateDecision again = gate.check(UptoGateTest.post("/infer", payment)).join();
      assertThat(again).as("refused, attempt " + i).isInstanceOf(GateDecision.Respond.class);
      GateResponse refused = ((GateDecision.Respond) again).response();
      assertThat(refused.status()).isEqualTo(503);
      assertThat(new String(refused.body(), java.nio.charset.StandardCharsets.UTF_8))
          .contains("nothing more was charged");
    }
    assertThat(settles).as("nothing settled on resume").isEmpty();
  }
}
