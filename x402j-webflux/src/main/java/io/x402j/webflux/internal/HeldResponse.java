package io.x402j.webflux.internal;

import io.x402j.server.SettlementOverride;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A paid handler's response, held in memory until its payment is settled: status, headers, cookies
 * and at most {@code maxBytes} of body. Nothing reaches the connection's response until the filter
 * releases it. It is deliberately not a {@code ServerHttpResponseDecorator}: code that unwraps
 * decorators to the server's native response (zero-copy file writes, WebSocket upgrades) cannot get
 * past it, so it cannot write around the payment. A body over the limit fails the handler's write
 * with {@link TooLargeException}, releases what was held and marks the response {@linkplain
 * #tooLarge() too large}, even if the handler swallows the error. Not part of the x402j API.
 */
public final class HeldResponse implements ServerHttpResponse {
  /** The handler wrote more than the buffer holds. */
  public static final class TooLargeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooLargeException(int limit) {
      super("the paid response is larger than the payment buffer (" + limit + " bytes)");
    }
  }

  private final DataBufferFactory buffers;
  private final int maxBytes;
  private final HttpHeaders headers = new HttpHeaders();
  private final MultiValueMap<String, ResponseCookie> cookies = new LinkedMultiValueMap<>();
  private final List<Supplier<? extends Mono<Void>>> beforeCommit = new ArrayList<>();
  private HttpStatusCode status;
  private byte[] body = new byte[0];
  private int size;
  private volatile boolean committed;
  private volatile boolean tooLarge;

  /** A held response whose buffers come from {@code buffers}, holding at most {@code maxBytes}. */
  public HeldResponse(DataBufferFactory buffers, int maxBytes) {
    this.buffers = buffers;
    this.maxBytes = maxBytes;
  }

  @Override
  public boolean setStatusCode(HttpStatusCode status) {
    if (committed) {
      return false;
    }
    this.status = status;
    return true;
  }

  @Override
  public HttpStatusCode getStatusCode() {
    return status;
  }

  /** The status the handler set, 200 when it set none. */
  public int status() {
    return status == null ? HttpStatus.OK.value() : status.value();
  }

  @Override
  public MultiValueMap<String, ResponseCookie> getCookies() {
    return cookies;
  }

  @Override
  public void addCookie(ResponseCookie cookie) {
    if (!committed) {
      cookies.add(cookie.getName(), cookie);
    }
  }

  @Override
  public HttpHeaders getHeaders() {
    return headers;
  }

  @Override
  public DataBufferFactory bufferFactory() {
    return buffers;
  }

  @Override
  public void beforeCommit(Supplier<? extends Mono<Void>> action) {
    beforeCommit.add(action);
  }

  @Override
  public boolean isCommitted() {
    return committed;
  }

  @Override
  public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
    return commit().thenMany(Flux.from(body)).doOnNext(this::append).then();
  }

  @Override
  public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
    return writeWith(Flux.from(body).concatMap(Flux::from));
  }

  @Override
  public Mono<Void> setComplete() {
    return commit();
  }

  /** Runs the handler's before-commit actions once, as a server does before it sends headers. */
  private Mono<Void> commit() {
    return Mono.defer(
        () -> {
          if (committed) {
            return Mono.empty();
          }
          committed = true;
          return Flux.fromIterable(List.copyOf(beforeCommit))
              .concatMap(Supplier::get)
              .then(Mono.fromRunnable(beforeCommit::clear));
        });
  }

  private void append(DataBuffer buffer) {
    try {
      int n = buffer.readableByteCount();
      if (tooLarge || n > maxBytes - size) {
        tooLarge = true;
        body = new byte[0];
        size = 0;
        throw new TooLargeException(maxBytes);
      }
      if (size + n > body.length) {
        body = Arrays.copyOf(body, Math.min(maxBytes, Math.max(size + n, body.length * 2 + 256)));
      }
      buffer.read(body, size, n);
      size += n;
    } finally {
      DataBufferUtils.release(buffer);
    }
  }

  /** Whether the handler wrote more than the buffer holds. */
  public boolean tooLarge() {
    return tooLarge;
  }

  /** The body held, a copy. */
  public byte[] body() {
    return Arrays.copyOf(body, size);
  }

  /**
   * The handler's {@value SettlementOverride#HEADER} header, which never reaches the payer, or
   * {@code null}.
   *
   * @throws IllegalArgumentException when the handler set it more than once
   */
  public String settlementOverride() {
    List<String> values = headers.get(SettlementOverride.HEADER);
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw new IllegalArgumentException(
          "the handler set " + SettlementOverride.HEADER + " " + values.size() + " times");
    }
    return values.get(0);
  }
}
