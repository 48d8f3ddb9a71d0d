package io.x402j.svm.facilitator;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler that runs nothing by itself: the test runs each one-shot task when it says time has
 * passed, and reads the delays asked for. Periodic tasks and plain execution are refused.
 */
final class StepScheduler extends AbstractExecutorService implements ScheduledExecutorService {
  private final BlockingQueue<Task> scheduled = new LinkedBlockingQueue<>();
  final List<Duration> delays = new CopyOnWriteArrayList<>();
  private volatile boolean shutdown;

  static final class Task extends FutureTask<Void> implements ScheduledFuture<Void> {
    private final Duration delay;

    Task(Runnable command, Duration delay) {
      super(command, null);
      this.delay = delay;
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

  /**
   * Runs scheduled tasks as they come until {@code future} completes, and returns its value. The
   * code under test schedules each wait after an HTTP answer, so this waits on the queue (never a
   * sleep) between looks at the future.
   */
  <T> T drive(CompletableFuture<T> future) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!future.isDone()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the settlement neither finished nor scheduled anything");
      }
      Task task = scheduled.poll(20, TimeUnit.MILLISECONDS);
      if (task != null) {
        task.run();
      }
    }
    return future.join();
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    Duration d = Duration.ofNanos(unit.toNanos(delay));
    delays.add(d);
    Task task = new Task(command, d);
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
