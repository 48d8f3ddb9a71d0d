package io.x402j.mcp.internal;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * A response body read for an agent: at most {@code limit + 1} bytes are kept (one more than is
 * shown, to know it was cut), then the rest is not read; and the body ends at a deadline whatever
 * the server does. A hostile server can neither fill the memory nor hang the tool with its body,
 * and the response (with what was paid for it) still completes.
 */
final class CappedBody implements HttpResponse.BodySubscriber<CappedBody.Read> {
  /** What was read: the bytes kept, and whether the deadline ended the body. */
  record Read(byte[] bytes, boolean timedOut) {}

  private final int keep;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final CompletableFuture<Read> result = new CompletableFuture<>();
  private Flow.Subscription subscription;

  /** A handler reading at most {@code limit + 1} bytes of a body, for at most {@code deadline}. */
  static HttpResponse.BodyHandler<Read> handler(int limit, Duration deadline) {
    return info -> new CappedBody(limit, deadline);
  }

  private CappedBody(int limit, Duration deadline) {
    this.keep = limit + 1;
    CompletableFuture.delayedExecutor(deadline.toMillis(), TimeUnit.MILLISECONDS)
        .execute(() -> finish(true));
  }

  @Override
  public CompletionStage<Read> getBody() {
    return result;
  }

  @Override
  public synchronized void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (result.isDone()) {
      s.cancel();
    } else {
      s.request(Long.MAX_VALUE);
    }
  }

  @Override
  public synchronized void onNext(List<ByteBuffer> items) {
    for (ByteBuffer b : items) {
      int n = Math.min(b.remaining(), keep - out.size());
      byte[] a = new byte[n];
      b.get(a);
      out.write(a, 0, n);
    }
    if (out.size() >= keep) {
      finish(false); // enough to show and to know it was cut: the rest is not read
    }
  }

  @Override
  public void onError(Throwable t) {
    result.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    finish(false);
  }

  private synchronized void finish(boolean timedOut) {
    if (result.isDone()) {
      return;
    }
    result.complete(new Read(out.toByteArray(), timedOut));
    if (subscription != null) {
      subscription.cancel();
    }
  }
}
