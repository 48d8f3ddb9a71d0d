package io.x402j.client.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/** Request and response bodies for the paying client. Not part of the x402j API. */
public final class Bodies {
  private Bodies() {}

  /**
   * The bytes a request body publisher produces, so that the request can be sent twice (the
   * original and the paid retry) with the same body.
   *
   * @throws IOException when the body exceeds {@code limit} or the publisher fails
   */
  public static byte[] collect(HttpRequest.BodyPublisher publisher, int limit)
      throws IOException, InterruptedException {
    if (publisher.contentLength() == 0) {
      return new byte[0];
    }
    Collector collector = new Collector(limit);
    publisher.subscribe(collector);
    try {
      return collector.result.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof IOException io
          ? io
          : new IOException("the request body could not be read: " + cause, cause);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IOException("the request body was not produced within 60 s", e);
    }
  }

  private static final class Collector implements Flow.Subscriber<ByteBuffer> {
    final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final int limit;
    private Flow.Subscription subscription;

    Collector(int limit) {
      this.limit = limit;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(ByteBuffer item) {
      if (out.size() + item.remaining() > limit) {
        subscription.cancel();
        result.completeExceptionally(
            new IOException(
                "the request body exceeds " + limit + " bytes, the most x402j resends"));
        return;
      }
      byte[] bytes = new byte[item.remaining()];
      item.get(bytes);
      out.write(bytes, 0, bytes.length);
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(out.toByteArray());
    }
  }

  /**
   * A body subscriber reading at most {@code limit} bytes; a 402 answer larger than that is a
   * protocol error, not something to hold in memory.
   */
  public static HttpResponse.BodySubscriber<byte[]> limited(int limit) {
    return new LimitedSubscriber(limit);
  }

  private static final class LimitedSubscriber implements HttpResponse.BodySubscriber<byte[]> {
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final int limit;
    private Flow.Subscription subscription;

    LimitedSubscriber(int limit) {
      this.limit = limit;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer item : items) {
        if (out.size() + item.remaining() > limit) {
          subscription.cancel();
          result.completeExceptionally(
              new IOException("the 402 answer exceeds " + limit + " bytes"));
          return;
        }
        byte[] bytes = new byte[item.remaining()];
        item.get(bytes);
        out.write(bytes, 0, bytes.length);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(out.toByteArray());
    }
  }
}
