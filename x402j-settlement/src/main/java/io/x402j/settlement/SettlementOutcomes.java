package io.x402j.settlement;

import io.x402j.core.support.Futures;
import io.x402j.core.wire.SettleResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes settlement outcomes to the ledger, then answers with them, for every scheme's engine.
 * Invariants: an outcome is written only under its fence (the claim it was reached under, or the
 * transaction it is about), so an attempt that lost its claim never overwrites another's record; a
 * ledger failure here is logged and never changes the answer, since the chain (or the refusal)
 * already decided it. Thread-safe.
 */
public final class SettlementOutcomes {
  private final SettlementLedger ledger;
  private final Clock clock;
  private final Executor blocking;
  private final Logger log;

  /**
   * Outcomes written to {@code ledger} off the caller's thread.
   *
   * @param ledger the settlement ledger
   * @param clock the clock for ledger times
   * @param blocking the executor for ledger writes, which may block
   * @param logAs the class whose logger reports outcomes that could not be recorded (the engine's
   *     facade, so that logging configurations keep applying)
   */
  public SettlementOutcomes(
      SettlementLedger ledger, Clock clock, Executor blocking, Class<?> logAs) {
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.blocking = Objects.requireNonNull(blocking, "blocking");
    this.log = LoggerFactory.getLogger(Objects.requireNonNull(logAs, "logAs"));
  }

  /**
   * Records a failure reached before anything was broadcast, under the claim of {@code claimedAt},
   * then answers with {@code refusal}.
   */
  public CompletableFuture<SettleResponse> fail(
      SettlementKey key, Instant claimedAt, SettleResponse refusal) {
    return record(key, OutcomeFence.ofClaim(claimedAt), SettlementState.FAILED, refusal);
  }

  /**
   * Records an outcome, then answers with it. A ledger failure here is logged and never changes the
   * answer: the chain already decided it.
   */
  public CompletableFuture<SettleResponse> record(
      SettlementKey key, OutcomeFence fence, SettlementState state, SettleResponse response) {
    return CompletableFuture.supplyAsync(
            () -> ledger.outcome(key, fence, state, response, now()), blocking)
        .handle(
            (recorded, e) -> {
              if (e == null && !recorded) {
                // Another attempt holds the record now, or it is confirmed: this answer is about
                // this attempt only and must not overwrite that one.
                log.info("outcome {} of {} not recorded: the settlement changed hands", state, key);
              }
              if (e != null) {
                log.error("could not record outcome {} of {}: {}", state, key, describe(e));
              }
              return response;
            });
  }

  /** The time for ledger records: milliseconds, as durable ledgers keep them. */
  Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /** A failure's message, without future wrappers, or its type when it has none. */
  static String describe(Throwable error) {
    Throwable t = Futures.unwrap(error);
    String message = t.getMessage();
    return message == null ? t.getClass().getSimpleName() : message;
  }
}
