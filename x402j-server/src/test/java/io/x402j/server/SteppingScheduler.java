package io.x402j.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler that plays time through instead of waiting for it: each delayed task runs at once, on
 * the thread that schedules it, after the {@link ManualClock} moved on by the task's delay. A gate
 * following a pending settlement thus polls exactly as often as its wait and interval allow, with
 * no wall-clock time passing. Records every delay it was asked for.
 */
final class SteppingScheduler extends AbstractExecutorService implements ScheduledExecutorService {
  final List<Duration> delays = Collections.synchronizedList(new ArrayList<>());
  private final ManualClock clock;
  private volatile boolean shutdown;

  SteppingScheduler(ManualClock clock) {
    this.clock = clock;
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    Duration by = Duration.of(delay, unit.toChronoUnit());
    delays.add(by);
    clock.advance(by);
    command.run();
    return new Ran<>(null);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    Duration by = Duration.of(delay, unit.toChronoUnit());
    delays.add(by);
    clock.advance(by);
    try {
      return new Ran<>(callable.call());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    throw new UnsupportedOperationException("the gate schedules one-shot polls only");
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException("the gate schedules one-shot polls only");
  }

  @Override
  public void execute(Runnable command) {
    command.run();
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return shutdown;
  }

  /** A task that has already run. */
  private record Ran<V>(V value) implements ScheduledFuture<V> {
    @Override
    public long getDelay(TimeUnit unit) {
      return 0;
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(0, other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      return false;
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public boolean isDone() {
      return true;
    }

    @Override
    public V get() {
      return value;
    }

    @Override
    public V get(long timeout, TimeUnit unit) {
      return value;
    }
  }
}
