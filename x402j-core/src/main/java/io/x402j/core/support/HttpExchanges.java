package io.x402j.core.support;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Asynchronous HTTP exchanges without a thread per response. {@link HttpClient#sendAsync} hands
 * every response on to {@link CompletableFuture}'s default executor, and on a machine with two
 * cores or fewer (common for containers) that executor starts a new thread for each task. Here the
 * blocking {@link HttpClient#send} runs on a shared pool of reused daemon threads instead, and the
 * future completes on that thread.
 */
public final class HttpExchanges {
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ExecutorService POOL =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "x402j-http-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
          });

  private HttpExchanges() {}

  /**
   * Sends {@code request}. Fails with the exception {@link HttpClient#send} throws, unwrapped where
   * the client wrapped an {@link IOException} of a more specific type (a body handler's own, for
   * example) in a plain one.
   */
  public static <T> CompletableFuture<HttpResponse<T>> send(
      HttpClient http, HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return http.send(request, handler);
          } catch (IOException e) {
            throw new CompletionException(specific(e));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
          }
        },
        POOL);
  }

  /** The shared pool, for work that follows an exchange and may block. */
  public static Executor executor() {
    return POOL;
  }

  private static IOException specific(IOException e) {
    if (e.getClass() == IOException.class && e.getCause() instanceof IOException) {
      return (IOException) e.getCause();
    }
    return e;
  }
}
