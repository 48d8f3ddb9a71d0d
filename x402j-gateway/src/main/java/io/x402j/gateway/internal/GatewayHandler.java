package io.x402j.gateway.internal;

import io.x402j.core.support.Futures;
import io.x402j.core.support.HttpExchanges;
import io.x402j.core.wire.PaymentHeader;
import io.x402j.jetty.BodyReader;
import io.x402j.server.Admission;
import io.x402j.server.Completion;
import io.x402j.server.GateDecision;
import io.x402j.server.GateRequest;
import io.x402j.server.GateResponse;
import io.x402j.server.MethodOverrides;
import io.x402j.server.PaymentGate;
import io.x402j.server.RequestPath;
import io.x402j.server.SettlementOverride;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gateway's request handling: gate, forward, settle, answer. Not part of the x402j API. */
public final class GatewayHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayHandler.class);

  /** Headers that belong to one connection, or that the HTTP client sets itself. */
  private static final Set<String> NOT_FORWARDED =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-authenticate",
          "proxy-authorization",
          "proxy-connection",
          "te",
          "trailer",
          "trailers",
          "transfer-encoding",
          "upgrade",
          "host",
          "content-length",
          "expect",
          "http2-settings");

  /**
   * Headers a client may not send through: ones that make upstreams route to another path or method
   * than the gate priced, or that the gateway itself sets. Compared after {@code _} becomes {@code
   * -}, as CGI-style servers read them.
   */
  private static final Set<String> REROUTING =
      Set.of(
          "x-original-url",
          "x-rewrite-url",
          "x-original-method",
          "forwarded",
          "x-payment-payer",
          "x-payment-signed-in",
          "sign-in-with-x",
          "x402j-settlement-id",
          "settlement-overrides");

  /**
   * The header that tells the upstream which wallet signed in (sign-in-with-x) instead of paying: a
   * CAIP-10 account such as {@code eip155:8453:0xAbC…}. Any copy a client sends is dropped.
   */
  public static final String SIGNED_IN_HEADER = "X-Payment-Signed-In";

  private static final String OVERRIDES = SettlementOverride.HEADER.toLowerCase(Locale.ROOT);

  /** Payment headers: the upstream neither needs them nor may forge them. */
  private static final Set<String> PAYMENT_HEADERS =
      java.util.Arrays.stream(PaymentHeader.values())
          .map(header -> header.headerName().toLowerCase(java.util.Locale.ROOT))
          .collect(java.util.stream.Collectors.toUnmodifiableSet());

  private final PaymentGate gate;
  private final URI upstream;
  private final HttpClient client;
  private final Duration timeout;
  private final int maxRequestBytes;
  private final int maxResponseBytes;
  private final Duration bodyTimeout;

  /** A handler forwarding to {@code upstream}. */
  public GatewayHandler(
      PaymentGate gate,
      URI upstream,
      HttpClient client,
      Duration timeout,
      int maxRequestBytes,
      int maxResponseBytes,
      Duration bodyTimeout) {
    this.gate = gate;
    String base = upstream.toString();
    this.upstream = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
    this.client = client;
    this.timeout = timeout;
    this.maxRequestBytes = maxRequestBytes;
    this.maxResponseBytes = maxResponseBytes;
    this.bodyTimeout = bodyTimeout;
  }

  /** An upstream answer, read into memory. */
  private record Upstream(int status, HttpFields headers, byte[] body, List<String> overrides) {
    /**
     * What a CORS preflight's answer means to a browser: the status and the CORS headers. A free
     * preflight must not carry off what an upstream that ignores the method would have sent for
     * {@code GET}, such as a body or a signed download {@code Location}.
     */
    Upstream corsOnly() {
      HttpFields.Mutable cors = HttpFields.build();
      for (HttpField field : headers) {
        String name = field.getName().toLowerCase(Locale.ROOT);
        if (name.startsWith("access-control-") || name.equals("vary")) {
          cors.add(field);
        }
      }
      return new Upstream(status, cors.asImmutable(), new byte[0], List.of());
    }
  }

  /** Thrown when the upstream's answer exceeds the buffer. */
  private static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge(int limit) {
      super("the upstream response exceeds " + limit + " bytes", null);
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    // The path priced is the path forwarded: one the upstream might read otherwise is refused.
    RequestPath path = RequestPath.parse(request.getHttpURI().getPath());
    if (path instanceof RequestPath.Ambiguous ambiguous) {
      error(
          response,
          callback,
          400,
          ambiguous.problem() + "; the gateway forwards only paths that every server reads alike");
      return true;
    }
    RequestPath.Canonical canonical = (RequestPath.Canonical) path;
    BodyReader.read(request, maxRequestBytes, 0, bodyTimeout)
        .whenComplete(
            (read, error) -> {
              if (read instanceof BodyReader.Body body) {
                Optional<String> override =
                    MethodOverrides.find(
                        name -> header(request, name),
                        request.getHttpURI().getQuery(),
                        request.getHeaders().get("Content-Type"),
                        body.bytes());
                if (override.isPresent()) {
                  error(
                      response,
                      callback,
                      400,
                      "a method override ("
                          + override.get()
                          + ") is not forwarded: the gateway prices and forwards the method of"
                          + " the request line");
                  return;
                }
                try {
                  forward(request, canonical, response, callback, body.bytes());
                } catch (RuntimeException e) {
                  // Thrown here, it would vanish in the future and leave the client waiting.
                  LOG.error(
                      "gateway failure for {} {}", request.getMethod(), request.getHttpURI(), e);
                  error(response, callback, 500, "the gateway failed");
                }
              } else if (read instanceof BodyReader.TooLarge) {
                error(
                    response,
                    callback,
                    413,
                    "the request body exceeds " + maxRequestBytes + " bytes");
              } else if (read instanceof BodyReader.TooSlow) {
                error(
                    response,
                    callback,
                    408,
                    "the request body did not arrive within " + bodyTimeout.toSeconds() + " s");
              } else {
                error(response, callback, 400, "the request body could not be read");
              }
            });
    return true;
  }

  private void forward(
      Request request,
      RequestPath.Canonical path,
      Response response,
      Callback callback,
      byte[] body) {
    JettyGateRequest gateRequest = new JettyGateRequest(request, path);
    gate.check(gateRequest)
        .thenCompose(decision -> decide(decision, gateRequest, body))
        .whenComplete(
            (answer, error) -> {
              if (error != null) {
                LOG.error(
                    "gateway failure for {} {}",
                    request.getMethod(),
                    gateRequest.path(),
                    Futures.unwrap(error));
                error(response, callback, 500, "the gateway failed");
              } else {
                answer.run(response, callback);
              }
            });
  }

  /** What to write, decided off the Jetty thread. */
  @FunctionalInterface
  private interface Answer {
    void run(Response response, Callback callback);
  }

  private CompletableFuture<Answer> decide(
      GateDecision decision, JettyGateRequest gateRequest, byte[] body) {
    Request request = gateRequest.request;
    if (decision instanceof GateDecision.Respond respond) {
      return CompletableFuture.completedFuture((r, c) -> write(r, c, respond.response()));
    }
    if (decision instanceof GateDecision.Free free) {
      boolean preflight = gateRequest.isCorsPreflight();
      String signedIn = free.waiver() == null ? null : free.waiver().account();
      return forward(gateRequest, body, null, signedIn)
          .handle(
              (upstreamAnswer, error) -> {
                if (error != null) {
                  return upstreamFailure(request, error, "you were not charged");
                }
                Upstream relayedAnswer = preflight ? upstreamAnswer.corsOnly() : upstreamAnswer;
                Answer relayed = (r, c) -> relay(r, c, relayedAnswer, Map.of(), null);
                return relayed;
              });
    }
    Admission admission = ((GateDecision.Admit) decision).admission();
    return forward(gateRequest, body, admission.payer(), null)
        .handle(
            (upstreamAnswer, error) -> {
              if (error != null) {
                admission.abandon();
                return CompletableFuture.completedFuture(
                    upstreamFailure(request, error, admission.chargeStatement()));
              }
              SettlementOverride amount = null;
              // Settled before the upstream was asked: the stated amount is ignored (as the gate
              // ignores it), never a reason to refuse the answer that was paid for.
              if (upstreamAnswer.status() < 400
                  && !upstreamAnswer.overrides().isEmpty()
                  && !admission.settledBeforeHandler()) {
                try {
                  amount = statedAmount(upstreamAnswer.overrides());
                  // Refused here (above the ceiling, say), it is the upstream's fault: a 502 like
                  // an unreadable header, not the gate's 500.
                  admission.checkAmount(amount);
                } catch (IllegalArgumentException e) {
                  admission.abandon();
                  LOG.warn(
                      "{} {}: the upstream's settlement amount was refused, nothing was charged:"
                          + " {}",
                      request.getMethod(),
                      gateRequest.path(),
                      e.getMessage());
                  Answer refused =
                      (r, c) ->
                          error(
                              r,
                              c,
                              502,
                              "the upstream stated an invalid amount to charge in its "
                                  + SettlementOverride.HEADER
                                  + " header; "
                                  + admission.chargeStatement());
                  return CompletableFuture.completedFuture(refused);
                }
              }
              return admission
                  .complete(upstreamAnswer.status(), amount)
                  .thenApply(completion -> settled(upstreamAnswer, completion));
            })
        .thenCompose(f -> f);
  }

  /** The amount the upstream's one {@code Settlement-Overrides} header states, or null. */
  private static SettlementOverride statedAmount(List<String> values) {
    if (values.size() > 1) {
      throw new IllegalArgumentException(
          "the upstream sent " + SettlementOverride.HEADER + " " + values.size() + " times");
    }
    return SettlementOverride.parseHeader(values.get(0)).orElse(null);
  }

  private static Answer settled(Upstream upstreamAnswer, Completion completion) {
    if (completion instanceof Completion.Release release) {
      return (r, c) -> relay(r, c, upstreamAnswer, release.headers(), release);
    }
    GateResponse refusal = ((Completion.Refuse) completion).response();
    return (r, c) -> write(r, c, refusal);
  }

  private Answer upstreamFailure(Request request, Throwable error, String charge) {
    Throwable cause = Futures.unwrap(error);
    if (cause instanceof java.io.UncheckedIOException unchecked) {
      cause = unchecked.getCause(); // how the body reader reports a response beyond the limit
    }
    if (cause instanceof TooLarge) {
      LOG.warn(
          "{} {}: {}", request.getMethod(), Request.getPathInContext(request), cause.getMessage());
      return (r, c) ->
          error(r, c, 502, "the upstream response is too large for the gateway; " + charge);
    }
    LOG.warn("upstream {} failed: {}", upstream, cause.toString());
    return (r, c) -> error(r, c, 502, "the upstream did not answer; " + charge);
  }

  private CompletableFuture<Upstream> forward(
      JettyGateRequest gateRequest, byte[] body, String payer, String signedIn) {
    Request request = gateRequest.request;
    String query = request.getHttpURI().getQuery();
    URI target =
        URI.create(upstream + gateRequest.path.encoded() + (query == null ? "" : "?" + query));
    HttpRequest.Builder out =
        HttpRequest.newBuilder(target)
            .timeout(timeout)
            .method(
                gateRequest.method(), // as priced: upper case
                body.length == 0 && !hasBody(request)
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    for (HttpField field : request.getHeaders()) {
      String name = canonicalName(field.getName());
      if (NOT_FORWARDED.contains(name)
          || PAYMENT_HEADERS.contains(name)
          || REROUTING.contains(name)
          || MethodOverrides.HEADERS.contains(name)
          || name.startsWith("x-forwarded-")) {
        continue;
      }
      try {
        out.header(field.getName(), field.getValue());
      } catch (IllegalArgumentException restricted) {
        // a header the HTTP client manages itself
      }
    }
    String client = Request.getRemoteAddr(request);
    String priorFor = request.getHeaders().get("X-Forwarded-For");
    out.header("X-Forwarded-For", priorFor == null ? client : priorFor + ", " + client);
    out.header("X-Forwarded-Proto", request.getHttpURI().getScheme());
    String host = request.getHeaders().get("Host");
    if (host != null) {
      out.header("X-Forwarded-Host", host);
    }
    if (payer != null) {
      out.header("X-Payment-Payer", payer);
    }
    if (signedIn != null) {
      out.header(SIGNED_IN_HEADER, signedIn);
    }
    return client(out.build());
  }

  /** A header name as servers may read it: lower case, {@code _} as {@code -}. */
  private static String canonicalName(String name) {
    return name.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The value of the header whose canonical name is {@code canonical}, in any spelling. */
  private static String header(Request request, String canonical) {
    for (HttpField field : request.getHeaders()) {
      if (canonicalName(field.getName()).equals(canonical)) {
        return field.getValue();
      }
    }
    return null;
  }

  private static boolean hasBody(Request request) {
    return request.getLength() > 0 || request.getHeaders().contains("Transfer-Encoding");
  }

  private CompletableFuture<Upstream> client(HttpRequest request) {
    // Reading the body blocks: never on the caller's (Jetty's) thread.
    return HttpExchanges.send(client, request, HttpResponse.BodyHandlers.ofInputStream())
        .thenApplyAsync(
            response -> {
              try (InputStream in = response.body()) {
                byte[] bytes = in.readNBytes(maxResponseBytes + 1);
                if (bytes.length > maxResponseBytes) {
                  throw new java.io.UncheckedIOException(new TooLarge(maxResponseBytes));
                }
                HttpFields.Mutable headers = HttpFields.build();
                List<String> overrides = new ArrayList<>();
                response
                    .headers()
                    .map()
                    .forEach(
                        (name, values) -> {
                          String lower = name.toLowerCase(Locale.ROOT);
                          if (lower.equals(OVERRIDES)) {
                            overrides.addAll(values); // for the gate only, never the payer
                          } else if (!NOT_FORWARDED.contains(lower)
                              && !PAYMENT_HEADERS.contains(lower)
                              && !lower.equals(":status")) {
                            values.forEach(v -> headers.add(name, v));
                          }
                        });
                return new Upstream(
                    response.statusCode(), headers.asImmutable(), bytes, List.copyOf(overrides));
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            },
            HttpExchanges.executor());
  }

  private static void relay(
      Response response,
      Callback callback,
      Upstream answer,
      Map<String, String> extra,
      Completion.Release release) {
    response.setStatus(answer.status());
    HttpFields.Mutable headers = response.getHeaders();
    for (HttpField field : answer.headers()) {
      headers.add(field.getName(), field.getValue());
    }
    extra.forEach(headers::add);
    if (release != null && release.settled()) {
      headers.put("Cache-Control", release.cacheControl(answer.headers().get("Cache-Control")));
    }
    headers.put("Content-Length", Long.toString(answer.body().length));
    response.write(true, ByteBuffer.wrap(answer.body()), callback);
  }

  private static void write(Response response, Callback callback, GateResponse answer) {
    response.setStatus(answer.status());
    answer.headers().forEach((k, v) -> response.getHeaders().put(k, v));
    byte[] body = answer.body();
    response.getHeaders().put("Content-Length", Long.toString(body.length));
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  private static void error(Response response, Callback callback, int status, String message) {
    String json = "{\"error\":\"" + message.replace("\"", "'") + "\"}";
    write(
        response,
        callback,
        GateResponse.of(status, "application/json", json, Map.of("Cache-Control", "no-store")));
  }

  /** A Jetty request as the gate sees it: with the path that is forwarded. */
  private static final class JettyGateRequest implements GateRequest {
    private final Request request;
    private final RequestPath.Canonical path;

    JettyGateRequest(Request request, RequestPath.Canonical path) {
      this.request = request;
      this.path = path;
    }

    @Override
    public String method() {
      return request.getMethod().toUpperCase(Locale.ROOT);
    }

    @Override
    public String path() {
      return path.decoded();
    }

    @Override
    public String url() {
      return request.getHttpURI().asString();
    }

    @Override
    public Optional<String> header(String name) {
      return Optional.ofNullable(request.getHeaders().get(name));
    }

    @Override
    public List<String> headerValues(String name) {
      return request.getHeaders().getValuesList(name);
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
      return type.isInstance(request) ? Optional.of(type.cast(request)) : Optional.empty();
    }
  }
}
