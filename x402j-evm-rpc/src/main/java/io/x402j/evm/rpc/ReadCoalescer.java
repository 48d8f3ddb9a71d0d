package io.x402j.evm.rpc;

import io.x402j.core.support.Futures;
import io.x402j.evm.rpc.RpcException.Kind;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Lets concurrent reads share HTTP requests. While fewer than {@code EAGER_REQUESTS} coalesced
 * requests are in flight a read goes at once, so an idle client adds no latency; beyond that, reads
 * wait for a full batch or for a request to come back, and go out together, never more than {@code
 * readRequests} requests at once. Each caller gets exactly its own slice of the results, and a
 * failure of the shared request fails each of them alike. The queue is guarded by one lock that is
 * never held while sending or completing a caller. Thread-safe.
 */
final class ReadCoalescer {
  /** Below this many coalesced requests in flight, waiting reads go at once, however few. */
  private static final int EAGER_REQUESTS = 2;

  private final Function<List<RpcCall>, CompletableFuture<List<RpcResult>>> send;
  private final int readRequests;
  private final int callsPerRequest;
  private final Duration timeout;
  private final String redacted;
  private final Object queueLock = new Object();
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  private int readsInFlight;
  private int callsWaiting;

  /** Reads waiting for a free request, and when they began to wait. */
  private record Waiting(
      List<RpcCall> calls, CompletableFuture<List<RpcResult>> done, long since) {}

  /**
   * @param send sends reads as one request
   * @param readRequests the most coalesced requests in flight; 0 turns coalescing off
   * @param callsPerRequest the most calls in one coalesced request
   * @param timeout how long a read may wait before it fails with {@link Kind#TIMEOUT}
   * @param redacted the node, safe to log
   */
  ReadCoalescer(
      Function<List<RpcCall>, CompletableFuture<List<RpcResult>>> send,
      int readRequests,
      int callsPerRequest,
      Duration timeout,
      String redacted) {
    this.send = send;
    this.readRequests = readRequests;
    this.callsPerRequest = callsPerRequest;
    this.timeout = timeout;
    this.redacted = redacted;
  }

  /** Whether these reads should wait to share a request, rather than go on their own. */
  boolean takes(List<RpcCall> calls) {
    return readRequests != 0 && calls.size() < callsPerRequest;
  }

  /** Queues reads to go out with others; completes with their own results, in order. */
  CompletableFuture<List<RpcResult>> submit(List<RpcCall> calls) {
    Waiting entry = new Waiting(List.copyOf(calls), new CompletableFuture<>(), System.nanoTime());
    synchronized (queueLock) {
      waiting.add(entry);
      callsWaiting += entry.calls().size();
    }
    dispatch();
    return entry.done();
  }

  /**
   * Sends waiting reads, as many per request as fit in {@code callsPerRequest}: at once while fewer
   * than {@code EAGER_REQUESTS} are in flight, else only full batches, and never more than {@code
   * readRequests} in flight. Reads that waited longer than the attempt timeout fail with {@link
   * Kind#TIMEOUT} rather than wait on.
   */
  private void dispatch() {
    while (true) {
      List<Waiting> group = new ArrayList<>();
      List<Waiting> expired = new ArrayList<>();
      synchronized (queueLock) {
        long now = System.nanoTime();
        while (!waiting.isEmpty() && now - waiting.peek().since() > timeout.toNanos()) {
          Waiting gone = waiting.poll();
          callsWaiting -= gone.calls().size();
          expired.add(gone);
        }
        if (!waiting.isEmpty()
            && readsInFlight < readRequests
            && (readsInFlight < EAGER_REQUESTS || callsWaiting >= callsPerRequest)) {
          int size = 0;
          while (!waiting.isEmpty()
              && (group.isEmpty() || size + waiting.peek().calls().size() <= callsPerRequest)) {
            Waiting next = waiting.poll();
            callsWaiting -= next.calls().size();

            group.add(next);
            size += next.calls().size();
          }
          readsInFlight++;
        }
      }
      for (Waiting w : expired) {
        String method = w.calls().get(0).method();
        w.done()
            .completeExceptionally(
                new RpcException(
                    Kind.TIMEOUT,
                    method,
                    0,
                    null,
                    method
                        + " on "
                        + redacted
                        + ": waited over "
                        + timeout.toMillis()
                        + " ms for the node to answer earlier requests",
                    null));
      }
      if (group.isEmpty()) {
        return;
      }
      sendTogether(group);
    }
  }

  private void sendTogether(List<Waiting> group) {
    List<RpcCall> calls = new ArrayList<>();
    for (Waiting w : group) {
      calls.addAll(w.calls());
    }
    CompletableFuture<List<RpcResult>> sent;
    try {
      sent = send.apply(calls);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete(
        (results, error) -> {
          synchronized (queueLock) {
            readsInFlight--;
          }
          dispatch(); // the next group goes out before this one's callers run
          int offset = 0;
          for (Waiting w : group) {
            int n = w.calls().size();
            if (error != null) {
              w.done().completeExceptionally(Futures.unwrap(error));
            } else {
              w.done().complete(List.copyOf(results.subList(offset, offset + n)));
            }
            offset += n;
          }
        });
  }
}
