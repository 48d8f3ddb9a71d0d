package io.x402j.webflux.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The response to a free CORS preflight: its status and its CORS headers ({@code Access-Control-*},
 * {@code Vary}) reach the client, which is all a browser reads of a preflight; a body, cookies or
 * any other header do not. A handler that answers {@code OPTIONS} as if it were {@code GET} thus
 * gives nothing away for free. Like {@link HeldResponse} it is no decorator, so nothing can unwrap
 * it to the server's own response. Not part of the x402j API.
 */
public final class PreflightResponse implements ServerHttpResponse {
  private final ServerHttpResponse delegate;
  private final HttpHeaders headers = new HttpHeaders();
  private final MultiValueMap<String, ResponseCookie> cookies = new LinkedMultiValueMap<>();
  private HttpStatusCode status;
  private volatile boolean committed;

  /** Restricts {@code delegate} to what a preflight answer means. */
  public PreflightResponse(ServerHttpResponse delegate) {
    this.delegate = delegate;
  }

  private static boolean passes(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.startsWith("access-control-") || lower.equals("vary");
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

  @Override
  public MultiValueMap<String, ResponseCookie> getCookies() {
    return cookies;
  }

  @Override
  public void addCookie(ResponseCookie cookie) {
    // a preflight sets no cookies
  }

  @Override
  public HttpHeaders getHeaders() {
    return headers;
  }

  @Override
  public DataBufferFactory bufferFactory() {
    return delegate.bufferFactory();
  }

  @Override
  public void beforeCommit(Supplier<? extends Mono<Void>> action) {
    delegate.beforeCommit(action);
  }

  @Override
  public boolean isCommitted() {
    return committed;
  }

  @Override
  public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
    return Flux.from(body).doOnNext(DataBufferUtils::release).then(setComplete());
  }

  @Override
  public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
    return writeWith(Flux.from(body).concatMap(Flux::from));
  }

  @Override
  public Mono<Void> setComplete() {
    return Mono.defer(
        () -> {
          if (committed) {
            return Mono.empty();
          }
          committed = true;
          if (status != null) {
            delegate.setStatusCode(status);
          }
          for (Map.Entry<String, List<String>> header : headers.headerSet()) {
            if (passes(header.getKey())) {
              delegate.getHeaders().put(header.getKey(), header.getValue());
            }
          }
          return delegate.setComplete();
        });
  }
}
