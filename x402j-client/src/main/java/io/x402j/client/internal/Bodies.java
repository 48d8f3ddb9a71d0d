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
    Bytes bytes =
        new Bytes(limit, "the request body exceeds " + limit + " bytes, the most x402j resends");
    publisher.subscribe(
        new Flow.Subscriber<ByteBuffer>() {
          @Override
          public void onSubscribe(Flow.Subscription s) {
            bytes.subscribe(s);
          }

          @Override
          public void onNext(ByteBuffer item) {
            bytes.add(item);
          }

          @Override
          public void onError(Throwable t) {
            bytes.result.completeExceptionally(t);
          }

          @Override
          public void onComplete() {
            bytes.complete();
          }
        });
    try {
      return bytes.result.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof IOException io
          ? io
          : new IOException("the request body could not be read: " + cause, cause);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IOException("the request body was not produced within 60 s", e);
    }
  }

  /**
   * A body subscriber reading at most {@code limit} bytes; a 402 answer larger than that is a
   * protocol error, not something to hold in memory.
   */
  public static HttpResponse.BodySubscriber<byte[]> limited(int limit) {
    Bytes bytes = new Bytes(limit, "the 402 answer exceeds " + limit + " bytes");
    return new HttpResponse.BodySubscriber<>() {
      @Override
      public CompletionStage<byte[]> getBody() {
        return bytes.result;
      }

      @Override
      public void onSubscribe(Flow.Subscription s) {
        bytes.subscribe(s);
      }

      @Override
      public void onNext(List<ByteBuffer> items) {
        items.forEach(bytes::add);
      }

      @Override
      public void onError(Throwable t) {
        bytes.result.completeExceptionally(t);
      }

      @Override
      public void onComplete() {
        bytes.complete();
      }
    };
  }

  /** Bytes gathered up to a limit; past it, the stream is cancelled and the result fails. */
  private static final class Bytes {
    final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final int limit;
    private final String tooLarge;
    private Flow.Subscription subscription;

    Bytes(int limit, String tooLarge) {
      this.limit = limit;
      this.tooLarge = tooLarge;
    }

    void subscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    void add(ByteBuffer item) {
      if (result.isDone()) {
        return;
      }
      if (out.size() + item.remaining() > limit) {
        subscription.cancel();
        result.completeExceptionally(new IOException(tooLarge));
        return;
      }
      byte[] chunk = new byte[item.remaining()];
      item.get(chunk);
      out.write(chunk, 0, chunk.length);
    }

    void complete() {
      result.complete(out.toByteArray());
    }
  }
}
