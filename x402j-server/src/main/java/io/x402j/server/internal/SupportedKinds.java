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
 * facilitator data (the fee payer of exact on Solana): asked once, when first needed, and kept for
 * a while; a failed answer is not kept, so the next request asks again. Thread-safe. Not part of
 * the x402j API.
 */
public final class SupportedKinds {
  /** How long an answer is used before the facilitator is asked again. */
  public static final Duration TTL = Duration.ofMinutes(5);

  private final Facilitator facilitator;
  private final Clock clock;
  private CompletableFuture<SupportedResponse> current;
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
        && !current.isCompletedExceptionally()
        && now.isBefore(askedAt.plus(TTL))
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
    return asked;
  }
}
