package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.facilitator.Facilitator;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.server.GateHarness.Answer;
import io.x402j.server.GateHarness.Served;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate when the facilitator is slow to know, or cannot be reached: a scripted facilitator (our
 * own interface) answers, so every branch is reached without a chain.
 */
class GateFaultsTest {
  static final String PAYER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final Answer OK = new Answer(200, "secret");
  static final Network BASE_SEPOLIA = Network.evm(84532);

  /** Answers verify and settle from scripts; counts the calls. */
  static final class ScriptedFacilitator implements Facilitator {
    final Deque<CompletableFuture<VerifyResponse>> verifies = new ArrayDeque<>();
    final Deque<CompletableFuture<SettleResponse>> settles = new ArrayDeque<>();
    final AtomicInteger verifyCalls = new AtomicInteger();
    final AtomicInteger settleCalls = new AtomicInteger();
    final java.util.List<String> settlementIds =
        java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    @Override
    public CompletableFuture<VerifyResponse> verify(FacilitatorRequest request) {
      verifyCalls.incrementAndGet();
      CompletableFuture<VerifyResponse> next = verifies.poll();
      return next != null ? next : CompletableFuture.completedFuture(VerifyResponse.valid(PAYER));
    }

    @Override
    public CompletableFuture<SettleResponse> settle(FacilitatorRequest request) {
      settleCalls.incrementAndGet();
      settlementIds.add(request.settlementId().orElse(null));
      CompletableFuture<SettleResponse> next = settles.poll();
      return next != null ? next : CompletableFuture.completedFuture(success());
    }

    @Override
    public CompletableFuture<SupportedResponse> supported() {
      return CompletableFuture.failedFuture(new UnsupportedOperationException());
    }
  }

  static SettleResponse success() {
    return SettleResponse.success("0x" + "ab".repeat(32), BASE_SEPOLIA.toString(), PAYER);
  }

  static SettleResponse pending() {
    return SettleResponse.failure(
        ErrorReason.SETTLEMENT_PENDING,
        "broadcast, no receipt yet",
        "0x" + "cd".repeat(32),
        BASE_SEPOLIA.toString(),
        PAYER);
  }

  final ScriptedFacilitator facilitator = new ScriptedFacilitator();
  final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
  final SteppingScheduler scheduler = new SteppingScheduler(clock);

  /**
   * A gate that follows a pending settlement for 300 ms, asking every 50 ms: on the stepping
   * scheduler, five polls after the first answer, with no wall-clock time passing.
   */
  GateHarness harness(PendingSettlement policy) {
    return new GateHarness(
        PaymentGate.builder()
            .facilitator(facilitator)
            .routes(
                RouteTable.builder()
                    .route("GET /report", PaidRoute.of("$0.01", BASE_SEPOLIA, PAYER))
                    .build())
            .pendingSettlement(policy, Duration.ofMillis(300), Duration.ofMillis(50))
            .clock(clock)
            .scheduler(scheduler)
            .build());
  }

  String payment(GateHarness harness) {
    Served unpaid = harness.serve(GateHarness.get("/report", Map.of()), OK);
    return new TestMarketPayer().pay(unpaid.header("PAYMENT-REQUIRED"));
  }

  /** Signs with a throwaway key; the scripted facilitator does not check it. */
  static final class TestMarketPayer {
    String pay(String required) {
      var decoded = HEADERS.decodePaymentRequired(required);
      var offered = decoded.accepts().get(0);
      var payload =
          io.x402j.evm.ExactEvmClient.of(
                  PrivateKeySigner.generate(new java.security.SecureRandom()))
              .createPayload(2, offered);
      return HEADERS.encodePaymentSignature(
          io.x402j.core.wire.PaymentPayload.of(decoded.resource(), offered, payload));
    }
  }

  Served send(GateHarness harness, String payment) {
    return harness.serve(GateHarness.get("/report", Map.of("PAYMENT-SIGNATURE", payment)), OK);
  }

  @Test
  void aBrokenReplayStoreRefusesPaymentsButNeverTakesBackAPaidResponse(@TempDir Path temp)
      throws Exception {
    org.sqlite.SQLiteDataSource database = new org.sqlite.SQLiteDataSource();
    database.setUrl("jdbc:sqlite:" + temp.resolve("replay.db"));
    GateHarness harness =
        new GateHarness(
            PaymentGate.builder()
                .facilitator(facilitator)
                .routes(
                    RouteTable.builder()
                        .route("GET /report", PaidRoute.of("$0.01", BASE_SEPOLIA, PAYER))
                        .build())
                .replayStore(ReplayStore.jdbc(database))
                .build());
    String payment = payment(harness);
    GateDecision admitted =
        harness.gate.check(GateHarness.get("/report", Map.of("PAYMENT-SIGNATURE", payment))).join();
    assertThat(admitted).isInstanceOf(GateDecision.Admit.class);

    // The store's database loses its table while the handler runs.
    try (java.sql.Connection c = database.getConnection();
        java.sql.Statement s = c.createStatement()) {
      s.execute("DROP TABLE x402j_gate_payments");
    }
    facilitator.settles.add(CompletableFuture.completedFuture(success()));
    Served paid = GateHarness.finish(((GateDecision.Admit) admitted).admission(), OK);
    assertThat(paid.status()).as("settled: the response is the buyer's").isEqualTo(200);
    assertThat(paid.body()).isEqualTo("secret");

    int verifies = facilitator.verifyCalls.get();
    Served refused = send(harness, payment(harness));
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.body()).contains("cannot be checked").doesNotContain("secret");
    assertThat(facilitator.verifyCalls.get()).as("not even verified").isEqualTo(verifies);
  }

  @Test
  void waitingFollowsAPendingSettlementToItsConfirmation() {
    GateHarness harness = harness(PendingSettlement.WAIT);
    facilitator.settles.add(CompletableFuture.completedFuture(pending()));
    facilitator.settles.add(CompletableFuture.completedFuture(pending()));

    Served served = send(harness, payment(harness));

    assertThat(served.status()).isEqualTo(200);
    assertThat(HEADERS.decodePaymentResponse(served.header("PAYMENT-RESPONSE")).success()).isTrue();
    assertThat(facilitator.settleCalls.get()).isEqualTo(3);
    assertThat(scheduler.delays).containsExactly(Duration.ofMillis(50), Duration.ofMillis(50));
  }

  @Test
  void stillPendingAfterTheWaitWithholdsTheResponseAndTheSamePaymentCompletesLater() {
    GateHarness harness = harness(PendingSettlement.WAIT);
    for (int i = 0; i < 50; i++) {
      facilitator.settles.add(CompletableFuture.completedFuture(pending()));
    }
    String payment = payment(harness);

    Served withheld = send(harness, payment);

    assertThat(withheld.status()).isEqualTo(402);
    assertThat(withheld.body()).doesNotContain("secret");
    assertThat(withheld.header("Retry-After")).isEqualTo("5");
    SettleResponse receipt = HEADERS.decodePaymentResponse(withheld.header("PAYMENT-RESPONSE"));
    assertThat(receipt.isPending()).isTrue();
    assertThat(receipt.transaction()).isEqualTo("0x" + "cd".repeat(32));
    assertThat(facilitator.settleCalls.get())
        .as("asked at 0, 50, ..., 250 ms; a poll at 300 ms would end the wait")
        .isEqualTo(6);
    assertThat(scheduler.delays).hasSize(5).containsOnly(Duration.ofMillis(50));

    // The transaction confirms; the payer sends the same header again and is served, unverified.
    facilitator.settles.clear();
    int verifies = facilitator.verifyCalls.get();
    Served later = send(harness, payment);
    assertThat(later.status()).isEqualTo(200);
    assertThat(later.body()).isEqualTo("secret");
    assertThat(facilitator.verifyCalls.get()).isEqualTo(verifies);
    assertThat(send(harness, payment).status()).as("and only once").isEqualTo(402);
  }

  @Test
  void releasingAPendingSettlementSendsThePendingReceipt() {
    GateHarness harness = harness(PendingSettlement.RELEASE);
    facilitator.settles.add(CompletableFuture.completedFuture(pending()));

    Served served = send(harness, payment(harness));

    assertThat(served.status()).isEqualTo(200);
    assertThat(served.body()).isEqualTo("secret");
    SettleResponse receipt = HEADERS.decodePaymentResponse(served.header("PAYMENT-RESPONSE"));
    assertThat(receipt.isPending()).isTrue();
    assertThat(facilitator.settleCalls.get()).isEqualTo(1);
    assertThat(scheduler.delays).as("released at once, never polled").isEmpty();
  }

  @Test
  void aPaymentReleasedWhilePendingHasBoughtItsResponse() {
    GateHarness harness = harness(PendingSettlement.RELEASE);
    facilitator.settles.add(CompletableFuture.completedFuture(pending()));
    String payment = payment(harness);
    assertThat(send(harness, payment).status()).isEqualTo(200);

    Served whilePending = send(harness, payment);
    Served afterConfirmation = send(harness, payment); // the script now answers success

    assertThat(whilePending.status()).isEqualTo(402);
    assertThat(whilePending.body()).doesNotContain("secret");
    assertThat(afterConfirmation.status()).isEqualTo(402);
    assertThat(HEADERS.decodePaymentRequired(afterConfirmation.header("PAYMENT-REQUIRED")).error())
        .isEqualTo("this payment has already been used");
    assertThat(harness.handled.get()).as("the handler ran once").isEqualTo(1);
    assertThat(facilitator.settleCalls.get()).isEqualTo(1);
  }

  @Test
  void aResumedPaymentWhoseHandlerFailsStillFollowsItsOwnAttempt() {
    GateHarness harness = harness(PendingSettlement.WAIT);
    for (int i = 0; i < 50; i++) {
      facilitator.settles.add(CompletableFuture.completedFuture(pending()));
    }
    String payment = payment(harness);
    assertThat(send(harness, payment).status()).as("withheld while pending").isEqualTo(402);

    // Resumed, but its handler fails this time: nothing delivered, and the attempt must survive.
    Served failed =
        harness.serve(
            GateHarness.get("/report", Map.of("PAYMENT-SIGNATURE", payment)),
            new Answer(503, "try later"));
    facilitator.settles.clear();
    Served later = send(harness, payment);

    assertThat(failed.status()).isEqualTo(503);
    assertThat(later.status()).as("the same attempt, followed to success").isEqualTo(200);
    assertThat(facilitator.settlementIds)
        .doesNotContainNull()
        .containsOnly(facilitator.settlementIds.get(0));
  }

  @Test
  void aResumedSettlementNamesTheSameAttemptAndANewOneAnother() {
    GateHarness harness = harness(PendingSettlement.WAIT);
    facilitator.settles.add(CompletableFuture.failedFuture(new IOException("read timed out")));
    String payment = payment(harness);

    assertThat(send(harness, payment).status()).isEqualTo(502);
    assertThat(send(harness, payment).status()).isEqualTo(200);
    assertThat(send(harness, payment(harness)).status()).isEqualTo(200);

    assertThat(facilitator.settlementIds).hasSize(3).doesNotContainNull();
    assertThat(facilitator.settlementIds.get(1))
        .as("the retry continues the attempt whose answer was lost")
        .isEqualTo(facilitator.settlementIds.get(0));
    assertThat(facilitator.settlementIds.get(2))
        .as("another payment, another attempt")
        .isNotEqualTo(facilitator.settlementIds.get(0));
  }

  @Test
  void anUnreachableFacilitatorAtVerificationIs502AndLeavesThePaymentUnused() {
    GateHarness harness = harness(PendingSettlement.WAIT);
    facilitator.verifies.add(CompletableFuture.failedFuture(new IOException("connection refused")));
    String payment = payment(harness);

    Served served = send(harness, payment);

    assertThat(served.status()).isEqualTo(502);
    assertThat(served.body()).contains("could not verify").doesNotContain("connection refused");
    assertThat(harness.handled.get()).isZero();
    assertThat(send(harness, payment).status()).as("usable once it is back").isEqualTo(200);
  }

  @Test
  void anUnansweredSettlementWithholdsTheResponseButNotThePayment() {
    GateHarness harness = harness(PendingSettlement.WAIT);
    facilitator.settles.add(CompletableFuture.failedFuture(new IOException("read timed out")));
    String payment = payment(harness);

    Served served = send(harness, payment);

    assertThat(served.status()).isEqualTo(502);
    assertThat(served.body()).doesNotContain("secret").contains("send the same payment again");
    int verifies = facilitator.verifyCalls.get();
    Served again = send(harness, payment);
    assertThat(again.status()).isEqualTo(200);
    assertThat(facilitator.verifyCalls.get())
        .as("resumed: the settlement may already have used the authorization")
        .isEqualTo(verifies);
  }

  @Test
  void aSettlementFailureReleasesThePaymentForAnotherTry() {
    GateHarness harness = harness(PendingSettlement.WAIT);
    facilitator.settles.add(
        CompletableFuture.completedFuture(
            SettleResponse.failure(
                ErrorReason.UNEXPECTED_SETTLE_ERROR,
                "out of gas",
                "",
                BASE_SEPOLIA.toString(),
                PAYER)));
    String payment = payment(harness);

    Served failed = send(harness, payment);

    assertThat(failed.status()).isEqualTo(402);
    assertThat(failed.body()).isEqualTo("{}");
    assertThat(HEADERS.decodePaymentResponse(failed.header("PAYMENT-RESPONSE")).errorReason())
        .isEqualTo("unexpected_settle_error");
    assertThat(send(harness, payment).status()).isEqualTo(200);
  }

  @Test
  void theRecipientMayBeChosenPerRequest() {
    String other = "0x000000000000000000000000000000000000dEaD";
    GateHarness harness =
        new GateHarness(
            PaymentGate.builder()
                .facilitator(facilitator)
                .routes(
                    RouteTable.builder()
                        .route(
                            "GET /shops/:shop/item",
                            PaidRoute.builder()
                                .accept(
                                    PaymentOption.builder(BASE_SEPOLIA)
                                        .price("$0.01")
                                        .payTo(
                                            r ->
                                                r.path().startsWith("/shops/dead/") ? other : PAYER)
                                        .build())
                                .build())
                        .build())
                .build());

    String dead =
        harness.serve(GateHarness.get("/shops/dead/item", Map.of()), OK).header("PAYMENT-REQUIRED");
    String live =
        harness.serve(GateHarness.get("/shops/live/item", Map.of()), OK).header("PAYMENT-REQUIRED");

    assertThat(HEADERS.decodePaymentRequired(dead).accepts().get(0).payTo()).isEqualTo(other);
    assertThat(HEADERS.decodePaymentRequired(live).accepts().get(0).payTo()).isEqualTo(PAYER);
  }

  @Test
  void anAdmissionIsCompletedOnce() {

    GateHarness harness = harness(PendingSettlement.WAIT);
    GateDecision decision =
        harness
            .gate
            .check(GateHarness.get("/report", Map.of("PAYMENT-SIGNATURE", payment(harness))))
            .join();
    Admission admission = ((GateDecision.Admit) decision).admission();
    admission.abandon();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> admission.complete(200))
        .isInstanceOf(IllegalStateException.class);
  }
}
