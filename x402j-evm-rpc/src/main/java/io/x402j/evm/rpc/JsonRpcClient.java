package io.x402j.evm.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.evm.rpc.RpcException.Kind;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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

  /**
   * The EVM methods that only read chain state, retried on transport failures: the default of
   * {@link Builder#reads}.
   */
  public static final Set<String> EVM_READS =
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

  private final String redacted;
  private final Set<String> reads;
  private final RpcTransport transport;
  private final ReadCoalescer coalescer;

  private JsonRpcClient(Builder b) {
    List<RpcEndpoint> endpoints = new ArrayList<>();
    for (String url : b.urls) {
      endpoints.add(RpcEndpoint.parse(url));
    }
    this.redacted = endpoints.get(0).redacted();
    this.reads = b.reads;
    HttpClient http =
        b.httpClient != null
            ? b.httpClient
            : HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(b.connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    this.transport =
        new RpcTransport(
            endpoints, http, b.timeout, b.maxAttempts, b.backoff, b.maxResponseBytes, b.onFailure);
    this.coalescer =
        new ReadCoalescer(
            calls -> transport.send(calls, true),
            b.readRequests,
            b.callsPerRequest,
            b.timeout,
            redacted);
  }

  /** Starts a client for the node at {@code url}. */
  public static Builder builder(String url) {
    return new Builder(url);
  }

  /** The node as {@code scheme://host:port}, safe to log. */
  public String redactedUrl() {
    return redacted;
  }

  /**
   * Whether {@code method} is an EVM method that only reads chain state (see {@link #EVM_READS}).
   */
  public static boolean isRead(String method) {
    return EVM_READS.contains(method);
  }

  /**
   * Whether this client treats {@code method} as a read: retried on any transport failure and
   * coalesced with other reads (see {@link Builder#reads}).
   */
  public boolean retriesAsRead(String method) {
    return reads.contains(method);
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
    boolean allReads = calls.stream().allMatch(c -> reads.contains(c.method()));
    if (allReads && coalescer.takes(calls)) {
      return coalescer.submit(calls);
    }
    return transport.send(calls, allReads);
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
    private Set<String> reads = EVM_READS;

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

    /**
     * The methods that only read state, so that retrying them after a request may have left is
     * harmless (default {@link JsonRpcClient#EVM_READS}); every other method is a write, retried
     * only when no connection was made. Another chain family names its own, e.g. Solana's {@code
     * getLatestBlockhash} or {@code getSignatureStatuses}.
     */
    public Builder reads(Set<String> methods) {
      Objects.requireNonNull(methods, "methods");
      for (String method : methods) {
        Objects.requireNonNull(method, "a read method");
      }
      this.reads = Set.copyOf(methods);
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
