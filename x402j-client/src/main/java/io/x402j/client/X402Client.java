package io.x402j.client;

import io.x402j.client.internal.Bodies;
import io.x402j.client.internal.Replayed;
import io.x402j.core.X402Exception;
import io.x402j.core.support.Futures;
import io.x402j.core.support.Text;
import io.x402j.core.wire.PaymentHeader;
import io.x402j.core.wire.SettleResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP client that pays x402 resources: a request answered with 402 is paid by the {@link Payer}
 * and sent once more with the payment; the final response comes back with what was paid and the
 * server's receipt. It pays at most once per request and never retries a paid request, whatever the
 * answer (a second 402, an error). A request that already carries a payment header is sent as it
 * is. The request body is read once and sent identically both times. Immutable and thread-safe.
 *
 * <p>Redirects: the first request follows them as the {@link HttpClient} is configured to, and the
 * URL that finally answered 402 is the one paid (its host's budget is spent) and sent the paid
 * request. A request carrying a payment never follows a redirect, so the payment cannot be carried
 * to another server: a redirect answering it is returned as it is, to be followed, unpaid, by the
 * caller. (An {@code HttpClient} that follows redirects re-sends every header to wherever they
 * point; for requests with a payment this client uses one that does not, with the same settings.)
 *
 * <pre>{@code
 * X402Client client = X402Client.builder(payer).build();
 * PaidResponse<String> r = client.send(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString());
 * r.paid().ifPresent(p -> log.info("paid {}", p.describe()));
 * }</pre>
 */
public final class X402Client {
  private static final Logger LOG = LoggerFactory.getLogger(X402Client.class);

  private final HttpClient http;
  private final HttpClient paidHttp;
  private final Payer payer;
  private final boolean dryRun;
  private final int maxRequestBytes;
  private final int max402Bytes;

  private X402Client(Builder b) {
    this.http = b.http != null ? b.http : HttpClient.newHttpClient();
    this.paidHttp = withoutRedirects(http);
    this.payer = b.payer;
    this.dryRun = b.dryRun;
    this.maxRequestBytes = b.maxRequestBytes;
    this.max402Bytes = b.max402Bytes;
  }

  /** Starts a client paying with {@code payer}. */
  public static Builder builder(Payer payer) {
    return new Builder(payer);
  }

  /** The payer. */
  public Payer payer() {
    return payer;
  }

  /**
   * Sends {@code request}, paying if asked.
   *
   * @throws PaymentRefusedException when a payment was asked but may not be made (nothing signed)
   * @throws PaymentAnswerLostException when a payment was sent but its answer never came (it may
   *     have been settled: do not simply pay again)
   * @throws IOException when the server cannot be reached or the body cannot be read
   */
  public <T> PaidResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    try {
      return sendAsync(request, handler).get();
    } catch (ExecutionException e) {
      Throwable cause = Futures.unwrap(e);
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(cause);
    }
  }

  /** Sends {@code request} asynchronously, paying if asked; see {@link #send}. */
  public <T> CompletableFuture<PaidResponse<T>> sendAsync(
      HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    if (request.headers().firstValue(PaymentHeader.PAYMENT_SIGNATURE.headerName()).isPresent()
        || request.headers().firstValue(PaymentHeader.X_PAYMENT.headerName()).isPresent()) {
      // Already paid by the caller: never add a second payment, never carry it elsewhere.
      return paidHttp
          .sendAsync(request, handler)
          .thenApply(
              r ->
                  new PaidResponse<>(
                      r, null, Payer.receipt(r.headers()::firstValue).orElse(null), false));
    }
    byte[] body;
    try {
      body =
          request.bodyPublisher().isPresent()
              ? Bodies.collect(request.bodyPublisher().get(), maxRequestBytes)
              : null;
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompletableFuture.failedFuture(e);
    }
    HttpRequest first = copy(request, request.uri(), request.method(), body, null, null);
    return http.sendAsync(first, firstHandler(handler))
        .thenCompose(
            answer -> {
              if (answer.statusCode() != 402) {
                @SuppressWarnings("unchecked")
                T converted = (T) answer.body().value;
                return CompletableFuture.completedFuture(
                    new PaidResponse<>(Replayed.withBody(answer, converted), null, null, false));
              }
              return onPaymentRequired(request, body, answer, handler);
            });
  }

  private <T> CompletableFuture<PaidResponse<T>> onPaymentRequired(
      HttpRequest request,
      byte[] body,
      HttpResponse<Either> answer,
      HttpResponse.BodyHandler<T> handler) {
    byte[] bytes = answer.body().bytes;
    // The URL that answered 402, after redirects: its host is paid, and sent the payment.
    URI answered = answer.uri();
    PaymentChallenge challenge = new PaymentChallenge(answered, answer.headers().map(), bytes);
    if (!dryRun) {
      Optional<SignInAuthorization> signIn = payer.signIn(challenge);
      if (signIn.isPresent()) {
        // Sign in first; a server that does not admit the wallet answers 402 again, and the
        // first 402's requirements are then paid as usual.
        String method = answer.request().method();
        HttpRequest signed =
            copy(
                request,
                answered,
                method,
                method.equals(request.method()) ? body : null,
                signIn.get().headerName(),
                signIn.get().headerValue());
        return http.sendAsync(signed, firstHandler(handler))
            .thenCompose(
                second -> {
                  if (second.statusCode() != 402) {
                    @SuppressWarnings("unchecked")
                    T converted = (T) second.body().value;
                    return CompletableFuture.completedFuture(
                        new PaidResponse<>(
                            Replayed.withBody(second, converted), null, null, false));
                  }
                  LOG.debug("{} did not admit {}: paying", answered, signIn.get().address());
                  return pay(request, body, answer, handler, challenge);
                });
      }
    }
    return pay(request, body, answer, handler, challenge);
  }

  private <T> CompletableFuture<PaidResponse<T>> pay(
      HttpRequest request,
      byte[] body,
      HttpResponse<Either> answer,
      HttpResponse.BodyHandler<T> handler,
      PaymentChallenge challenge) {
    byte[] bytes = answer.body().bytes;
    URI answered = answer.uri();
    PaymentAuthorization authorization;
    try {
      if (dryRun) {
        PlannedPayment plan = payer.plan(challenge);
        return Replayed.of(answer, bytes, handler)
            .thenApply(r -> new PaidResponse<>(r, plan, null, true));
      }
      authorization = payer.authorize(challenge);
    } catch (PaymentRefusedException e) {
      return CompletableFuture.failedFuture(e);
    } catch (X402Exception e) {
      // A 402 without x402 requirements: not ours to pay; the caller gets it as it is.
      LOG.debug("unpayable 402 from {}: {}", answered, Text.quote(e.getMessage()));
      return Replayed.of(answer, bytes, handler)
          .thenApply(r -> new PaidResponse<>(r, null, null, false));
    }
    // A redirect may have turned the request into a GET without a body (303, or 301/302 for POST).
    String method = answer.request().method();
    HttpRequest paid =
        copy(
            request,
            answered,
            method,
            method.equals(request.method()) ? body : null,
            authorization.headerName(),
            authorization.headerValue());
    PlannedPayment payment = authorization.payment();
    PaymentAuthorization paidWith = authorization;
    return paidHttp
        .sendAsync(paid, handler)
        // The payment left: a failure from here on must not read as "nothing was paid".
        .exceptionallyCompose(
            error ->
                CompletableFuture.failedFuture(
                    new PaymentAnswerLostException(answered, paidWith, Futures.unwrap(error))))
        .thenApply(
            response -> {
              SettleResponse receipt = Payer.receipt(response.headers()::firstValue).orElse(null);
              Charge charge = payer.paid(paidWith, response.statusCode(), receipt);
              return new PaidResponse<>(response, payment, receipt, false, charge);
            });
  }

  /** The body of a first answer: the caller's type, or the bytes of a 402. */
  private static final class Either {
    final Object value;
    final byte[] bytes;

    Either(Object value, byte[] bytes) {
      this.value = value;
      this.bytes = bytes;
    }
  }

  private <T> HttpResponse.BodyHandler<Either> firstHandler(HttpResponse.BodyHandler<T> handler) {
    return info ->
        info.statusCode() == 402
            ? HttpResponse.BodySubscribers.mapping(
                Bodies.limited(max402Bytes), b -> new Either(null, b))
            : HttpResponse.BodySubscribers.mapping(handler.apply(info), v -> new Either(v, null));
  }

  private static HttpRequest copy(
      HttpRequest original, URI uri, String method, byte[] body, String name, String value) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri);
    original.headers().map().forEach((k, vs) -> vs.forEach(v -> b.header(k, v)));
    original.timeout().ifPresent(b::timeout);
    original.version().ifPresent(b::version);
    b.expectContinue(original.expectContinue());
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    if (name != null) {
      b.header(name, value);
    }
    return b.build();
  }

  /** {@code http} if it follows no redirects, else a client like it that does not. */
  private static HttpClient withoutRedirects(HttpClient http) {
    if (http.followRedirects() == HttpClient.Redirect.NEVER) {
      return http;
    }
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(http.version())
            .sslContext(http.sslContext())
            .sslParameters(http.sslParameters());
    http.cookieHandler().ifPresent(b::cookieHandler);
    http.connectTimeout().ifPresent(b::connectTimeout);
    http.proxy().ifPresent(b::proxy);
    http.authenticator().ifPresent(b::authenticator);
    http.executor().ifPresent(b::executor);
    return b.build();
  }

  /** Builds an {@link X402Client}. */
  public static final class Builder {
    private final Payer payer;
    private HttpClient http;
    private boolean dryRun;
    private int maxRequestBytes = 10 * 1024 * 1024;
    private int max402Bytes = 1024 * 1024;

    private Builder(Payer payer) {
      this.payer = Objects.requireNonNull(payer, "payer");
    }

    /**
     * The HTTP client to send with (default: a new one). If it follows redirects, requests with a
     * payment go through a client with the same settings that does not.
     */
    public Builder httpClient(HttpClient http) {
      this.http = Objects.requireNonNull(http, "http");
      return this;
    }

    /**
     * Reports what would be paid instead of paying: a 402 comes back as it is, with {@link
     * PaidResponse#wouldPay()}; nothing is signed or spent.
     */
    public Builder dryRun(boolean dryRun) {
      this.dryRun = dryRun;
      return this;
    }

    /** The largest request body the client resends (default 10 MiB). */
    public Builder maxRequestBytes(int bytes) {
      this.maxRequestBytes = bytes;
      return this;
    }

    /** The largest 402 answer read (default 1 MiB). */
    public Builder max402Bytes(int bytes) {
      this.max402Bytes = bytes;
      return this;
    }

    /** The client. */
    public X402Client build() {
      return new X402Client(this);
    }
  }
}
