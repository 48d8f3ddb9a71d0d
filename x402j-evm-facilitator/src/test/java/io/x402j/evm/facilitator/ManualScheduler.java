package io.x402j.evm.facilitator;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler that runs nothing by itself: the test takes each one-shot task as it is scheduled
 * ({@link #next()} waits for it) and runs it when the scenario says time has passed. Periodic tasks
 * and plain execution are not needed by the tests using it and are refused.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
  private final BlockingQueue<Task> scheduled = new LinkedBlockingQueue<>();
  private volatile boolean shutdown;

  /** A one-shot task and the delay it was scheduled with. */
  static final class Task extends FutureTask<Void> implements ScheduledFuture<Void> {
    private final Duration delay;

    Task(Runnable command, Duration delay) {
      super(command, null);
      this.delay = delay;
    }

    /** The delay it asked for. */
    Duration delay() {
      return delay;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(delay);
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }
  }

  /** The next task scheduled, waiting up to 10 s for the code under test to schedule it. */
  Task next() throws InterruptedException {
    Task task = scheduled.poll(10, TimeUnit.SECONDS);
    if (task == null) {
      fail("nothing was scheduled on the injected scheduler");
    }
    return task;
  }

  /** Whether a task is waiting to be taken. */
  boolean hasScheduled() {
    return !scheduled.isEmpty();
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    Task task = new Task(command, Duration.ofNanos(unit.toNanos(delay)));
    scheduled.add(task);
    return task;
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void execute(Runnable command) {
    throw new UnsupportedOperationException();
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
}
