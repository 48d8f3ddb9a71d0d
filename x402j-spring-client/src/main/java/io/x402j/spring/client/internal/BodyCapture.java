package io.x402j.spring.client.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.http.client.reactive.ClientHttpRequestDecorator;
import org.springframework.web.reactive.function.BodyInserter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A WebClient request body as it was first written, kept (up to a limit) to be sent again with a
 * payment, byte for byte, with the headers its writer set (its content type).
 */
public final class BodyCapture {
  private final int limit;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private volatile HttpHeaders written;
  private volatile boolean complete;
  private volatile boolean overflow;

  /** A capture of at most {@code limit} bytes. */
  public BodyCapture(int limit) {
    this.limit = limit;
  }

  /** {@code inserter}, writing through this capture. */
  public BodyInserter<?, ? super ClientHttpRequest> capturing(
      BodyInserter<?, ? super ClientHttpRequest> inserter) {
    return (out, context) -> inserter.insert(new Capturing(out), context);
  }

  /** Why the body cannot be sent again, if it cannot. */
  public Optional<String> whyNotResendable() {
    if (overflow) {
      return Optional.of(
          "the request body is larger than the "
              + limit
              + " bytes the WebClient filter sends again with a payment");
    }
    if (!complete) {
      return Optional.of(
          "the server answered 402 before the request body was all sent, so it cannot be sent"
              + " again with a payment");
    }
    return Optional.empty();
  }

  /** Writes the captured body, with the headers its first writer set. */
  public BodyInserter<Void, ClientHttpRequest> replaying() {
    return (out, context) -> {
      HttpHeaders first = written;
      if (first != null) {
        first.forEach(
            (name, values) -> {
              if (!out.getHeaders().containsKey(name)) {
                out.getHeaders().put(name, values);
              }
            });
      }
      byte[] body;
      synchronized (bytes) {
        body = bytes.toByteArray();
      }
      if (first == null) {
        return out.setComplete();
      }
      return out.writeWith(Mono.fromSupplier(() -> out.bufferFactory().wrap(body)));
    };
  }

  private void keep(DataBuffer buffer) {
    int n = buffer.readableByteCount();
    synchronized (bytes) {
      if (overflow) {
        return;
      }
      if (bytes.size() + (long) n > limit) {
        overflow = true;
        bytes.reset();
        return;
      }
      byte[] copy = new byte[n];
      buffer.toByteBuffer(buffer.readPosition(), ByteBuffer.wrap(copy), 0, n);
      bytes.write(copy, 0, n);
    }
  }

  private static HttpHeaders copy(HttpHeaders headers) {
    HttpHeaders copy = new HttpHeaders();
    copy.addAll(headers);
    return copy;
  }

  private final class Capturing extends ClientHttpRequestDecorator {
    Capturing(ClientHttpRequest delegate) {
      super(delegate);
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
      written = copy(getDelegate().getHeaders());
      return super.writeWith(Flux.from(body).doOnNext(BodyCapture.this::keep))
          .doOnSuccess(v -> complete = true);
    }

    @Override
    public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
      written = copy(getDelegate().getHeaders());
      return super.writeAndFlushWith(
              Flux.from(body).map(part -> Flux.from(part).doOnNext(BodyCapture.this::keep)))
          .doOnSuccess(v -> complete = true);
    }

    @Override
    public Mono<Void> setComplete() {
      return super.setComplete().doOnSuccess(v -> complete = true);
    }
  }
}
