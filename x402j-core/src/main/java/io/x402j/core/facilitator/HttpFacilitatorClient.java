package io.x402j.core.facilitator;

import io.x402j.core.facilitator.FacilitatorException.Failure;
import io.x402j.core.internal.Urls;
import io.x402j.core.support.Futures;
import io.x402j.core.support.HttpExchanges;
import io.x402j.core.support.LimitedBody;
import io.x402j.core.support.Text;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.MalformedMessageException;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.core.wire.WireCodec;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * A {@link Facilitator} reached over HTTP ({@code POST /verify}, {@code POST /settle}, {@code GET
 * /supported}) with {@link java.net.http.HttpClient}. Immutable and thread-safe; build one per
 * facilitator and share it.
 *
 * <p>Retries only where it is safe: {@code /verify} and {@code /supported} change nothing, so they
 * are retried with backoff when the facilitator is unreachable, the connection drops, or it answers
 * 429, 502, 503 or 504 (honouring {@code Retry-After}). {@code /settle} is retried only when no
 * connection could be made, so the request provably never left; enable {@link
 * Builder#retrySettle(boolean)} only for facilitators that deduplicate settlements, as x402j's
 * does.
 *
 * <p>An x402 answer is returned as a value whatever the HTTP status. Everything else fails the
 * future with a {@link FacilitatorException}: a timeout, an unreachable facilitator, an error
 * status without an answer, or a success status with a body that is not the expected JSON.
 */
public final class HttpFacilitatorClient implements Facilitator {
  private static final int EXCERPT = 200;

  private final URI baseUri;
  private final String redactedBase;
  private final HttpClient http;
  private final Duration timeout;
  private final FacilitatorAuth auth;
  private final int maxAttempts;
  private final Duration backoff;
  private final Duration maxRetryDelay;
  private final boolean retrySettle;
  private final int maxResponseBytes;
  private final WireCodec wire;

  private HttpFacilitatorClient(Builder b) {
    String url = b.url.endsWith("/") ? b.url.substring(0, b.url.length() - 1) : b.url;
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      // The URL may carry credentials, so it is not repeated in the message.
      throw new IllegalArgumentException("facilitator URL is not a valid URL: " + e.getReason());
    }
    if (uri.getScheme() == null
        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "facilitator URL " + Urls.redact(uri) + " must be an absolute http(s) URL");
    }
    this.baseUri = uri;
    this.redactedBase = Urls.redact(uri);
    this.timeout = b.timeout;
    this.http =
        b.httpClient != null
            ? b.httpClient
            : HttpClient.newBuilder()
                .connectTimeout(b.connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    this.auth = b.auth;
    this.maxAttempts = b.maxAttempts;
    this.backoff = b.backoff;
    this.maxRetryDelay = b.maxRetryDelay;
    this.retrySettle = b.retrySettle;
    this.maxResponseBytes = b.maxResponseBytes;
    this.wire = WireCodec.withMaxLength(b.maxResponseBytes);
  }

  /**
   * Starts a client for the facilitator at {@code baseUrl} (e.g. {@code
   * https://x402.org/facilitator}).
   */
  public static Builder builder(String baseUrl) {
    return new Builder(baseUrl);
  }

  /** The facilitator URL without credentials or query, for logs. */
  public String redactedUrl() {
    return redactedBase;
  }

  @Override
  public CompletableFuture<VerifyResponse> verify(FacilitatorRequest request) {
    return call(FacilitatorOperation.VERIFY, bodyOf(request), Map.of(), wire::decodeVerifyResponse);
  }

  /**
   * Settles the payment. A settlement attempt the request names ({@link
   * FacilitatorRequest#settlementId()}) travels in the {@value #SETTLEMENT_ID_HEADER} header, so
   * the body keeps the specification's shape for every facilitator; x402j's reads the header.
   */
  @Override
  public CompletableFuture<SettleResponse> settle(FacilitatorRequest request) {
    Map<String, String> headers =
        request.settlementId().map(id -> Map.of(SETTLEMENT_ID_HEADER, id)).orElse(Map.of());
    return call(FacilitatorOperation.SETTLE, bodyOf(request), headers, wire::decodeSettleResponse);
  }

  /** The HTTP header that carries a settlement attempt to the facilitator. */
  public static final String SETTLEMENT_ID_HEADER = "X402j-Settlement-Id";

  /** The request as the specification shapes it: without the attempt, which goes in a header. */
  private String bodyOf(FacilitatorRequest request) {
    return wire.toJson(request.withoutSettlementId());
  }

  @Override
  public CompletableFuture<SupportedResponse> supported() {
    return call(FacilitatorOperation.SUPPORTED, null, Map.of(), wire::decodeSupportedResponse);
  }

  private <T> CompletableFuture<T> call(
      FacilitatorOperation op,
      String body,
      Map<String, String> headers,
      Function<String, T> decoder) {
    return attempt(op, body, headers, decoder, 1);
  }

  private <T> CompletableFuture<T> attempt(
      FacilitatorOperation op,
      String body,
      Map<String, String> headers,
      Function<String, T> decoder,
      int attempt) {
    HttpRequest request = request(op, body, headers);
    CompletableFuture<HttpResponse<byte[]>> sent =
        HttpExchanges.send(http, request, LimitedBody.handler(maxResponseBytes))

            // Bounds the whole exchange, body included, not only the wait for headers.
            .orTimeout(timeout.toMillis() + 250, TimeUnit.MILLISECONDS);
    return sent.handle((response, error) -> outcome(op, decoder, attempt, response, error))
        .thenCompose(
            outcome -> {
              if (outcome.retryAfter != null) {
                return CompletableFuture.supplyAsync(
                        () -> null,
                        CompletableFuture.delayedExecutor(
                            outcome.retryAfter.toMillis(), TimeUnit.MILLISECONDS))
                    .thenCompose(ignored -> attempt(op, body, headers, decoder, attempt + 1));
              }
              if (outcome.failure != null) {
                return CompletableFuture.failedFuture(outcome.failure);
              }
              return CompletableFuture.completedFuture(outcome.value);
            });
  }

  private HttpRequest request(FacilitatorOperation op, String body, Map<String, String> headers) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(baseUri + "/" + op.path()))
            .timeout(timeout)
            .header("Accept", "application/json");
    for (Map.Entry<String, String> header : auth.headers(op).entrySet()) {
      builder.header(header.getKey(), header.getValue());
    }
    headers.forEach(builder::header);
    if (body == null) {
      builder.GET();
    } else {
      builder
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }
    return builder.build();
  }

  /** What one attempt produced: a value, a failure, or a delay before the next attempt. */
  private static final class Outcome<T> {
    final T value;
    final FacilitatorException failure;
    final Duration retryAfter;

    private Outcome(T value, FacilitatorException failure, Duration retryAfter) {
      this.value = value;
      this.failure = failure;
      this.retryAfter = retryAfter;
    }
  }

  private <T> Outcome<T> outcome(
      FacilitatorOperation op,
      Function<String, T> decoder,
      int attempt,
      HttpResponse<byte[]> response,
      Throwable error) {
    if (error != null) {
      FacilitatorException failure = transportFailure(op, Futures.unwrap(error));
      // A refused connection proves nothing was sent, so even a settlement may be retried.
      boolean neverSent = failure.failure() == Failure.UNREACHABLE;
      boolean readOnly = op != FacilitatorOperation.SETTLE;
      boolean retryable =
          neverSent || failure.failure() == Failure.CONNECTION_LOST && (readOnly || retrySettle);
      return retryOrFail(failure, retryable, attempt, null);
    }
    int status = response.statusCode();
    String text = new String(response.body(), StandardCharsets.UTF_8);
    try {
      // An x402 answer is the facilitator's word on the payment, whatever the status says.
      return new Outcome<>(decoder.apply(text), null, null);
    } catch (MalformedMessageException e) {
      if (status >= 200 && status < 300) {
        return new Outcome<>(
            null,
            new FacilitatorException(
                op,
                Failure.BAD_RESPONSE,
                status,
                "facilitator "
                    + op.path()
                    + " at "
                    + redactedBase
                    + " answered "
                    + status
                    + " with a body that is not a valid answer ("
                    + e.getMessage()
                    + "): "
                    + excerpt(text),
                e),
            null);
      }
    }
    FacilitatorException failure =
        new FacilitatorException(
            op,
            Failure.HTTP_STATUS,
            status,
            "facilitator "
                + op.path()
                + " at "
                + redactedBase
                + " failed with HTTP "
                + status
                + ": "
                + excerpt(text),
            null);
    boolean retryableStatus = status == 429 || status == 502 || status == 503 || status == 504;
    boolean retryable = retryableStatus && (op != FacilitatorOperation.SETTLE || retrySettle);
    return retryOrFail(failure, retryable, attempt, response);
  }

  private <T> Outcome<T> retryOrFail(
      FacilitatorException failure, boolean retryable, int attempt, HttpResponse<?> response) {
    if (!retryable || attempt >= maxAttempts) {
      return new Outcome<>(null, failure, null);
    }
    Duration delay = backoff.multipliedBy(1L << Math.min(attempt - 1, 16));
    Duration requested = response == null ? null : retryAfter(response);
    if (requested != null) {
      if (requested.compareTo(maxRetryDelay) > 0) {
        return new Outcome<>(null, failure, null); // the facilitator asks for a longer pause
      }
      delay = requested;
    }
    if (delay.compareTo(maxRetryDelay) > 0) {
      delay = maxRetryDelay;
    }
    return new Outcome<>(null, null, delay);
  }

  private static Duration retryAfter(HttpResponse<?> response) {
    String value = response.headers().firstValue("Retry-After").orElse(null);
    if (value == null) {
      return null;
    }
    value = value.strip();
    try {
      if (value.matches("[0-9]{1,9}")) {
        return Duration.ofSeconds(Long.parseLong(value));
      }
      ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
      Duration until = Duration.between(ZonedDateTime.now(at.getZone()), at);
      return until.isNegative() ? Duration.ZERO : until;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private FacilitatorException transportFailure(FacilitatorOperation op, Throwable cause) {
    String where = "facilitator " + op.path() + " at " + redactedBase;
    if (cause instanceof HttpConnectTimeoutException) {
      return new FacilitatorException(
          op, Failure.UNREACHABLE, 0, where + ": connecting timed out", cause);
    }
    if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
      return new FacilitatorException(
          op,
          Failure.TIMEOUT,
          0,
          where + ": no answer within " + timeout.toMillis() + " ms",
          cause);
    }
    if (cause instanceof ConnectException) {
      return new FacilitatorException(op, Failure.UNREACHABLE, 0, where + " is unreachable", cause);
    }
    if (cause instanceof LimitedBody.TooLargeException) {
      return new FacilitatorException(
          op, Failure.BAD_RESPONSE, 0, where + ": " + cause.getMessage(), cause);
    }
    if (cause instanceof IOException) {
      return new FacilitatorException(
          op,
          Failure.CONNECTION_LOST,
          0,
          where + ": connection failed (" + cause.getClass().getSimpleName() + ")",
          cause);
    }
    return new FacilitatorException(
        op, Failure.CONNECTION_LOST, 0, where + ": request failed: " + cause, cause);
  }

  private static String excerpt(String text) {
    String compact = text.strip().replaceAll("\\s+", " ");
    if (compact.isEmpty()) {
      return "<empty body>";
    }
    return Text.quote(compact.length() > EXCERPT ? compact.substring(0, EXCERPT) : compact);
  }

  /** Builds an {@link HttpFacilitatorClient}. */
  public static final class Builder {
    private final String url;
    private HttpClient httpClient;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration timeout = Duration.ofSeconds(60);
    private FacilitatorAuth auth = FacilitatorAuth.none();
    private int maxAttempts = 3;
    private Duration backoff = Duration.ofMillis(200);
    private Duration maxRetryDelay = Duration.ofSeconds(5);
    private boolean retrySettle;
    private int maxResponseBytes = 1024 * 1024;

    private Builder(String url) {
      this.url = Objects.requireNonNull(url, "url");
    }

    /** The HTTP client to use; by default one of its own, never following redirects. */
    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
      return this;
    }

    /** How long to wait for a connection (default 5 s); ignored with {@link #httpClient}. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive(connectTimeout, "connectTimeout");
      return this;
    }

    /** How long one attempt may take in all (default 60 s: a settlement waits for a block). */
    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    /** Authentication headers per call. */
    public Builder auth(FacilitatorAuth auth) {
      this.auth = Objects.requireNonNull(auth, "auth");
      return this;
    }

    /** Attempts per call including the first (default 3); 1 disables retries. */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** The first retry delay, doubled for each further retry (default 200 ms). */
    public Builder backoff(Duration backoff) {
      this.backoff = positive(backoff, "backoff");
      return this;
    }

    /** The longest pause before a retry, including one asked for by {@code Retry-After}. */
    public Builder maxRetryDelay(Duration maxRetryDelay) {
      this.maxRetryDelay = positive(maxRetryDelay, "maxRetryDelay");
      return this;
    }

    /**
     * Whether {@code /settle} may be retried after a dropped connection or a 429/502/503/504
     * (default false). Safe only with a facilitator that settles each authorization at most once
     * and answers a repeat with the first outcome.
     */
    public Builder retrySettle(boolean retrySettle) {
      this.retrySettle = retrySettle;
      return this;
    }

    /** The largest response body accepted (default 1 MiB). */
    public Builder maxResponseBytes(int maxResponseBytes) {
      if (maxResponseBytes < 1024) {
        throw new IllegalArgumentException("maxResponseBytes must be at least 1024");
      }
      this.maxResponseBytes = maxResponseBytes;
      return this;
    }

    /**
     * Builds the client.
     *
     * @throws IllegalArgumentException if the URL is not an absolute http(s) URL
     */
    public HttpFacilitatorClient build() {
      return new HttpFacilitatorClient(this);
    }

    private static Duration positive(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + value);
      }
      return value;
    }
  }
}
