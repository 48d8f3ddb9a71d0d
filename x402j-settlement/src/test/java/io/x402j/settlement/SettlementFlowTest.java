package io.x402j.settlement;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.wire.SettleResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/**
 * The scheme-neutral settlement flow, driven with the in-memory ledger, a fake engine, a clock
 * moved by hand and waits completed by hand: no chain, no threads, no sleeps.
 */
class SettlementFlowTest {
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  static final Network NETWORK = Network.parse("solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp");
  static final SettlementKey KEY = new SettlementKey(NETWORK, "exact", "payment-1");
  static final Duration LEASE = Duration.ofSeconds(30);
  static final Duration POLL = Duration.ofSeconds(2);
  static final Duration RECEIPT_TIMEOUT = Duration.ofSeconds(60);
  static final String ATTEMPT = "attempt-1";
  static final SettleResponse SETTLED = SettleResponse.success("tx-1", NETWORK.toString(), "payer");

  final MovableClock clock = new MovableClock();
  final Executor direct = Runnable::run;
  final Deque<Wait> waits = new ArrayDeque<>();
  final SettlementLedger ledger = new InMemorySettlementLedger();
  final SettlementOutcomes outcomes =
      new SettlementOutcomes(ledger, clock, direct, SettlementFlowTest.class);
  final SettlementFlow flow = new SettlementFlow(ledger, clock, direct, this::wait, LEASE);

  @Test
  void anOwnedClaimExecutesOnceAndConcurrentRequestsOfTheAttemptShareIt() {
    FakePayment payment = new FakePayment("fp", ATTEMPT);
    FakePayment again = new FakePayment("fp", ATTEMPT);

    CompletableFuture<SettleResponse> first = flow.settle(payment);
    CompletableFuture<SettleResponse> second = flow.settle(again);

    assertThat(payment.executions).containsExactly(NOW);
    assertThat(again.executions).isEmpty();
    assertThat(first).isNotDone();
    assertThat(second).isNotDone();
    assertThat(ledger.find(KEY).orElseThrow().state()).isEqualTo(SettlementState.CLAIMED);
    assertThat(ledger.find(KEY).orElseThrow().settlementId()).isEqualTo(ATTEMPT);

    payment.chain.complete(SETTLED);

    assertThat(first.join()).isEqualTo(SETTLED);
    assertThat(second.join()).isEqualTo(SETTLED);
    SettlementRecord record = ledger.find(KEY).orElseThrow();
    assertThat(record.state()).isEqualTo(SettlementState.CONFIRMED);
    assertThat(record.outcome()).isEqualTo(SETTLED);
    assertThat(waits).isEmpty();
  }

  @Test
  void anotherAttemptOrNoAttemptIsADuplicate() {
    FakePayment payment = new FakePayment("fp", ATTEMPT);
    CompletableFuture<SettleResponse> first = flow.settle(payment);

    for (String other : new String[] {"attempt-2", null}) {
      FakePayment duplicate = new FakePayment("fp", other);
      SettleResponse answer = flow.settle(duplicate).join();

      assertThat(answer.reason()).hasValue(ErrorReason.DUPLICATE_SETTLEMENT);
      assertThat(answer.errorMessage())
          .isEqualTo("this payment was already settled, or is being settled, for another request");
      assertThat(answer.transaction()).isEmpty();
      assertThat(duplicate.executions).isEmpty();
    }
    // After the outcome, too: one authorization releases one answer.
    payment.chain.complete(SETTLED);
    assertThat(first.join()).isEqualTo(SETTLED);
    assertThat(flow.settle(new FakePayment("fp", "attempt-3")).join().reason())
        .hasValue(ErrorReason.DUPLICATE_SETTLEMENT);
    assertThat(payment.executions).hasSize(1);
  }

  @Test
  void aDifferentPaymentWithTheSameKeyGetsTheEnginesAnswer() {
    flow.settle(new FakePayment("fp", ATTEMPT));

    FakePayment other = new FakePayment("another-fp", ATTEMPT);
    SettleResponse answer = flow.settle(other).join();

    assertThat(answer.errorMessage()).isEqualTo("different payment");
    assertThat(other.executions).isEmpty();
  }

  @Test
  void theSameAttemptFollowsAClaimHeldElsewhereToItsOutcome() {
    Instant claimedAt = claimElsewhere(NOW);
    FakePayment payment = new FakePayment("fp", ATTEMPT);

    CompletableFuture<SettleResponse> settling = flow.settle(payment);

    Wait look = waits.removeFirst();
    assertThat(look.duration()).isEqualTo(POLL);
    assertThat(settling).isNotDone();
    assertThat(
            ledger.outcome(
                KEY, OutcomeFence.ofClaim(claimedAt), SettlementState.CONFIRMED, SETTLED, NOW))
        .isTrue();
    clock.advance(POLL);
    look.elapsed().complete(null);

    assertThat(settling.join()).isEqualTo(SETTLED);
    assertThat(payment.executions).isEmpty();
    assertThat(waits).isEmpty();
  }

  @Test
  void aSubmissionHeldElsewhereIsTrackedByTheEngine() {
    Instant claimedAt = claimElsewhere(NOW);
    Submission submission = new Submission("tx-1", "signer", 7L, "raw");
    assertThat(ledger.submitted(KEY, submission, claimedAt, NOW)).isTrue();
    FakePayment payment = new FakePayment("fp", ATTEMPT);

    SettleResponse answer = flow.settle(payment).join();

    assertThat(answer).isEqualTo(SETTLED);
    assertThat(payment.tracked).containsExactly(submission);
    assertThat(payment.executions).isEmpty();
  }

  @Test
  void aClaimThatDoesNotProgressIsAnsweredStalled() {
    // Held by a facilitator whose clock runs ten minutes ahead: here its claim never looks expired.
    Instant claimedAt = claimElsewhere(NOW.plus(Duration.ofMinutes(10)));
    FakePayment payment = new FakePayment("fp", ATTEMPT);
    CompletableFuture<SettleResponse> settling = flow.settle(payment);
    Wait look = waits.removeFirst();
    clock.advance(LEASE.plus(RECEIPT_TIMEOUT));
    look.elapsed().complete(null);
    // Exactly at the limit it still waits.
    look = waits.removeFirst();
    assertThat(settling).isNotDone();

    clock.advance(Duration.ofSeconds(1));
    look.elapsed().complete(null);

    SettleResponse answer = settling.join();
    assertThat(answer.reason()).hasValue(ErrorReason.SETTLEMENT_STALLED);
    assertThat(answer.errorMessage())
        .isEqualTo("another settlement of this payment has not progressed");
    assertThat(answer.transaction()).isEmpty();
    assertThat(waits).isEmpty();
    assertThat(payment.executions).isEmpty();
    assertThat(ledger.find(KEY).orElseThrow())
        .extracting(SettlementRecord::state, SettlementRecord::updatedAt)
        .containsExactly(SettlementState.CLAIMED, claimedAt);
  }

  @Test
  void aFailureBeforeSubmissionIsRecordedUnderThisAttemptsClaim() {
    FakePayment payment = new FakePayment("fp", ATTEMPT);
    payment.failBeforeSubmission = true;

    SettleResponse answer = flow.settle(payment).join();

    assertThat(answer.reason()).hasValue(ErrorReason.UNEXPECTED_SETTLE_ERROR);
    assertThat(answer.errorMessage()).isEqualTo("cannot submit");
    SettlementRecord record = ledger.find(KEY).orElseThrow();
    assertThat(record.state()).isEqualTo(SettlementState.FAILED);
    assertThat(record.outcome()).isEqualTo(answer);

    // A failed settlement may be retried by the same attempt, under a new claim.
    clock.advance(Duration.ofSeconds(1));
    FakePayment retry = new FakePayment("fp", ATTEMPT);
    CompletableFuture<SettleResponse> retried = flow.settle(retry);
    assertThat(retry.executions).containsExactly(NOW.plusSeconds(1));
    // The first claim's fence no longer admits an outcome: the retry's claim is untouched.
    SettleResponse stale =
        outcomes
            .fail(KEY, NOW, payment.refused(ErrorReason.UNEXPECTED_SETTLE_ERROR, "late"))
            .join();
    assertThat(stale.errorMessage()).isEqualTo("late");
    assertThat(ledger.find(KEY).orElseThrow().state()).isEqualTo(SettlementState.CLAIMED);
    retry.chain.complete(SETTLED);
    assertThat(retried.join()).isEqualTo(SETTLED);
  }

  @Test
  void aRequestThatCannotBeBuiltIsAnsweredAsAFailureBeforeBroadcast() {
    FakePayment payment = new FakePayment("fp", ATTEMPT);
    payment.badRequest = true;

    SettleResponse answer = flow.settle(payment).join();

    assertThat(answer.reason()).hasValue(ErrorReason.UNEXPECTED_SETTLE_ERROR);
    assertThat(answer.errorMessage())
        .isEqualTo("settlement failed before broadcast: settlement id is too long");
    assertThat(ledger.find(KEY)).isEmpty();
  }

  /** Claims the payment for this attempt as another facilitator would, at {@code at}. */
  Instant claimElsewhere(Instant at) {
    SettlementLedger.Claim claim =
        ledger.claim(new FakePayment("fp", ATTEMPT).request(), at, LEASE);
    assertThat(claim.owned()).isTrue();
    return claim.record().updatedAt();
  }

  CompletableFuture<Void> wait(Duration duration) {
    Wait wait = new Wait(duration, new CompletableFuture<>());
    waits.addLast(wait);
    return wait.elapsed();
  }

  record Wait(Duration duration, CompletableFuture<Void> elapsed) {}

  /** An engine's payment whose chain answers when the test says so. */
  final class FakePayment implements SettlementFlow.Payment {
    final String fingerprint;
    final String attempt;
    final List<Instant> executions = new ArrayList<>();
    final List<Submission> tracked = new ArrayList<>();
    final CompletableFuture<SettleResponse> chain = new CompletableFuture<>();
    boolean failBeforeSubmission;
    boolean badRequest;

    FakePayment(String fingerprint, String attempt) {
      this.fingerprint = fingerprint;
      this.attempt = attempt;
    }

    @Override
    public SettlementKey key() {
      return KEY;
    }

    @Override
    public String fingerprint() {
      return fingerprint;
    }

    @Override
    public String settlementId() {
      return attempt;
    }

    @Override
    public SettlementRequest request() {
      if (badRequest) {
        throw new IllegalArgumentException("settlement id is too long");
      }
      return new SettlementRequest(
          KEY,
          fingerprint,
          new Transfer("asset", "payer", "seller", TokenAmount.of(1)),
          Map.of(),
          attempt);
    }

    @Override
    public SettleResponse refused(ErrorReason reason, String message) {
      return SettleResponse.failure(reason, message, "", NETWORK.toString(), "payer");
    }

    @Override
    public SettleResponse differentPayment() {
      return refused(ErrorReason.UNEXPECTED_SETTLE_ERROR, "different payment");
    }

    @Override
    public CompletableFuture<SettleResponse> execute(Instant claimedAt) {
      executions.add(claimedAt);
      if (failBeforeSubmission) {
        return outcomes.fail(
            KEY, claimedAt, refused(ErrorReason.UNEXPECTED_SETTLE_ERROR, "cannot submit"));
      }
      return chain.thenCompose(
          response ->
              outcomes.record(
                  KEY, OutcomeFence.ofClaim(claimedAt), SettlementState.CONFIRMED, response));
    }

    @Override
    public CompletableFuture<SettleResponse> track(Submission submission) {
      tracked.add(submission);
      return outcomes.record(
          KEY,
          OutcomeFence.ofTransaction(submission.transaction()),
          SettlementState.CONFIRMED,
          SETTLED);
    }

    @Override
    public Duration pollInterval() {
      return POLL;
    }

    @Override
    public Duration receiptTimeout() {
      return RECEIPT_TIMEOUT;
    }
  }

  /** A clock that moves only when told. */
  static final class MovableClock extends Clock {
    private Instant now = NOW;

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
