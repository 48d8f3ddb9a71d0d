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
import io.x402j.spring.client.internal.Challenges;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.JdkClientHttpRequestFactory;

/**
 * Pays 402 answers in Spring's {@code RestClient} and {@code RestTemplate}, with the same {@link
 * Payer} (rules, selector, spend controls and budgets, spend log, payment-identifier, sign-in) and
 * the same promises as {@code X402Client}: at most one payment and one paid retry per call, no
 * payment for a request that already carries one, no retry of a paid request whatever its answer.
 *
 * <pre>{@code
 * RestClient http = RestClient.builder()
 *     .requestInterceptor(X402ClientHttpRequestInterceptor.of(payer))
 *     .build();
 * String weather = http.get().uri("https://api.example/weather").retrieve().body(String.class);
 * }</pre>
 *
 * <p>The request body (which Spring hands every interceptor buffered) is sent again, identically,
 * with the payment; a body larger than {@link Builder#maxRequestBytes} is not paid for. A payment
 * that may not be made fails the call with {@link PaymentRefusedException}, whose reasons say why;
 * nothing was signed or spent then.
 *
 * <p>Redirects: the request carrying a payment (or a sign-in, or a payment header the caller added)
 * is sent through the {@linkplain Builder#paidRequestFactory paid request factory}, which must not
 * follow redirects: a redirect answering it is returned as it is, so the payment cannot be carried
 * to another server. The default is a JDK {@code HttpClient} that never follows; give the
 * application's own factory (its timeouts, TLS) configured not to follow. The first, unpaid request
 * goes down the interceptor chain to the client's own factory; the URL it was sent to is the one
 * paid, so give the client a factory that does not follow redirects either, else a redirect makes
 * the payment go to the requested origin for a 402 another answered. Install this interceptor last:
 * headers that interceptors before it add are in the paid request, those after it are not.
 */
public final class X402ClientHttpRequestInterceptor implements ClientHttpRequestInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(X402ClientHttpRequestInterceptor.class);

  private final Payer payer;
  private final ClientHttpRequestFactory paidRequests;
  private final int maxRequestBytes;
  private final int max402Bytes;

  private X402ClientHttpRequestInterceptor(Builder b) {
    this.payer = b.payer;
    this.paidRequests =
        b.paidRequests != null
            ? b.paidRequests
            : new JdkClientHttpRequestFactory(
                HttpClient.newBuilder()
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build());
    this.maxRequestBytes = b.maxRequestBytes;
    this.max402Bytes = b.max402Bytes;
  }

  /** An interceptor paying with {@code payer}, with the defaults. */
  public static X402ClientHttpRequestInterceptor of(Payer payer) {
    return builder(payer).build();
  }

  /** Starts an interceptor paying with {@code payer}. */
  public static Builder builder(Payer payer) {
    return new Builder(payer);
  }

  /** The payer. */
  public Payer payer() {
    return payer;
  }

  @Override
  public ClientHttpResponse intercept(
      HttpRequest request, byte[] body, ClientHttpRequestExecution execution) throws IOException {
    if (Challenges.carriesPayment(request.getHeaders())) {
      // Paid by the caller: sent as it is, but never carried to another origin by a redirect.
      return send(request.getURI(), request, body, null, null);
    }
    ClientHttpResponse answer = execution.execute(request, body);
    if (answer.getStatusCode().value() != 402) {
      return answer;
    }
    URI answered = request.getURI();
    HttpHeaders answerHeaders = answer.getHeaders();
    PaymentChallenge challenge;
    try (answer) {
      challenge =
          new PaymentChallenge(
              answered,
              Challenges.headers(answerHeaders),
              answer.getBody().readNBytes(max402Bytes));
    }
    if (body.length > maxRequestBytes) {
      throw new PaymentRefusedException(
          answered.toString(),
          List.of(
              "the request body of "
                  + body.length
                  + " bytes is larger than the "
                  + maxRequestBytes
                  + " bytes this interceptor sends again with a payment"));
    }
    Optional<SignInAuthorization> signIn = payer.signIn(challenge);
    if (signIn.isPresent()) {
      // Sign in first; a server that does not admit the wallet answers 402 again, and the first
      // 402's requirements are then paid as usual.
      ClientHttpResponse second =
          send(answered, request, body, signIn.get().headerName(), signIn.get().headerValue());
      if (second.getStatusCode().value() != 402) {
        return second;
      }
      second.close();
      LOG.debug("{} did not admit {}: paying", answered, signIn.get().address());
    }
    PaymentAuthorization authorization;
    try {
      authorization = payer.authorize(challenge);
    } catch (PaymentRefusedException e) {
      throw e;
    } catch (X402Exception e) {
      // A 402 without x402 requirements: not ours to pay; the caller gets it as it came.
      LOG.debug("unpayable 402 from {}: {}", answered, Text.quote(e.getMessage()));
      return new Replayed402(answerHeaders, challenge.body());
    }
    ClientHttpResponse response;
    try {
      response =
          send(answered, request, body, authorization.headerName(), authorization.headerValue());
    } catch (IOException | RuntimeException e) {
      // The payment left: a failure from here on must not read as "nothing was paid".
      throw new PaymentAnswerLostException(answered, authorization, e);
    }
    HttpHeaders headers = response.getHeaders();
    SettleResponse receipt =
        Payer.receipt(name -> Optional.ofNullable(headers.getFirst(name))).orElse(null);
    // Lowers an upto reserve to what the receipt says was charged when the chain confirms it.
    payer.paid(authorization, response.getStatusCode().value(), receipt);
    return response;
  }

  /** Sends through the paid request factory, which follows no redirect. */
  private ClientHttpResponse send(
      URI uri, HttpRequest original, byte[] body, String header, String value) throws IOException {
    ClientHttpRequest paid = paidRequests.createRequest(uri, original.getMethod());
    paid.getHeaders().putAll(original.getHeaders());
    if (header != null) {
      paid.getHeaders().set(header, value);
    }
    original.getAttributes().forEach(paid.getAttributes()::put);
    if (body.length > 0) {
      paid.getHeaders().setContentLength(body.length);
      paid.getBody().write(body);
    }
    return paid.execute();
  }

  /** A 402 answer already read, given back as it came. */
  private static final class Replayed402 implements ClientHttpResponse {
    private final HttpHeaders headers;
    private final byte[] body;

    Replayed402(HttpHeaders headers, byte[] body) {
      this.headers = HttpHeaders.readOnlyHttpHeaders(headers);
      this.body = body;
    }

    @Override
    public org.springframework.http.HttpStatusCode getStatusCode() {
      return org.springframework.http.HttpStatusCode.valueOf(402);
    }

    @Override
    public String getStatusText() {
      return "Payment Required";
    }

    @Override
    public HttpHeaders getHeaders() {
      return headers;
    }

    @Override
    public InputStream getBody() {
      return new java.io.ByteArrayInputStream(body);
    }

    @Override
    public void close() {}
  }

  /** Builds an {@link X402ClientHttpRequestInterceptor}. */
  public static final class Builder {
    private final Payer payer;
    private ClientHttpRequestFactory paidRequests;
    private int maxRequestBytes = 10 * 1024 * 1024;
    private int max402Bytes = 1024 * 1024;

    private Builder(Payer payer) {
      this.payer = Objects.requireNonNull(payer, "payer");
    }

    /**
     * The factory that sends requests carrying a payment or sign-in. It must not follow redirects
     * (else a redirect carries the payment wherever it points). Default: a JDK {@code HttpClient}
     * that never follows, with a 10 s connect timeout.
     */
    public Builder paidRequestFactory(ClientHttpRequestFactory factory) {
      this.paidRequests = Objects.requireNonNull(factory, "factory");
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

    /** The interceptor. */
    public X402ClientHttpRequestInterceptor build() {
      return new X402ClientHttpRequestInterceptor(this);
    }
  }
}
