package io.x402j.spring.client;

import io.x402j.client.Payer;
import io.x402j.client.PaymentAnswerLostException;
import io.x402j.client.PaymentAuthorization;
import io.x402j.client.PaymentChallenge;
import io.x402j.client.PaymentRefusedException;
import io.x402j.client.SignInAuthorization;
import io.x402j.core.X402Exception;
import io.x402j.core.support.Text;
import io.x402j.core.wire.SettleResponse;
import io.x402j.spring.client.internal.BodyCapture;
import io.x402j.spring.client.internal.Challenges;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.ExchangeFunctions;
import org.springframework.web.reactive.function.client.ExchangeStrategies;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Pays 402 answers in Spring's {@code WebClient}, with the same {@link Payer} and the same promises
 * as {@code X402Client} and {@link X402ClientHttpRequestInterceptor}: at most one payment and one
 * paid retry per call, no payment for a request that already carries one, no retry of a paid
 * request whatever its answer. A call subscribed to again below the {@code WebClient} (a retrying
 * filter installed before this one) sends the payment it already made again rather than sign a
 * second one; a new call (a {@code retry()} on the {@code WebClient}'s own {@code Mono}) is a new
 * payment.
 *
 * <pre>{@code
 * WebClient http = WebClient.builder().filter(X402ExchangeFilterFunction.of(payer)).build();
 * Mono<String> weather = http.get().uri("https://api.example/weather")
 *     .retrieve().bodyToMono(String.class);
 * }</pre>
 *
 * <p>Nothing blocks the calling thread, which may be an event loop: the payer's work that may block
 * or take CPU (signing, with a keystore or a remote signer; the spend log's file; the on-chain
 * check of an {@code upto} receipt) runs on a {@linkplain Builder#scheduler bounded scheduler}
 * (default {@link Schedulers#boundedElastic()}).
 *
 * <p>The request body is captured as it is first written (at most {@link Builder#maxRequestBytes})
 * and sent again, byte for byte, with the payment; a larger body, or one the server answered before
 * it was all sent, is not paid for. A payment that may not be made fails the call with {@link
 * PaymentRefusedException} naming why; nothing was signed or spent then.
 *
 * <p>Redirects: the request carrying a payment (or a sign-in, or a payment header the caller added)
 * goes through the {@linkplain Builder#paidConnector paid connector}, which must not follow
 * redirects, so a payment is never carried to another server; a redirect answering it is returned
 * as it is. The first request goes down the filter chain to the client's own connector; the URL it
 * was sent to is the one paid, so give the client a connector that does not follow redirects (the
 * default of Reactor Netty's) as well.
 */
public final class X402ExchangeFilterFunction implements ExchangeFilterFunction {
  private static final Logger LOG = LoggerFactory.getLogger(X402ExchangeFilterFunction.class);

  private final Payer payer;
  private final ExchangeFunction paid;
  private final Scheduler scheduler;
  private final int maxRequestBytes;
  private final int max402Bytes;

  private X402ExchangeFilterFunction(Builder b) {
    this.payer = b.payer;
    ClientHttpConnector connector =
        b.paidConnector != null
            ? b.paidConnector
            : new JdkClientHttpConnector(
                HttpClient.newBuilder()
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build());
    this.paid =
        ExchangeFunctions.create(
            connector, b.strategies != null ? b.strategies : ExchangeStrategies.withDefaults());
    this.scheduler = b.scheduler != null ? b.scheduler : Schedulers.boundedElastic();
    this.maxRequestBytes = b.maxRequestBytes;
    this.max402Bytes = b.max402Bytes;
  }

  /** A filter paying with {@code payer}, with the defaults. */
  public static X402ExchangeFilterFunction of(Payer payer) {
    return builder(payer).build();
  }

  /** Starts a filter paying with {@code payer}. */
  public static Builder builder(Payer payer) {
    return new Builder(payer);
  }

  /** The payer. */
  public Payer payer() {
    return payer;
  }

  @Override
  public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
    if (Challenges.carriesPayment(request.headers())) {
      // Paid by the caller: sent as it is, but never carried to another origin by a redirect.
      return paid.exchange(request);
    }
    // One call, one payment: subscribed to again (a retrying filter before this one), the call
    // sends the payment it already made, never a second one; the body is captured afresh each time.
    Call call = new Call();
    return Mono.defer(
        () -> {
          BodyCapture capture = new BodyCapture(maxRequestBytes);
          ClientRequest first =
              ClientRequest.from(request).body(capture.capturing(request.body())).build();
          return next.exchange(first)
              .flatMap(
                  answer ->
                      answer.statusCode().value() != 402
                          ? Mono.just(answer)
                          : read402(answer)
                              .flatMap(
                                  bytes -> {
                                    HttpHeaders headers = answer.headers().asHttpHeaders();
                                    PaymentChallenge challenge =
                                        new PaymentChallenge(
                                            request.url(), Challenges.headers(headers), bytes);
                                    return onPaymentRequired(
                                        call, request, capture, answer, challenge);
                                  }));
        });
  }

  /** What one call (one {@code filter} invocation) has paid, across its subscriptions. */
  private static final class Call {
    private PaymentAuthorization authorization;

    /** The call's payment: the one it made, else a new one from {@code payer}. */
    synchronized PaymentAuthorization authorization(Payer payer, PaymentChallenge challenge) {
      if (authorization == null) {
        authorization = payer.authorize(challenge);
      }
      return authorization;
    }
  }

  /** The 402's body, at most {@code max402Bytes} of it. */
  private Mono<byte[]> read402(ClientResponse answer) {
    return DataBufferUtils.join(
            DataBufferUtils.takeUntilByteCount(
                answer.body(BodyExtractors.toDataBuffers()), max402Bytes))
        .map(
            buffer -> {
              try {
                byte[] bytes = new byte[buffer.readableByteCount()];
                buffer.read(bytes);
                return bytes;
              } finally {
                DataBufferUtils.release(buffer);
              }
            })
        .defaultIfEmpty(new byte[0]);
  }

  private Mono<ClientResponse> onPaymentRequired(
      Call call,
      ClientRequest request,
      BodyCapture capture,
      ClientResponse answer,
      PaymentChallenge challenge) {
    URI answered = challenge.url();
    Optional<String> unsendable = capture.whyNotResendable();
    if (unsendable.isPresent()) {
      return Mono.error(
          new PaymentRefusedException(answered.toString(), List.of(unsendable.get())));
    }
    return Mono.fromCallable(() -> payer.signIn(challenge))
        .subscribeOn(scheduler)
        .flatMap(
            signIn -> {
              if (signIn.isEmpty()) {
                return pay(call, request, capture, answer, challenge);
              }
              SignInAuthorization s = signIn.get();
              return paid.exchange(resend(request, capture, s.headerName(), s.headerValue()))
                  .flatMap(
                      second -> {
                        if (second.statusCode().value() != 402) {
                          return Mono.just(second);
                        }
                        LOG.debug("{} did not admit {}: paying", answered, s.address());
                        return second
                            .releaseBody()
                            .then(Mono.defer(() -> pay(call, request, capture, answer, challenge)));
                      });
            });
  }

  private Mono<ClientResponse> pay(
      Call call,
      ClientRequest request,
      BodyCapture capture,
      ClientResponse answer,
      PaymentChallenge challenge) {
    URI answered = challenge.url();
    return Mono.fromCallable(() -> Optional.of(call.authorization(payer, challenge)))
        .subscribeOn(scheduler)
        .onErrorResume(
            e -> e instanceof X402Exception && !(e instanceof PaymentRefusedException),
            e -> {
              // A 402 without x402 requirements: not ours to pay; the caller gets it as it came.
              LOG.debug("unpayable 402 from {}: {}", answered, Text.quote(e.getMessage()));
              return Mono.just(Optional.empty());
            })
        .flatMap(
            authorized -> {
              if (authorized.isEmpty()) {
                return Mono.just(replay(answer, challenge.body()));
              }
              PaymentAuthorization authorization = authorized.get();
              return paid.exchange(
                      resend(
                          request,
                          capture,
                          authorization.headerName(),
                          authorization.headerValue()))
                  // The payment left: a failure from here on must not read as "nothing was paid".
                  .onErrorMap(e -> new PaymentAnswerLostException(answered, authorization, e))
                  .flatMap(
                      response ->
                          Mono.fromCallable(
                                  () -> {
                                    HttpHeaders h = response.headers().asHttpHeaders();
                                    SettleResponse receipt =
                                        Payer.receipt(name -> Optional.ofNullable(h.getFirst(name)))
                                            .orElse(null);
                                    // Lowers an upto reserve to what was charged, when the chain
                                    // confirms it (JSON-RPC reads: off the event loop).
                                    payer.paid(
                                        authorization, response.statusCode().value(), receipt);
                                    return response;
                                  })
                              .subscribeOn(scheduler));
            });
  }

  private static ClientRequest resend(
      ClientRequest request, BodyCapture capture, String header, String value) {
    return ClientRequest.from(request).header(header, value).body(capture.replaying()).build();
  }

  private static ClientResponse replay(ClientResponse answer, byte[] body) {
    DataBuffer buffer = DefaultDataBufferFactory.sharedInstance.wrap(body);
    return answer.mutate().body(Flux.just(buffer)).build();
  }

  /** Builds an {@link X402ExchangeFilterFunction}. */
  public static final class Builder {
    private final Payer payer;
    private ClientHttpConnector paidConnector;
    private ExchangeStrategies strategies;
    private Scheduler scheduler;
    private int maxRequestBytes = 10 * 1024 * 1024;
    private int max402Bytes = 1024 * 1024;

    private Builder(Payer payer) {
      this.payer = Objects.requireNonNull(payer, "payer");
    }

    /**
     * The connector that sends requests carrying a payment or sign-in. It must not follow redirects
     * (else a redirect carries the payment wherever it points). Default: a JDK {@code HttpClient}
     * that never follows, with a 10 s connect timeout.
     */
    public Builder paidConnector(ClientHttpConnector connector) {
      this.paidConnector = Objects.requireNonNull(connector, "connector");
      return this;
    }

    /** The codecs the paid answer is read with (default: Spring's defaults). */
    public Builder exchangeStrategies(ExchangeStrategies strategies) {
      this.strategies = Objects.requireNonNull(strategies, "strategies");
      return this;
    }

    /**
     * Where the payer's possibly blocking work runs (signing, the spend log, on-chain reads):
     * default {@link Schedulers#boundedElastic()}. Never an event loop.
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** The largest request body sent again with a payment (default 10 MiB). */
    public Builder maxRequestBytes(int bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("maxRequestBytes must be >= 0, got " + bytes);
      }
      this.maxRequestBytes = bytes;
      return this;
    }

    /** The largest 402 answer read (default 1 MiB). */
    public Builder max402Bytes(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("max402Bytes must be > 0, got " + bytes);
      }
      this.max402Bytes = bytes;
      return this;
    }

    /** The filter. */
    public X402ExchangeFilterFunction build() {
      return new X402ExchangeFilterFunction(this);
    }
  }
}
