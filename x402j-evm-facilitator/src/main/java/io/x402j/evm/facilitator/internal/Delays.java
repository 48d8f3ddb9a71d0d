package io.x402j.evm.facilitator.internal;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The waits of settlements that look again later (at another attempt's claim of their payment, or
 * at a balance committed to settlements in flight), on the injected scheduler so tests drive them.
 * Invariant: once {@link #close() closed}, every wait still running and every wait asked for later
 * completes exceptionally at once, so no settlement waits on a stopped facilitator. Not part of the
 * x402j API.
 */
public final class Delays {
  private final ScheduledExecutorService scheduler;
  private final Set<CompletableFuture<Void>> delays = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** Waits on {@code scheduler}. */
  public Delays(ScheduledExecutorService scheduler) {
    this.scheduler = scheduler;
  }

  /**
   * Completes after {@code duration} on the injected scheduler (so tests drive it), on whose thread
   * the continuation starts: every continuation hands its work to the blocking executor at once.
   */
  public CompletableFuture<Void> delay(Duration duration) {
    CompletableFuture<Void> elapsed = new CompletableFuture<>();
    delays.add(elapsed);
    elapsed.whenComplete((ignored, error) -> delays.remove(elapsed));
    if (closed) {
      elapsed.completeExceptionally(new IllegalStateException("the facilitator was closed"));
      return elapsed;
    }
    try {
      Runnable elapse = () -> elapsed.complete(null);
      scheduler.schedule(elapse, duration.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      elapsed.completeExceptionally(closed);
    }
    return elapsed;
  }

  /** Ends every wait, now and later, with "the facilitator was closed". */
  public void close() {
    closed = true;
    IllegalStateException stopped = new IllegalStateException("the facilitator was closed");
    delays.forEach(delay -> delay.completeExceptionally(stopped));
  }
}
