package io.x402j.facilitator.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.support.Futures;
import io.x402j.core.support.Text;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.MalformedMessageException;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.core.wire.WireCodec;
import io.x402j.evm.EvmAddress;
import io.x402j.facilitator.DiscoveryCatalog;
import io.x402j.facilitator.FacilitatorServer.HealthProbe;
import io.x402j.facilitator.FacilitatorService;
import io.x402j.jetty.BodyReader;
import io.x402j.settlement.SettlementFilter;
import io.x402j.settlement.SettlementLedger;
import io.x402j.settlement.SettlementRecord;
import io.x402j.settlement.SettlementState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The facilitator HTTP API on Jetty's core handler. Not part of the x402j API.
 *
 * <p>Status codes: an x402 answer (valid or not, settled or not) is 200, except {@code
 * payment_identifier_conflict}, which is 409 with the answer as its body; a malformed body 400
 * naming the field; a missing or wrong bearer token 401; an unknown path 404; a wrong method 405;
 * an oversized body 413; a rate limit 429 with {@code Retry-After}; an internal error 500 with an
 * opaque id that the log line repeats.
 */
public final class FacilitatorHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(FacilitatorHandler.class);
  private static final String JSON = "application/json";

  /** Everything the handler serves from; nullable parts switch their endpoint off. */
  public record Setup(
      FacilitatorService service,
      byte[] bearerToken,
      RateLimiter settleLimiter,
      RateLimiter verifyLimiter,
      int maxBodyBytes,
      Duration bodyTimeout,
      SettlementLedger ledger,
      List<HealthProbe> probes,
      PrometheusMeterRegistry prometheus,
      DiscoveryCatalog catalog) {}

  private final Setup setup;
  private final WireCodec wire;
  private final ObjectMapper mapper = new ObjectMapper();
  private final SecureRandom random = new SecureRandom();

  /** A handler for {@code setup}. */
  public FacilitatorHandler(Setup setup) {
    this.setup = setup;
    this.wire = WireCodec.withMaxLength(Math.max(64, setup.maxBodyBytes()));
  }

  /** A refusal carrying its HTTP status, thrown inside request handling. */
  private static final class HttpError extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;
    final String field;

    HttpError(int status, String message, String field) {
      super(message, null, false, false);
      this.status = status;
      this.field = field;
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    try {
      String path = Request.getPathInContext(request);
      switch (path) {
        case "/verify":
          post(request);
          authorize(request);
          payment(request, response, callback, false);
          return true;
        case "/settle":
          post(request);
          authorize(request);
          payment(request, response, callback, true);
          return true;
        case "/supported":
          get(request);
          send(response, callback, 200, JSON, wire.toJson(supported()));
          return true;
        case "/health":
          get(request);
          health(response, callback);
          return true;
        case "/metrics":
          get(request);
          if (setup.prometheus() == null) {
            throw new HttpError(404, "metrics are not enabled", null);
          }
          send(
              response,
              callback,
              200,
              "text/plain; version=0.0.4; charset=utf-8",
              setup.prometheus().scrape());
          return true;
        case "/settlements":
          get(request);
          authorize(request);
          settlements(request, response, callback);
          return true;
        case "/discovery/resources":
        case "/discovery/search":
          get(request);
          if (setup.catalog() == null) {
            throw new HttpError(404, "this facilitator keeps no discovery catalog", null);
          }
          discovery(request, response, callback, path.endsWith("search"));
          return true;
        default:
          throw new HttpError(404, "no such endpoint: " + path, null);
      }
    } catch (HttpError e) {
      if (e.status == 401) {
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
      }
      error(response, callback, e.status, e.getMessage(), e.field);
      return true;
    } catch (Throwable e) {
      internalError(response, callback, e);
      return true;
    }
  }

  /** What the service supports, with {@code bazaar} among the extensions when cataloguing. */
  private SupportedResponse supported() {
    SupportedResponse supported = setup.service().supportedNow();
    if (setup.catalog() == null || supported.extensions().contains("bazaar")) {
      return supported;
    }
    List<String> extensions = new ArrayList<>(supported.extensions());
    extensions.add("bazaar");
    return new SupportedResponse(
        supported.kinds(), extensions, supported.signers(), supported.additionalFields());
  }

  private static void post(Request request) throws HttpError {
    if (!"POST".equals(request.getMethod())) {
      throw new HttpError(405, "use POST", null);
    }
  }

  private static void get(Request request) throws HttpError {
    if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
      throw new HttpError(405, "use GET", null);
    }
  }

  private void authorize(Request request) throws HttpError {
    if (setup.bearerToken() == null) {
      return;
    }
    String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    byte[] presented =
        header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
            ? header.substring(7).strip().getBytes(StandardCharsets.UTF_8)
            : new byte[0];
    // Constant-time comparison: the token must not leak through timing.
    if (!MessageDigest.isEqual(presented, setup.bearerToken())) {
      throw new HttpError(401, "a valid bearer token is required", null);
    }
  }

  private void payment(Request request, Response response, Callback callback, boolean settle) {
    int max = setup.maxBodyBytes();
    // Read without holding a thread; a larger body is drained (to 4 MiB) so that a client still
    // sending gets to read the 413 rather than a reset connection.
    BodyReader.read(request, max, DRAIN_LIMIT, setup.bodyTimeout())
        .whenComplete(
            (read, failure) -> {
              try {
                if (read instanceof BodyReader.Body body) {
                  answer(
                      new String(body.bytes(), StandardCharsets.UTF_8),
                      request
                          .getHeaders()
                          .getValuesList(HttpFacilitatorClient.SETTLEMENT_ID_HEADER),
                      response,
                      callback,
                      settle);
                } else if (read instanceof BodyReader.TooLarge) {
                  throw new HttpError(
                      413,
                      request.getLength() > max
                          ? "request body is " + request.getLength() + " bytes; the limit is " + max
                          : "request body exceeds the limit of " + max + " bytes",
                      null);
                } else if (read instanceof BodyReader.TooSlow) {
                  throw new HttpError(
                      408,
                      "the request body did not arrive within "
                          + setup.bodyTimeout().toSeconds()
                          + " s",
                      null);
                } else {
                  throw new HttpError(400, "the request body could not be read", null);
                }
              } catch (HttpError e) {
                error(response, callback, e.status, e.getMessage(), e.field);
              } catch (Throwable e) {
                internalError(response, callback, e);
              }
            });
  }

  private void answer(
      String body, List<String> attemptHeader, Response response, Callback callback, boolean settle)
      throws HttpError {
    FacilitatorRequest payment;
    try {
      payment = withAttempt(wire.decodeFacilitatorRequest(body), attemptHeader);
    } catch (MalformedMessageException e) {
      throw new HttpError(
          e.kind() == MalformedMessageException.Kind.TOO_LARGE ? 413 : 400,
          e.getMessage(),
          e.field());
    }
    RateLimiter limiter = settle ? setup.settleLimiter() : setup.verifyLimiter();
    if (limiter != null) {
      // Keyed on the parsed payer: a respelling is the same payer, and text that is no address is
      // neither stored nor given a bucket (the service refuses it as invalid_payload).
      long wait = limiter.acquire(Payers.address(payment));
      if (wait > 0) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(wait));
        throw new HttpError(
            429,
            (settle ? "settlement" : "verification")
                + " rate limit exceeded; retry in "
                + wait
                + " s",
            null);
      }
    }
    CompletableFuture<Answer> answer =
        settle
            ? setup
                .service()
                .settle(payment)
                .thenApply(
                    r ->
                        new Answer(status(r.errorReason()), wire.toJson(r), r.success(), r.payer()))
            : setup
                .service()
                .verify(payment)
                .thenApply(
                    r ->
                        new Answer(
                            status(r.invalidReason()), wire.toJson(r), r.isValid(), r.payer()));
    answer.whenComplete(
        (paid, error) -> {
          if (error != null) {
            internalError(response, callback, error);
          } else if (settle
              && paid.ok()
              && setup.catalog() != null
              && DiscoveryCatalog.declares(payment)) {
            // Only a settlement catalogs: a verification is free, so it must not create or keep
            // alive a listing (and a verify answer carries no side channel).
            catalogued(payment, paid, response, callback);
          } else {
            send(response, callback, paid.status(), JSON, paid.json());
          }
        });
  }

  /**
   * A verification or settlement answer: its HTTP status, JSON, whether it succeeded, the payer.
   */
  private record Answer(int status, String json, boolean ok, String payer) {}

  /**
   * Answers once the settled payment's bazaar declaration is catalogued, or after the catalog's
   * answer wait with {@code processing}; the outcome rides in the {@code EXTENSION-RESPONSES}
   * header. The answer itself is never changed by cataloguing.
   */
  private void catalogued(
      FacilitatorRequest payment, Answer paid, Response response, Callback callback) {
    DiscoveryCatalog catalog = setup.catalog();
    catalog
        // The service's own networks: the ones it settled this payment on.
        .offer(payment, paid.payer(), setup.service().networks())
        .completeOnTimeout(
            DiscoveryCatalog.Status.PROCESSING,
            catalog.settings().answerWait().toMillis(),
            TimeUnit.MILLISECONDS)
        .whenComplete(
            (status, error) -> {
              if (status != null) {
                response
                    .getHeaders()
                    .put(DiscoveryCatalog.EXTENSION_RESPONSES, status.headerValue());
              }
              send(response, callback, paid.status(), JSON, paid.json());
            });
  }

  private void discovery(Request request, Response response, Callback callback, boolean search)
      throws HttpError, java.sql.SQLException {
    Fields query = queryParameters(request);
    for (Fields.Field field : query) {
      if (!DISCOVERY_PARAMETERS.contains(field.getName()) || field.getValues().size() > 1) {
        throw new HttpError(
            400,
            "query parameter "
                + Text.quote(field.getName())
                + (field.getValues().size() > 1 ? " is given twice" : " is not known here"),
            field.getName());
      }
    }
    String type = parsed(query, "type", t -> requireMatch(t, TYPE));
    String payTo = parsed(query, "payTo", BazaarExtraction::payToFilter);
    String scheme = parsed(query, "scheme", t -> requireMatch(t, SCHEME));
    String network = parsed(query, "network", t -> Network.parse(t).toString());
    String extension = parsed(query, "extensions", t -> requireMatch(t, EXTENSION));
    DiscoveryCatalog.Filter filter =
        new DiscoveryCatalog.Filter(type, payTo, scheme, network, extension);
    int limit = number(query, "limit", 20, 1, 100);
    ObjectNode body;
    if (search) {
      if (query.get("offset") != null) {
        throw new HttpError(
            400, "query parameter offset is not used by search; use cursor", "offset");
      }
      String text = query.getValue("query");
      if (text == null || text.isBlank() || text.length() > 256) {
        throw new HttpError(
            400, "query parameter query is required: 1 to 256 characters of search text", "query");
      }
      String cursor = query.getValue("cursor");
      if (cursor != null && !cursor.isEmpty() && !DiscoveryCatalog.isCursor(cursor)) {
        throw new HttpError(
            400, "query parameter cursor is not a cursor this facilitator gave", "cursor");
      }
      body = setup.catalog().search(text, filter, limit, cursor);
    } else {
      if (query.get("cursor") != null || query.get("query") != null) {
        String name = query.get("cursor") != null ? "cursor" : "query";
        throw new HttpError(400, "query parameter " + name + " belongs to /discovery/search", name);
      }
      body = setup.catalog().list(filter, limit, number(query, "offset", 0, 0, 1_000_000));
    }
    send(response, callback, 200, JSON, body.toString());
  }

  private static final java.util.Set<String> DISCOVERY_PARAMETERS =
      java.util.Set.of(
          "type", "payTo", "scheme", "network", "extensions", "limit", "offset", "query", "cursor");
  private static final java.util.regex.Pattern TYPE = java.util.regex.Pattern.compile("http|mcp");
  private static final java.util.regex.Pattern SCHEME =
      java.util.regex.Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
  private static final java.util.regex.Pattern EXTENSION =
      java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private static String requireMatch(String text, java.util.regex.Pattern pattern) {
    if (!pattern.matcher(text).matches()) {
      throw new IllegalArgumentException("does not match " + pattern);
    }
    return text;
  }

  /**
   * The HTTP status of an x402 answer: 200, except 409 for a payment identifier used with another
   * payment (the status the specification gives that case; the body is the usual answer).
   */
  private static int status(String reason) {
    return ErrorReason.PAYMENT_IDENTIFIER_CONFLICT.wire().equals(reason) ? 409 : 200;
  }

  /**
   * The request with the settlement attempt named in the {@code X402j-Settlement-Id} header, as
   * x402j's HTTP client sends it; the body may name it too, and then the two must agree.
   */
  private static FacilitatorRequest withAttempt(FacilitatorRequest request, List<String> header) {
    if (header.isEmpty()) {
      return request;
    }
    String field = HttpFacilitatorClient.SETTLEMENT_ID_HEADER;
    if (header.size() > 1 || !FacilitatorRequest.isSettlementId(header.get(0))) {
      throw new MalformedMessageException(
          MalformedMessageException.Kind.INVALID_VALUE,
          field,
          field + " must be one value of 16 to 128 ASCII letters, digits, '-' or '_'");
    }
    String id = header.get(0);
    if (request.settlementId().filter(inBody -> !inBody.equals(id)).isPresent()) {
      throw new MalformedMessageException(
          MalformedMessageException.Kind.INVALID_VALUE,
          field,
          field + " and the body's " + FacilitatorRequest.SETTLEMENT_ID + " differ");
    }
    return request.withSettlementId(id);
  }

  private static final long DRAIN_LIMIT = 4L * 1024 * 1024;

  private void health(Response response, Callback callback) {
    List<CompletableFuture<ObjectNode>> checks = new ArrayList<>();
    for (HealthProbe probe : setup.probes()) {
      checks.add(
          probe
              .check()
              .handle(
                  (result, error) -> {
                    ObjectNode node = mapper.createObjectNode();
                    node.put("name", probe.name());
                    if (error != null) {
                      node.put("ok", false);
                      node.put("error", String.valueOf(Futures.unwrap(error).getMessage()));
                    } else {
                      node.put("ok", result.ok());
                      result.details().forEach((k, v) -> node.set(k, mapper.valueToTree(v)));
                    }
                    return node;
                  }));
    }
    CompletableFuture.allOf(checks.toArray(new CompletableFuture<?>[0]))
        .whenComplete(
            (ignored, error) -> {
              ObjectNode root = mapper.createObjectNode();
              ArrayNode list = root.putArray("checks");
              boolean ok = true;
              for (CompletableFuture<ObjectNode> check : checks) {
                ObjectNode node = check.join();
                ok &= node.path("ok").asBoolean();
                list.add(node);
              }
              root.put("status", ok ? "ok" : "degraded");
              send(response, callback, ok ? 200 : 503, JSON, root.toString());
            });
  }

  private void settlements(Request request, Response response, Callback callback) throws HttpError {
    if (setup.ledger() == null) {
      throw new HttpError(404, "this facilitator keeps no ledger", null);
    }
    Fields query = queryParameters(request);
    Network network = parsed(query, "network", Network::parse);
    // The ledger keeps addresses in their canonical form: parsed here, never compared as typed.
    String payer = parsed(query, "payer", text -> EvmAddress.parse(text).toLowerHex());
    String payTo = parsed(query, "payTo", text -> EvmAddress.parse(text).toLowerHex());
    SettlementState state =
        parsed(query, "status", s -> SettlementState.valueOf(s.toUpperCase(Locale.ROOT)));
    int limit = number(query, "limit", 20, 1, 100);
    int offset = number(query, "offset", 0, 0, Integer.MAX_VALUE);
    List<SettlementRecord> records =
        setup.ledger().list(new SettlementFilter(network, payer, payTo, state), offset, limit + 1);
    ObjectNode root = mapper.createObjectNode();
    ArrayNode items = root.putArray("settlements");
    for (SettlementRecord record : records.subList(0, Math.min(limit, records.size()))) {
      ObjectNode item = items.addObject();
      Network at = record.key().network();
      item.put("network", at.toString());
      item.put("scheme", record.key().scheme());
      item.put("paymentId", record.key().paymentId());
      item.put("asset", shown(at, record.asset()));
      item.put("payer", shown(at, record.payer()));
      item.put("payTo", shown(at, record.payTo()));
      item.put("amount", record.amount().toString());
      item.put("status", record.state().name().toLowerCase(Locale.ROOT));
      if (record.submission() != null) {
        item.put("transaction", record.submission().transaction());
        item.put("signer", shown(at, record.submission().signer()));
        if (record.submission().sequence() != null) {
          item.put("signerNonce", record.submission().sequence());
        }
      }
      if (record.outcome() != null && record.outcome().errorReason() != null) {
        item.put("errorReason", record.outcome().errorReason());
      }
      item.put("createdAt", record.createdAt().toString());
      item.put("updatedAt", record.updatedAt().toString());
      // The scheme's own data (the EIP-3009 nonce, say); the fields above always win.
      record.details().forEach((name, value) -> item.putIfAbsent(name, item.textNode(value)));
    }
    root.put("offset", offset);
    root.put("limit", limit);
    if (records.size() > limit) {
      root.put("nextOffset", offset + limit);
    } else {
      root.putNull("nextOffset");
    }
    send(response, callback, 200, JSON, root.toString());
  }

  /** An address as its chain shows it: checksummed on EVM chains, as kept elsewhere. */
  private static String shown(Network network, String address) {
    if (!network.isEvm()) {
      return address;
    }
    try {
      return EvmAddress.parse(address).toString();
    } catch (IllegalArgumentException e) {
      return address;
    }
  }

  /**
   * The request's query parameters; a query that is not percent-encoded UTF-8 (e.g. {@code %ff} or
   * {@code %zz}) is a 400, not the 500 Jetty's decoding exception would become.
   */
  private static Fields queryParameters(Request request) throws HttpError {
    try {
      return Request.extractQueryParameters(request);
    } catch (RuntimeException e) {
      throw new HttpError(
          400, "the query string is not valid percent-encoded UTF-8", "query string");
    }
  }

  private static <T> T parsed(Fields query, String name, Function<String, T> parser)
      throws HttpError {
    String value = query.getValue(name);
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException e) {
      throw new HttpError(
          400, "query parameter " + name + " is invalid: " + Text.quote(value), name);
    }
  }

  private static int number(Fields query, String name, int fallback, int min, int max)
      throws HttpError {
    String value = query.getValue(name);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      // ASCII digits only: Integer.parseInt would also take '+' and other scripts' digits.
      if (value.length() > 10 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new NumberFormatException();
      }
      int n = Integer.parseInt(value);
      if (n < min || n > max) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new HttpError(
          400,
          "query parameter " + name + " must be a whole number from " + min + " to " + max,
          name);
    }
  }

  private void error(
      Response response, Callback callback, int status, String message, String field) {
    ObjectNode body = mapper.createObjectNode();
    body.put("error", message);
    if (field != null && !field.isEmpty()) {
      body.put("field", field);
    }
    send(response, callback, status, JSON, body.toString());
  }

  private void internalError(Response response, Callback callback, Throwable error) {
    String id = HexFormat.of().formatHex(randomBytes());
    LOG.error("internal error id={}", id, Futures.unwrap(error));
    ObjectNode body = mapper.createObjectNode();
    body.put("error", "internal error");
    body.put("id", id);
    send(response, callback, 500, JSON, body.toString());
  }

  private byte[] randomBytes() {
    byte[] bytes = new byte[8];
    random.nextBytes(bytes);
    return bytes;
  }

  private static void send(
      Response response, Callback callback, int status, String type, String body) {
    try {
      response.setStatus(status);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      Content.Sink.write(response, true, body, callback);
    } catch (RuntimeException e) {
      callback.failed(e); // the response was already committed
    }
  }
}
