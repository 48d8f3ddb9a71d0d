package io.x402j.svm.facilitator.internal;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Waits on the injected scheduler, so tests drive them: confirmation polls and looks at another
 * attempt's claim. Once {@link #close() closed}, every wait running or asked for later completes
 * exceptionally at once. Not part of the x402j API.
 */
public final class SvmDelays {
  private final ScheduledExecutorService scheduler;
  private final Set<CompletableFuture<Void>> waiting = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** Waits on {@code scheduler}. */
  public SvmDelays(ScheduledExecutorService scheduler) {
    this.scheduler = scheduler;
  }

  /** Completes after {@code duration}, on the scheduler's thread. */
  public CompletableFuture<Void> after(Duration duration) {
    CompletableFuture<Void> elapsed = new CompletableFuture<>();
    waiting.add(elapsed);
    elapsed.whenComplete((ignored, error) -> waiting.remove(elapsed));
    if (closed) {
      elapsed.completeExceptionally(new IllegalStateException("the facilitator was closed"));
      return elapsed;
    }
    try {
      scheduler.schedule(
          () -> {
            elapsed.complete(null);
          },
          duration.toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      elapsed.completeExceptionally(e);
    }
    return elapsed;
  }

  /** Ends every wait, now and later. */
  public void close() {
    closed = true;
    IllegalStateException stopped = new IllegalStateException("the facilitator was closed");
    waiting.forEach(wait -> wait.completeExceptionally(stopped));
  }
}
