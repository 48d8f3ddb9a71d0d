package io.x402j.gateway;

import io.x402j.gateway.internal.GatewayHandler;
import io.x402j.jetty.JettyServer;
import io.x402j.server.PaymentGate;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts prices in front of an HTTP API: requests to paid routes are answered with 402 until paid,
 * and only paid requests reach the upstream; the upstream's answer is held until the payment is
 * settled (an upstream error is passed on and not charged). Requests to other routes are forwarded
 * as they are. Method, path, query, headers and body are forwarded; hop-by-hop and payment headers
 * are not, and {@code X-Forwarded-For/-Proto/-Host} are added, as is {@code X-Payment-Payer} on
 * paid requests and {@code X-Payment-Signed-In} (the wallet as a CAIP-10 account, e.g. {@code
 * eip155:8453:0xAbC…}) on requests a wallet signed in for with sign-in-with-x instead of paying;
 * clients' own copies of these headers, and their {@code SIGN-IN-WITH-X} header, are never
 * forwarded.
 *
 * <p>The path forwarded is the path priced, canonically percent-encoded; a path the upstream might
 * read otherwise ({@code ..}, {@code //}, {@code ;x=1}, {@code %2F}, …) is answered 400. {@code
 * HEAD} is priced like {@code GET} and {@code OPTIONS} like the route of its path; a CORS preflight
 * is free, and only its status and CORS headers come back from the upstream.
 *
 * <pre>{@code
 * try (Gateway gateway = Gateway.builder(gate, URI.create("http://127.0.0.1:9000")).port(4021).start()) {
 *   …
 * }
 * }</pre>
 */
public final class Gateway implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final JettyServer server;
  private final List<AutoCloseable> owned;

  private Gateway(Builder b) {
    owned = List.copyOf(b.owned);
    HttpClient client =
        b.httpClient != null
            ? b.httpClient
            : HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    GatewayHandler handler =
        new GatewayHandler(
            b.gate,
            b.upstream,
            client,
            b.upstreamTimeout,
            b.maxRequestBytes,
            b.maxResponseBytes,
            b.bodyTimeout);
    server =
        JettyServer.builder("gateway", handler)
            .host(b.host)
            .port(b.port)
            .maxThreads(b.maxThreads)
            .stopTimeout(Duration.ofSeconds(30))
            .build();
  }

  /** Starts configuring a gateway applying {@code gate} in front of {@code upstream}. */
  public static Builder builder(PaymentGate gate, URI upstream) {
    return new Builder(gate, upstream);
  }

  /** The port listened on. */
  public int port() {
    return server.port();
  }

  /** The gateway's base URL. */
  public String url() {
    return server.url();
  }

  /**
   * Stops accepting; requests in flight finish (up to 30 s). Then closes what the gateway owns
   * ({@link Builder#owning}), such as the sign-in database's connection pool.
   */
  @Override
  public void close() {
    try {
      server.close();
    } finally {
      closeAll(owned);
    }
  }

  /** What the gateway closes after it stops (for tests). */
  List<AutoCloseable> owned() {
    return owned;
  }

  /** Closes {@code resources}, last first; a failure is logged and the others still closed. */
  static void closeAll(List<? extends AutoCloseable> resources) {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        LOG.warn(
            "closing {} failed: {}", resources.get(i).getClass().getSimpleName(), e.toString());
      }
    }
  }

  /** Builds and starts a {@link Gateway}. */
  public static final class Builder {
    private final PaymentGate gate;
    private final URI upstream;
    private String host = "127.0.0.1";
    private int port = 4021;
    private int maxRequestBytes = 10 * 1024 * 1024;
    private int maxResponseBytes = 16 * 1024 * 1024;
    private Duration upstreamTimeout = Duration.ofSeconds(60);
    private int maxThreads = 200;
    private Duration bodyTimeout = Duration.ofSeconds(20);
    private HttpClient httpClient;
    private final List<AutoCloseable> owned = new ArrayList<>();

    private Builder(PaymentGate gate, URI upstream) {
      this.gate = Objects.requireNonNull(gate, "gate");
      this.upstream = Objects.requireNonNull(upstream, "upstream");
      String scheme = upstream.getScheme();
      if (!"http".equals(scheme) && !"https".equals(scheme) || upstream.getHost() == null) {
        throw new IllegalArgumentException(
            "the upstream must be an http(s) URL such as http://127.0.0.1:9000, got " + upstream);
      }
      if (upstream.getQuery() != null || upstream.getFragment() != null) {
        throw new IllegalArgumentException("the upstream URL must not have a query or fragment");
      }
    }

    /** The address to listen on (default 127.0.0.1). */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The port (default 4021; 0 picks a free one). */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** The largest request body forwarded (default 10 MiB); larger ones get 413. */
    public Builder maxRequestBytes(int bytes) {
      this.maxRequestBytes = bytes;
      return this;
    }

    /** The largest upstream response (default 16 MiB); larger ones get 502, uncharged. */
    public Builder maxResponseBytes(int bytes) {
      this.maxResponseBytes = bytes;
      return this;
    }

    /** How long the upstream may take (default 60 s). */
    public Builder upstreamTimeout(Duration timeout) {
      this.upstreamTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * How long a request body may take to arrive in full (default 20 s); slower clients get a 408
     * and free their thread, where trickling a byte at a time would otherwise hold it for good.
     */
    public Builder bodyTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("bodyTimeout must be positive, got " + timeout);
      }
      this.bodyTimeout = timeout;
      return this;
    }

    /** The most requests handled at once (default 200). */
    public Builder maxThreads(int threads) {
      this.maxThreads = threads;
      return this;
    }

    /** The HTTP client for the upstream (default: HTTP/1.1, no redirects followed). */
    public Builder httpClient(HttpClient client) {
      this.httpClient = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Something the gateway owns (a connection pool its gate uses): closed after the gateway stops,
     * or when it fails to start. Several are closed last first.
     */
    public Builder owning(AutoCloseable resource) {
      owned.add(Objects.requireNonNull(resource, "resource"));
      return this;
    }

    /**
     * Starts the gateway.
     *
     * @throws IllegalStateException if the port cannot be bound (what it owns is closed then)
     */
    public Gateway start() {
      Gateway gateway;
      try {
        gateway = new Gateway(this);
        gateway.server.start();
      } catch (RuntimeException e) {
        closeAll(owned);
        throw e;
      }
      return gateway;
    }
  }
}
