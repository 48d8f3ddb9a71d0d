package io.x402j.settlement;

import io.x402j.core.ErrorReason;
import io.x402j.core.wire.SettleResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The settlement of one payment from the ledger's point of view, written once for every scheme:
 * claims the payment in the ledger, lets the scheme's engine {@link Payment#execute execute} a
 * claim this attempt owns, and follows a claim another attempt holds. The engine supplies what only
 * it knows: how to verify and submit (inside {@code execute}), how to follow a submission to its
 * outcome, and how long its chain takes.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>nothing is submitted before the ledger claim is this attempt's: {@code execute} is called
 *       only for an owned claim, with the time it was granted, which fences every write after it;
 *   <li>concurrent requests of one attempt in this process share one settlement, and one
 *       authorization releases at most one answer: a different payment with the same key, or
 *       another attempt at the same payment, is refused ({@code duplicate_settlement});
 *   <li>the same attempt follows a claim held elsewhere to its outcome, and a claim that does not
 *       progress for the claim lease plus the engine's receipt timeout is answered {@code
 *       settlement_stalled}, leaving the claim untouched;
 *   <li>a failure reached before anything was submitted is an answer, never an exceptional
 *       completion; the engine records such failures under this attempt's claim through {@link
 *       SettlementOutcomes#fail}.
 * </ul>
 *
 * Thread-safe.
 */
public final class SettlementFlow {
  /** Waits before looking at a claim again; on an injected scheduler, so tests drive it. */
  @FunctionalInterface
  public interface Delay {
    /** Completes after {@code duration}, or exceptionally when the engine is closed. */
    CompletableFuture<Void> after(Duration duration);
  }

  /** One payment an engine settles through the flow, and what the engine does with it. */
  public interface Payment {
    /**
     * The payment's ledger key. Its payment id must be canonical, derived from parsed values: two
     * spellings of one payment must give one key, or they would be settled twice.
     */
    SettlementKey key();

    /** A digest of the signed payment: one payment has one fingerprint, however spelled. */
    String fingerprint();

    /** The resource server's settlement attempt, or {@code null} when it named none. */
    String settlementId();

    /**
     * What to claim in the ledger; asked off the caller's thread, so a request that cannot be built
     * is answered as a failure before broadcast.
     */
    SettlementRequest request();

    /** The answer when nothing of this attempt was submitted. */
    SettleResponse refused(ErrorReason reason, String message);

    /** The answer when a different payment with this key was already settled. */
    SettleResponse differentPayment();

    /**
     * Settles the payment under this attempt's claim, granted at {@code claimedAt}. Chain failures
     * are answers; a failure before submission should be recorded under the claim.
     */
    CompletableFuture<SettleResponse> execute(Instant claimedAt);

    /** Follows a submission recorded in the ledger to its outcome, and records that. */
    CompletableFuture<SettleResponse> track(Submission submission);

    /** How long to wait between looks at a claim held by another attempt. */
    Duration pollInterval();

    /** How long the chain may take to decide a submission. */
    Duration receiptTimeout();
  }

  private record InFlight(
      String fingerprint, String settlementId, CompletableFuture<SettleResponse> future) {}

  private final SettlementLedger ledger;
  private final Clock clock;
  private final Executor blocking;
  private final Delay delay;
  private final Duration claimLease;
  private final ConcurrentHashMap<SettlementKey, InFlight> inFlight = new ConcurrentHashMap<>();

  /**
   * A flow through {@code ledger}.
   *
   * @param ledger the settlement ledger
   * @param clock the clock for ledger times and for how long a claim has been followed
   * @param blocking the executor for ledger calls, which may block
   * @param delay the waits before looking at another attempt's claim again
   * @param claimLease how long a claim without a submission protects a payment from a take-over
   */
  public SettlementFlow(
      SettlementLedger ledger, Clock clock, Executor blocking, Delay delay, Duration claimLease) {
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.blocking = Objects.requireNonNull(blocking, "blocking");
    this.delay = Objects.requireNonNull(delay, "delay");
    this.claimLease = Objects.requireNonNull(claimLease, "claimLease");
  }

  /** Settles a payment; failures are answers, never exceptional completions. */
  public CompletableFuture<SettleResponse> settle(Payment payment) {
    SettlementKey key = payment.key();
    String fingerprint = payment.fingerprint();
    String attempt = payment.settlementId();
    InFlight mine = new InFlight(fingerprint, attempt, new CompletableFuture<>());
    InFlight running = inFlight.putIfAbsent(key, mine);
    if (running != null
        && running.fingerprint().equals(fingerprint)
        && sameAttempt(attempt, running.settlementId())) {
      // The same attempt at this payment is being settled right now: share its answer.
      return running.future().thenApply(response -> response);
    }
    if (running != null) {
      return settleThroughLedger(payment, clock.instant());
    }
    settleThroughLedger(payment, clock.instant())
        .whenComplete(
            (response, error) -> {
              inFlight.remove(key, mine);
              if (error != null) {
                mine.future().completeExceptionally(error);
              } else {
                mine.future().complete(response);
              }
            });
    return mine.future();
  }

  /**
   * Whether a request naming {@code attempt} continues {@code recorded}: a request naming none
   * never does.
   */
  private static boolean sameAttempt(String attempt, String recorded) {
    return attempt != null && attempt.equals(recorded);
  }

  private CompletableFuture<SettleResponse> settleThroughLedger(Payment payment, Instant started) {
    return CompletableFuture.supplyAsync(
            () -> ledger.claim(payment.request(), now(), claimLease), blocking)
        .thenCompose(
            claim -> {
              if (claim.owned()) {
                return payment.execute(claim.record().updatedAt());
              }
              return follow(payment, claim.record(), started);
            })
        .exceptionally(
            e ->
                payment.refused(
                    ErrorReason.UNEXPECTED_SETTLE_ERROR,
                    "settlement failed before broadcast: " + SettlementOutcomes.describe(e)));
  }

  /**
   * Answers a settlement that another attempt holds. The same attempt (the resource server named
   * the same settlement id) follows it to its outcome, so a server whose answer was lost learns it;
   * any other request for the same authorization is a duplicate and is refused, so one
   * authorization releases at most one response across every server that settles through here.
   *
   * @param payment the payment
   * @param record the ledger's record of it, held by another claim
   * @param started when this attempt began following, for the stall limit
   */
  public CompletableFuture<SettleResponse> follow(
      Payment payment, SettlementRecord record, Instant started) {
    if (!record.fingerprint().equals(payment.fingerprint())) {
      return done(payment.differentPayment());
    }
    if (!sameAttempt(payment.settlementId(), record.settlementId())) {
      return done(
          payment.refused(
              ErrorReason.DUPLICATE_SETTLEMENT,
              "this payment was already settled, or is being settled, for another request"));
    }
    switch (record.state()) {
      case CONFIRMED:
      case FAILED:
        return done(record.outcome());
      case SUBMITTED:
      case PENDING:
        return payment.track(record.submission());
      case CLAIMED:
      default:
        // Another settlement of this payment is between claim and broadcast; look again soon.
        Duration waited = Duration.between(started, clock.instant());
        if (waited.compareTo(claimLease.plus(payment.receiptTimeout())) > 0) {
          return done(
              payment.refused(
                  ErrorReason.SETTLEMENT_STALLED,
                  "another settlement of this payment has not progressed"));
        }
        return delay
            .after(payment.pollInterval())
            .thenCompose(ignored -> settleThroughLedger(payment, started));
    }
  }

  /** The time for ledger records: milliseconds, as durable ledgers keep them. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
