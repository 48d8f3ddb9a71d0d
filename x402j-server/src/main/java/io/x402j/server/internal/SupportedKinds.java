package io.x402j.server.internal;

import io.x402j.core.facilitator.Facilitator;
import io.x402j.core.wire.SupportedResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The facilitator's {@code /supported} answer as a gate needs it to price requirements that carry
 * facilitator data (the fee payer of exact on Solana, the facilitator address of upto) or declares
 * what it lists (gas sponsoring on Permit2 routes): asked once, when first needed, and kept for a
 * while. A failed answer is kept only for {@link #RETRY_AFTER}, so a facilitator that is down is
 * not asked again on every 402 of a route that needs the answer (each such request would wait for
 * the failure), yet it is asked again soon. Thread-safe. Not part of the x402j API.
 */
public final class SupportedKinds {
  /** How long an answer is used before the facilitator is asked again. */
  public static final Duration TTL = Duration.ofMinutes(5);

  /** How long a failed answer is kept before the facilitator is asked again. */
  public static final Duration RETRY_AFTER = Duration.ofSeconds(5);

  private final Facilitator facilitator;
  private final Clock clock;
  private CompletableFuture<SupportedResponse> current;

  /** When {@link #current} was asked, or, once it failed, when it failed. */
  private Instant askedAt;

  /** Asks {@code facilitator}, timing answers with {@code clock}. */
  public SupportedKinds(Facilitator facilitator, Clock clock) {
    this.facilitator = Objects.requireNonNull(facilitator, "facilitator");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The facilitator's answer: the kept one, or a new question when none is kept. */
  public synchronized CompletableFuture<SupportedResponse> get() {
    Instant now = clock.instant();
    if (current != null
        && now.isBefore(askedAt.plus(current.isCompletedExceptionally() ? RETRY_AFTER : TTL))
        && !now.isBefore(askedAt)) {
      return current;
    }
    CompletableFuture<SupportedResponse> asked;
    try {
      asked = Objects.requireNonNull(facilitator.supported(), "supported() gave null");
    } catch (RuntimeException e) {
      asked = CompletableFuture.failedFuture(e);
    }
    current = asked;
    askedAt = now;
    CompletableFuture<SupportedResponse> question = asked;
    asked.whenComplete(
        (answer, error) -> {
          if (error != null) {
            failed(question);
          }
        });
    return asked;
  }

  /** A failed answer is kept for {@link #RETRY_AFTER} from its failure, however long it took. */
  private synchronized void failed(CompletableFuture<SupportedResponse> question) {
    if (current == question) {
      askedAt = clock.instant();
    }
  }
}
