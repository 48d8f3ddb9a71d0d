package io.x402j.evm.rpc;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.core.internal.Futures;
import io.x402j.core.internal.HttpExchanges;
import io.x402j.core.internal.LimitedBody;
import io.x402j.core.internal.StrictJson;
import io.x402j.core.internal.Text;
import io.x402j.evm.rpc.RpcException.Kind;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A JSON-RPC 2.0 client for EVM nodes on {@link java.net.http.HttpClient}: single calls and
 * batches, a timeout per attempt, and retries with exponential backoff that are safe by
 * construction. Reads (for example {@code eth_call}, {@code eth_getTransactionReceipt}) are retried
 * when the node is unreachable, drops the connection, times out, answers 429/502/503/504 or reports
 * a rate limit. Writes ({@code eth_sendRawTransaction}) are retried only when no connection was
 * made, so the request provably never left. Immutable and thread-safe.
 *
 * <p>Under load, concurrent reads share HTTP requests (see {@link Builder#readCoalescing}): while
 * fewer than two read requests are in flight a read goes at once, so an idle client adds no
 * latency; beyond that, reads wait for a full JSON-RPC batch or for a request to come back, and go
 * out together. A busy client thus sends far fewer, larger requests, which is cheaper for it and
 * for the node. Each caller still gets exactly its own results, and a failure of the shared request
 * fails (or retries) each of them alike. Writes are never coalesced.
 *
 * <p>The node URL often carries an API key in its path or query; every message names the node by
 * scheme, host and port only.
 */
public final class JsonRpcClient {
  /** The default for the most coalesced read requests in flight at once. */
  public static final int DEFAULT_READ_REQUESTS = 16;

  /** The default for the most calls in one coalesced read request. */
  public static final int DEFAULT_CALLS_PER_REQUEST = 48;

  /** Below this many coalesced requests in flight, waiting reads go at once, however few. */
  private static final int EAGER_REQUESTS = 2;

  private static final Set<String> READS =
      Set.of(
          "eth_call",
          "eth_chainId",
          "eth_blockNumber",
          "eth_getCode",
          "eth_getBalance",
          "eth_getStorageAt",
          "eth_getTransactionCount",
          "eth_getTransactionReceipt",
          "eth_getTransactionByHash",
          "eth_getBlockByNumber",
          "eth_estimateGas",
          "eth_gasPrice",
          "eth_maxPriorityFeePerGas",
          "eth_feeHistory",
          "net_version",
          "web3_clientVersion");

  private final List<Endpoint> endpoints;
  private final String redacted;
  private final Consumer<RpcException> onFailure;
  private final HttpClient http;
  private final Duration timeout;
  private final int maxAttempts;
  private final Duration backoff;
  private final int maxResponseBytes;
  private final ObjectMapper mapper = new ObjectMapper();
  private final StrictJson json;
  private final AtomicLong ids = new AtomicLong();
  private final int readRequests;
  private final int callsPerRequest;
  private final Object queueLock = new Object();
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  private int readsInFlight;
  private int callsWaiting;

  /** One node URL and its loggable form. */
  private record Endpoint(URI uri, String redacted) {}

  /** Reads waiting for a free request, and when they began to wait. */
  private record Waiting(
      List<RpcCall> calls, CompletableFuture<List<RpcResult>> done, long since) {}

  private JsonRpcClient(Builder b) {
    List<Endpoint> list = new ArrayList<>();
    for (String url : b.urls) {
      URI parsed;
      try {
        parsed = new URI(url);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("RPC URL is not a valid URL: " + e.getReason());
      }
      if (parsed.getScheme() == null
          || !(parsed.getScheme().equals("http") || parsed.getScheme().equals("https"))
          || parsed.getHost() == null) {
        throw new IllegalArgumentException(
            "RPC URL " + redact(parsed) + " must be an absolute http(s) URL");
      }
      list.add(new Endpoint(parsed, redact(parsed)));
    }
    this.endpoints = List.copyOf(list);
    this.redacted = endpoints.get(0).redacted();
    this.onFailure = b.onFailure;
    this.timeout = b.timeout;
    this.maxAttempts = b.maxAttempts;
    this.backoff = b.backoff;
    this.maxResponseBytes = b.maxResponseBytes;
    this.json = new StrictJson(maxResponseBytes);
    this.readRequests = b.readRequests;
    this.callsPerRequest = b.callsPerRequest;
    this.http =
        b.httpClient != null
            ? b.httpClient
            : HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(b.connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
  }

  /** Starts a client for the node at {@code url}. */
  public static Builder builder(String url) {
    return new Builder(url);
  }

  /** The node as {@code scheme://host:port}, safe to log. */
  public String redactedUrl() {
    return redacted;
  }

  /** {@code scheme://host[:port]}: RPC URLs carry keys in paths and queries alike. */
  static String redact(URI uri) {
    if (uri == null || uri.getHost() == null) {
      return "<invalid RPC URL>";
    }
    return uri.getScheme()
        + "://"
        + uri.getHost()
        + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
  }

  /** Whether {@code method} only reads chain state, so retrying it is harmless. */
  public static boolean isRead(String method) {
    return READS.contains(method);
  }

  /**
   * Calls one method. Completes with the {@code result}, or exceptionally with an {@link
   * RpcException} (kind {@link Kind#RPC_ERROR} for an error object).
   */
  public CompletableFuture<JsonNode> call(String method, Object... params) {
    return batch(List.of(RpcCall.of(method, params)))
        .thenApply(
            results -> {
              RpcResult result = results.get(0);
              if (!result.ok()) {
                RpcError error = result.error();
                throw new RpcException(
                    Kind.RPC_ERROR,
                    method,
                    0,
                    error,
                    method + " failed on " + redacted + ": " + error.code() + " " + error.message(),
                    null);
              }
              return result.result();
            });
  }

  /**
   * Sends several calls in one HTTP request. Completes with one {@link RpcResult} per call, in
   * order; a call's error object is a result, not an exception. Completes exceptionally only when
   * the batch as a whole failed.
   */
  public CompletableFuture<List<RpcResult>> batch(List<RpcCall> calls) {
    if (calls.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    boolean allReads = calls.stream().allMatch(c -> isRead(c.method()));
    if (!allReads || readRequests == 0 || calls.size() >= callsPerRequest) {
      return send(calls, allReads);
    }
    Waiting entry = new Waiting(List.copyOf(calls), new CompletableFuture<>(), System.nanoTime());
    synchronized (queueLock) {
      waiting.add(entry);
      callsWaiting += entry.calls().size();
    }
    dispatch();
    return entry.done();
  }

  private CompletableFuture<List<RpcResult>> send(List<RpcCall> calls, boolean allReads) {
    long firstId = ids.getAndAdd(calls.size());
    String body = encode(calls, firstId);
    return attempt(calls, firstId, body, allReads, 1);
  }

  /**
   * Sends waiting reads, as many per request as fit in {@code callsPerRequest}: at once while fewer
   * than {@code EAGER_REQUESTS} are in flight, else only full batches, and never more than {@code
   * readRequests} in flight. Reads that waited longer than the attempt timeout fail with {@link
   * Kind#TIMEOUT} rather than wait on.
   */
  private void dispatch() {
    while (true) {
      List<Waiting> group = new ArrayList<>();
      List<Waiting> expired = new ArrayList<>();
      synchronized (queueLock) {
        long now = System.nanoTime();
        while (!waiting.isEmpty() && now - waiting.peek().since() > timeout.toNanos()) {
          Waiting gone = waiting.poll();
          callsWaiting -= gone.calls().size();
          expired.add(gone);
        }
        if (!waiting.isEmpty()
            && readsInFlight < readRequests
            && (readsInFlight < EAGER_REQUESTS || callsWaiting >= callsPerRequest)) {
          int size = 0;
          while (!waiting.isEmpty()
              && (group.isEmpty() || size + waiting.peek().calls().size() <= callsPerRequest)) {
            Waiting next = waiting.poll();
            callsWaiting -= next.calls().size();

            group.add(next);
            size += next.calls().size();
          }
          readsInFlight++;
        }
      }
      for (Waiting w : expired) {
        String method = w.calls().get(0).method();
        w.done()
            .completeExceptionally(
                new RpcException(
                    Kind.TIMEOUT,
                    method,
                    0,
                    null,
                    method
                        + " on "
                        + redacted
                        + ": waited over "
                        + timeout.toMillis()
                        + " ms for the node to answer earlier requests",
                    null));
      }
      if (group.isEmpty()) {
        return;
      }
      sendTogether(group);
    }
  }

  private void sendTogether(List<Waiting> group) {
    List<RpcCall> calls = new ArrayList<>();
    for (Waiting w : group) {
      calls.addAll(w.calls());
    }
    CompletableFuture<List<RpcResult>> sent;
    try {
      sent = send(calls, true);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete(
        (results, error) -> {
          synchronized (queueLock) {
            readsInFlight--;
          }
          dispatch(); // the next group goes out before this one's callers run
          int offset = 0;
          for (Waiting w : group) {
            int n = w.calls().size();
            if (error != null) {
              w.done().completeExceptionally(Futures.unwrap(error));
            } else {
              w.done().complete(List.copyOf(results.subList(offset, offset + n)));
            }
            offset += n;
          }
        });
  }

  private String encode(List<RpcCall> calls, long firstId) {
    StringWriter out = new StringWriter(128 * calls.size());
    try (JsonGenerator json = mapper.getFactory().createGenerator(out)) {
      // A single call goes as a plain object: some nodes handle batches less well.
      boolean batch = calls.size() > 1;
      if (batch) {
        json.writeStartArray();
      }
      for (int i = 0; i < calls.size(); i++) {
        json.writeStartObject();
        json.writeStringField("jsonrpc", "2.0");
        json.writeNumberField("id", firstId + i);
        json.writeStringField("method", calls.get(i).method());
        json.writeArrayFieldStart("params");
        for (Object param : calls.get(i).params()) {
          if (param instanceof BigInteger) {
            json.writeString("0x" + ((BigInteger) param).toString(16));
          } else {
            mapper.writeValue(json, param);
          }
        }
        json.writeEndArray();
        json.writeEndObject();
      }
      if (batch) {
        json.writeEndArray();
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("RPC parameters cannot be written as JSON", e);
    }
    return out.toString();
  }

  private CompletableFuture<List<RpcResult>> attempt(
      List<RpcCall> calls, long firstId, String body, boolean allReads, int attempt) {
    // Retries go round the configured nodes, so a fallback serves when the first is down.
    Endpoint endpoint = endpoints.get((attempt - 1) % endpoints.size());
    HttpRequest request =
        HttpRequest.newBuilder(endpoint.uri())
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
    String method =
        calls.get(0).method() + (calls.size() > 1 ? " (batch of " + calls.size() + ")" : "");
    return HttpExchanges.send(http, request, LimitedBody.handler(maxResponseBytes))
        .orTimeout(timeout.toMillis() + 250, TimeUnit.MILLISECONDS)
        .handle(
            (response, error) -> {
              try {
                if (error != null) {
                  throw transportFailure(endpoint.redacted(), method, Futures.unwrap(error));
                }
                return parse(endpoint.redacted(), method, calls.size(), firstId, response);
              } catch (RpcException e) {
                onFailure.accept(e);
                return e;
              }
            })
        .thenCompose(
            outcome -> {
              if (outcome instanceof RpcException) {
                RpcException failure = (RpcException) outcome;
                if (attempt < maxAttempts && retryable(failure, allReads)) {
                  return retryLater(calls, firstId, body, allReads, attempt);
                }
                return CompletableFuture.failedFuture(failure);
              }
              @SuppressWarnings("unchecked")
              List<RpcResult> results = (List<RpcResult>) outcome;
              boolean rateLimited =
                  results.stream().anyMatch(r -> !r.ok() && r.error().isRateLimited());
              if (rateLimited && allReads && attempt < maxAttempts) {
                return retryLater(calls, firstId, body, allReads, attempt);
              }
              return CompletableFuture.completedFuture(results);
            });
  }

  private CompletableFuture<List<RpcResult>> retryLater(
      List<RpcCall> calls, long firstId, String body, boolean allReads, int attempt) {
    long delay = backoff.toMillis() << Math.min(attempt - 1, 10);
    return CompletableFuture.supplyAsync(
            () -> null,
            CompletableFuture.delayedExecutor(Math.min(delay, 2000), TimeUnit.MILLISECONDS))
        .thenCompose(ignored -> attempt(calls, firstId, body, allReads, attempt + 1));
  }

  private static boolean retryable(RpcException failure, boolean allReads) {
    switch (failure.kind()) {
      case UNREACHABLE:
        return true; // nothing was sent, so even a write may go again
      case CONNECTION_LOST:
      case TIMEOUT:
        return allReads;
      case HTTP_STATUS:
        int status = failure.httpStatus();
        return allReads && (status == 429 || status == 502 || status == 503 || status == 504);
      default:
        return false;
    }
  }

  private List<RpcResult> parse(
      String node, String method, int expected, long firstId, HttpResponse<byte[]> response) {
    String text = new String(response.body(), StandardCharsets.UTF_8);
    if (response.statusCode() < 200 || response.statusCode() >= 300) {
      throw new RpcException(
          Kind.HTTP_STATUS,
          method,
          response.statusCode(),
          null,
          method
              + " on "
              + node
              + " failed with HTTP "
              + response.statusCode()
              + ": "
              + Text.quote(text.strip()),
          null);
    }
    JsonNode root;
    try {
      root = json.parse(text);
    } catch (IOException e) {
      throw badResponse(node, method, "not JSON", text);
    }
    Map<Long, RpcResult> byId = new HashMap<>();
    if (root.isArray()) {
      for (JsonNode item : root) {
        readOne(node, method, item, byId);
      }
    } else if (root.isObject()) {
      if (expected > 1 && root.has("error") && !root.hasNonNull("id")) {
        // A node that refuses batches answers one error for the whole request.
        RpcError error = error(root.get("error"));
        throw new RpcException(
            Kind.RPC_ERROR,
            method,
            0,
            error,
            method + " refused by " + node + ": " + error.message(),
            null);
      }
      readOne(node, method, root, byId);
    } else {
      throw badResponse(node, method, "neither an object nor an array", text);
    }
    List<RpcResult> results = new ArrayList<>(expected);
    for (int i = 0; i < expected; i++) {
      RpcResult result = byId.get(firstId + i);
      if (result == null) {
        throw badResponse(node, method, "no answer for request id " + (firstId + i), text);
      }
      results.add(result);
    }
    return results;
  }

  private void readOne(String node, String method, JsonNode item, Map<Long, RpcResult> byId) {
    if (!item.isObject() || !item.has("id") || !item.get("id").canConvertToLong()) {
      throw badResponse(node, method, "a response without a numeric id", item.toString());
    }
    long id = item.get("id").longValue();
    if (item.hasNonNull("error")) {
      byId.put(id, RpcResult.failed(error(item.get("error"))));
    } else if (item.has("result")) {
      byId.put(id, RpcResult.ok(item.get("result")));
    } else {
      throw badResponse(node, method, "a response with neither result nor error", item.toString());
    }
  }

  private static RpcError error(JsonNode error) {
    return new RpcError(
        error.path("code").asInt(0), error.path("message").asText(""), error.get("data"));
  }

  private RpcException badResponse(String node, String method, String what, String text) {
    return new RpcException(
        Kind.BAD_RESPONSE,
        method,
        0,
        null,
        method + " on " + node + " answered " + what + ": " + Text.quote(text.strip()),
        null);
  }

  private RpcException transportFailure(String node, String method, Throwable cause) {
    String where = method + " on " + node;
    if (cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException) {
      return new RpcException(
          Kind.UNREACHABLE, method, 0, null, where + ": node unreachable", cause);
    }
    if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
      return new RpcException(
          Kind.TIMEOUT,
          method,
          0,
          null,
          where + ": no answer within " + timeout.toMillis() + " ms",
          cause);
    }
    if (cause instanceof LimitedBody.TooLargeException) {
      return new RpcException(
          Kind.BAD_RESPONSE, method, 0, null, where + ": " + cause.getMessage(), cause);
    }
    return new RpcException(
        Kind.CONNECTION_LOST,
        method,
        0,
        null,
        where + ": connection failed (" + cause.getClass().getSimpleName() + ")",
        cause);
  }

  /** Builds a {@link JsonRpcClient}. */
  public static final class Builder {
    private final List<String> urls = new ArrayList<>();
    private Consumer<RpcException> onFailure = failure -> {};
    private HttpClient httpClient;
    private Duration connectTimeout = Duration.ofSeconds(3);
    private Duration timeout = Duration.ofSeconds(10);
    private int maxAttempts = 4;
    private Duration backoff = Duration.ofMillis(100);
    private int maxResponseBytes = 8 * 1024 * 1024;
    private int readRequests = DEFAULT_READ_REQUESTS;
    private int callsPerRequest = DEFAULT_CALLS_PER_REQUEST;

    private Builder(String url) {
      this.urls.add(Objects.requireNonNull(url, "url"));
    }

    /** The HTTP client to use; by default one of its own (HTTP/1.1, no redirects). */
    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
      return this;
    }

    /** How long to wait for a connection (default 3 s). */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
      return this;
    }

    /** How long one attempt may take (default 10 s). */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** Attempts per call including the first (default 4). */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1");
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** The first retry delay, doubled per retry up to 2 s (default 100 ms). */
    public Builder backoff(Duration backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /**
     * Adds a node to fall back on: retries of a failed attempt go round the nodes in order. Raise
     * {@link #maxAttempts} to at least the number of nodes to try each.
     */
    public Builder fallback(String url) {
      this.urls.add(Objects.requireNonNull(url, "url"));
      return this;
    }

    /** Told of every failed attempt (for metrics); must not block. */
    public Builder onFailure(Consumer<RpcException> onFailure) {
      this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
      return this;
    }

    /**
     * How concurrent reads share HTTP requests: at most {@code requestsInFlight} coalesced read
     * requests at once, each with at most {@code callsPerRequest} calls (defaults {@value
     * JsonRpcClient#DEFAULT_READ_REQUESTS} and {@value JsonRpcClient#DEFAULT_CALLS_PER_REQUEST};
     * some hosted nodes cap batches, so keep {@code callsPerRequest} within your provider's limit).
     * A batch of at least {@code callsPerRequest} calls goes on its own. {@code requestsInFlight} 0
     * turns coalescing off: every read is its own request.
     */
    public Builder readCoalescing(int requestsInFlight, int callsPerRequest) {
      if (requestsInFlight < 0 || callsPerRequest < 1) {
        throw new IllegalArgumentException(
            "readCoalescing needs requestsInFlight >= 0 and callsPerRequest >= 1, got "
                + requestsInFlight
                + " and "
                + callsPerRequest);
      }
      this.readRequests = requestsInFlight;
      this.callsPerRequest = callsPerRequest;
      return this;
    }

    /** The largest response accepted (default 8 MiB). */
    public Builder maxResponseBytes(int maxResponseBytes) {
      this.maxResponseBytes = maxResponseBytes;
      return this;
    }

    /**
     * Builds the client.
     *
     * @throws IllegalArgumentException for a URL that is not absolute http(s); the message does not
     *     repeat the URL's path or query
     */
    public JsonRpcClient build() {
      return new JsonRpcClient(this);
    }
  }
}
