package io.x402j.jetty;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * A console's data computed at most once per interval, however many ask: every open page polls its
 * JSON every {@link #POLL} and each answer costs database queries and chain reads, so N open tabs
 * share one computation per interval instead of making N.
 *
 * <p>Rules: an answer is reused for {@code interval} after it was computed (by the injected clock;
 * a clock that went back counts as expired). A caller that arrives while the answer is being
 * computed waits for that computation rather than starting another. A failure is handed to the
 * callers that waited for it and is never kept: the next caller computes again. Holds one answer,
 * so its memory is bounded. Thread-safe; the computation runs outside the lock.
 *
 * @param <T> what is computed; shared by every caller, so never modified after it is returned
 */
public final class AdminSnapshot<T> {
  /** How often the console pages poll their JSON (their {@code data-every}), and the default. */
  public static final Duration POLL = Duration.ofSeconds(5);

  private final Supplier<T> compute;
  private final Duration interval;
  private final Clock clock;

  // Guarded by this.
  private CompletableFuture<T> current;
  private Instant computedAt;

  private AdminSnapshot(Supplier<T> compute, Duration interval, Clock clock) {
    this.compute = Objects.requireNonNull(compute, "compute");
    this.interval = Objects.requireNonNull(interval, "interval");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (interval.isNegative()) {
      throw new IllegalArgumentException("interval must not be negative, got " + interval);
    }
  }

  /** {@code compute}'s answer, reused for {@code interval} as timed by {@code clock}. */
  public static <T> AdminSnapshot<T> of(Supplier<T> compute, Duration interval, Clock clock) {
    return new AdminSnapshot<>(compute, interval, clock);
  }

  /**
   * The answer: the one computed less than the interval ago, the one being computed, or a new one.
   *
   * @throws RuntimeException what the computation threw (also to those who waited for it)
   */
  public T get() {
    CompletableFuture<T> mine = null;
    CompletableFuture<T> answer;
    synchronized (this) {
      Instant now = clock.instant();
      if (current == null || current.isDone() && !fresh(now)) {
        mine = new CompletableFuture<>();
        current = mine;
        computedAt = null;
      }
      answer = current;
    }
    if (mine != null) {
      compute(mine);
    }
    try {
      return answer.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  private boolean fresh(Instant now) {
    return computedAt != null
        && !now.isBefore(computedAt)
        && now.isBefore(computedAt.plus(interval));
  }

  private void compute(CompletableFuture<T> mine) {
    T value;
    try {
      value = compute.get();
    } catch (RuntimeException | Error e) {
      synchronized (this) {
        if (current == mine) {
          current = null; // not kept: the next caller tries again
        }
      }
      mine.completeExceptionally(e);
      return;
    }
    synchronized (this) {
      if (current == mine) {
        computedAt = clock.instant();
      }
    }
    mine.complete(value);
  }
}
