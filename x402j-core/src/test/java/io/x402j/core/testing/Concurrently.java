package io.x402j.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** Runs tasks on their own threads, released at the same instant, for race tests. */
public final class Concurrently {
  private Concurrently() {}

  /**
   * Runs {@code count} tasks made by {@code task} (given their index) at once and returns their
   * results in order; each must finish within a minute.
   */
  public static <T> List<T> run(int count, IntFunction<Callable<T>> task) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(count);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<T>> futures = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        Callable<T> body = task.apply(i);
        futures.add(
            threads.submit(
                () -> {
                  start.await();
                  return body.call();
                }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      threads.shutdownNow();
    }
  }
}
