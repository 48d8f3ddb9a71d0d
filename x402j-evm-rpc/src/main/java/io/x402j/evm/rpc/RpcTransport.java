package io.x402j.evm.rpc;

import io.x402j.core.support.Futures;
import io.x402j.core.support.HttpExchanges;
import io.x402j.core.support.LimitedBody;
import io.x402j.evm.rpc.RpcException.Kind;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Sends one JSON-RPC request over HTTP and retries it only when that is safe. Each attempt has a
 * timeout; a failed attempt is classified ({@link Kind#UNREACHABLE}, {@link Kind#TIMEOUT}, ...),
 * reported to the failure listener, and retried after an exponential backoff on the next node round
 * the list: reads on any transport failure, 429/502/503/504 or a rate-limit error; writes only when
 * no connection was made, so the request provably never left. Messages name nodes redacted.
 * Immutable and thread-safe.
 */
final class RpcTransport {
  private final List<RpcEndpoint> endpoints;
  private final HttpClient http;
  private final Duration timeout;
  private final int maxAttempts;
  private final Duration backoff;
  private final int maxResponseBytes;
  private final Consumer<RpcException> onFailure;
  private final RpcRequestWriter writer = new RpcRequestWriter();
  private final RpcResponseReader reader;
  private final AtomicLong ids = new AtomicLong();

  /** What one attempt came to: the node's answers, or a failure of the request as a whole. */
  private sealed interface Outcome {}

  /** The node answered; each call's result or error object, in call order. */
  private record Answered(List<RpcResult> results) implements Outcome {}

  /** The request failed as a whole; already reported to the failure listener. */
  private record Failed(RpcException failure) implements Outcome {}

  RpcTransport(
      List<RpcEndpoint> endpoints,
      HttpClient http,
      Duration timeout,
      int maxAttempts,
      Duration backoff,
      int maxResponseBytes,
      Consumer<RpcException> onFailure) {
    this.endpoints = List.copyOf(endpoints);
    this.http = http;
    this.timeout = timeout;
    this.maxAttempts = maxAttempts;
    this.backoff = backoff;
    this.maxResponseBytes = maxResponseBytes;
    this.onFailure = onFailure;
    this.reader = new RpcResponseReader(maxResponseBytes);
  }

  /**
   * Sends {@code calls} as one request, retrying as described above; {@code allReads} says whether
   * every call only reads chain state.
   */
  CompletableFuture<List<RpcResult>> send(List<RpcCall> calls, boolean allReads) {
    long firstId = ids.getAndAdd(calls.size());
    String body = writer.encode(calls, firstId);
    return attempt(calls, firstId, body, allReads, 1);
  }

  private CompletableFuture<List<RpcResult>> attempt(
      List<RpcCall> calls, long firstId, String body, boolean allReads, int attempt) {
    // Retries go round the configured nodes, so a fallback serves when the first is down.
    RpcEndpoint endpoint = endpoints.get((attempt - 1) % endpoints.size());
    HttpRequest request =
        HttpRequest.newBuilder(endpoint.uri())
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
    String method =
        calls.get(0).method() + (calls.size() > 1 ? " (batch of " + calls.size() + ")" : "");
    return HttpExchanges.send(http, request, LimitedBody.handler(maxResponseBytes))
        .orTimeout(timeout.toMillis() + 250, TimeUnit.MILLISECONDS)
        .<Outcome>handle(
            (response, error) -> {
              try {
                if (error != null) {
                  throw transportFailure(endpoint.redacted(), method, Futures.unwrap(error));
                }
                return new Answered(
                    reader.read(endpoint.redacted(), method, calls.size(), firstId, response));
              } catch (RpcException e) {
                onFailure.accept(e);
                return new Failed(e);
              }
            })
        .thenCompose(
            outcome -> {
              if (outcome instanceof Failed failed) {
                if (attempt < maxAttempts && retryable(failed.failure(), allReads)) {
                  return retryLater(calls, firstId, body, allReads, attempt);
                }
                return CompletableFuture.failedFuture(failed.failure());
              }
              List<RpcResult> results = ((Answered) outcome).results();
              boolean rateLimited =
                  results.stream().anyMatch(r -> !r.ok() && r.error().isRateLimited());
              if (rateLimited && allReads && attempt < maxAttempts) {
                return retryLater(calls, firstId, body, allReads, attempt);
              }
              return CompletableFuture.completedFuture(results);
            });
  }

  private CompletableFuture<List<RpcResult>> retryLater(
      List<RpcCall> calls, long firstId, String body, boolean allReads, int attempt) {
    long delay = backoff.toMillis() << Math.min(attempt - 1, 10);
    return CompletableFuture.supplyAsync(
            () -> null,
            CompletableFuture.delayedExecutor(Math.min(delay, 2000), TimeUnit.MILLISECONDS))
        .thenCompose(ignored -> attempt(calls, firstId, body, allReads, attempt + 1));
  }

  private static boolean retryable(RpcException failure, boolean allReads) {
    switch (failure.kind()) {
      case UNREACHABLE:
        return true; // nothing was sent, so even a write may go again
      case CONNECTION_LOST:
      case TIMEOUT:
        return allReads;
      case HTTP_STATUS:
        int status = failure.httpStatus();
        return allReads && (status == 429 || status == 502 || status == 503 || status == 504);
      default:
        return false;
    }
  }

  private RpcException transportFailure(String node, String method, Throwable cause) {
    String where = method + " on " + node;
    if (cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException) {
      return new RpcException(
          Kind.UNREACHABLE, method, 0, null, where + ": node unreachable", cause);
    }
    if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
      return new RpcException(
          Kind.TIMEOUT,
          method,
          0,
          null,
          where + ": no answer within " + timeout.toMillis() + " ms",
          cause);
    }
    if (cause instanceof LimitedBody.TooLargeException) {
      return new RpcException(
          Kind.BAD_RESPONSE, method, 0, null, where + ": " + cause.getMessage(), cause);
    }
    return new RpcException(
        Kind.CONNECTION_LOST,
        method,
        0,
        null,
        where + ": connection failed (" + cause.getClass().getSimpleName() + ")",
        cause);
  }
}
