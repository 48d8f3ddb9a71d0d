package io.x402j.client.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLSession;

/**
 * An HTTP response whose body was read as bytes and is handed to the caller's body handler
 * afterwards. Not part of the x402j API.
 */
public final class Replayed<T> implements HttpResponse<T> {
  private final HttpResponse<?> original;
  private final T body;

  private Replayed(HttpResponse<?> original, T body) {
    this.original = original;
    this.body = body;
  }

  /** {@code original} with {@code bytes} run through {@code handler}. */
  public static <T> CompletableFuture<HttpResponse<T>> of(
      HttpResponse<?> original, byte[] bytes, HttpResponse.BodyHandler<T> handler) {
    HttpResponse.BodySubscriber<T> subscriber =
        handler.apply(
            new HttpResponse.ResponseInfo() {
              @Override
              public int statusCode() {
                return original.statusCode();
              }

              @Override
              public HttpHeaders headers() {
                return original.headers();
              }

              @Override
              public HttpClient.Version version() {
                return original.version();
              }
            });
    subscriber.onSubscribe(
        new Flow.Subscription() {
          @Override
          public void request(long n) {}

          @Override
          public void cancel() {}
        });
    if (bytes.length > 0) {
      subscriber.onNext(List.of(ByteBuffer.wrap(bytes)));
    }
    subscriber.onComplete();
    return subscriber.getBody().toCompletableFuture().thenApply(b -> new Replayed<>(original, b));
  }

  /** {@code original} with an already converted body. */
  public static <T> HttpResponse<T> withBody(HttpResponse<?> original, T body) {
    return new Replayed<>(original, body);
  }

  @Override
  public int statusCode() {
    return original.statusCode();
  }

  @Override
  public HttpRequest request() {
    return original.request();
  }

  @Override
  public Optional<HttpResponse<T>> previousResponse() {
    return Optional.empty();
  }

  @Override
  public HttpHeaders headers() {
    return original.headers();
  }

  @Override
  public T body() {
    return body;
  }

  @Override
  public Optional<SSLSession> sslSession() {
    return original.sslSession();
  }

  @Override
  public URI uri() {
    return original.uri();
  }

  @Override
  public HttpClient.Version version() {
    return original.version();
  }
}
