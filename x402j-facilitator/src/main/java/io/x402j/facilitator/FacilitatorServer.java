package io.x402j.facilitator;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.x402j.facilitator.internal.FacilitatorHandler;
import io.x402j.facilitator.internal.RateLimiter;
import io.x402j.jetty.JettyServer;
import io.x402j.settlement.SettlementLedger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The facilitator HTTP API on embedded Jetty: {@code POST /verify}, {@code POST /settle} (both
 * protocol versions), {@code GET /supported}, {@code GET /health}, {@code GET /metrics} (Prometheus
 * text) and {@code GET /settlements} (the ledger, paged and filtered by {@code payer}, {@code
 * payTo}, {@code status} and {@code network}), and with a {@link DiscoveryCatalog} {@code GET
 * /discovery/resources} and {@code GET /discovery/search}.
 *
 * <p>{@link #close()} stops accepting requests and lets those in flight finish, up to the stop
 * timeout; settlements cut short stay in the ledger for the reconciler.
 */
public final class FacilitatorServer implements AutoCloseable {
  /** A named health check. */
  public interface HealthProbe {
    /** What is checked, e.g. {@code eip155:8453}. */
    String name();

    /** Runs the check. */
    CompletableFuture<ProbeResult> check();

    /** A probe from a name and a check. */
    static HealthProbe of(
        String name, java.util.function.Supplier<CompletableFuture<ProbeResult>> check) {
      return new HealthProbe() {
        @Override
        public String name() {
          return name;
        }

        @Override
        public CompletableFuture<ProbeResult> check() {
          return check.get();
        }
      };
    }
  }

  /** The outcome of a health check, with details to show (block number, latency, …). */
  public record ProbeResult(boolean ok, Map<String, Object> details) {}

  private final JettyServer server;

  private FacilitatorServer(Builder b) {
    RateLimiter settleLimiter = limiter(b.settlesPerSecond, b.settlesPerPayerPerMinute, b.nanoTime);
    RateLimiter verifyLimiter =
        limiter(b.verifiesPerSecond, b.verifiesPerPayerPerMinute, b.nanoTime);
    FacilitatorHandler handler =
        new FacilitatorHandler(
            new FacilitatorHandler.Setup(
                b.service,
                b.bearerToken == null ? null : b.bearerToken.getBytes(StandardCharsets.UTF_8),
                settleLimiter,
                verifyLimiter,
                b.maxBodyBytes,
                b.bodyTimeout,
                b.ledger,
                List.copyOf(b.probes),
                b.prometheus,
                b.catalog));
    server =
        JettyServer.builder("facilitator", handler)
            .host(b.host)
            .port(b.port)
            .maxThreads(b.maxThreads)
            .idleTimeout(b.idleTimeout)
            .stopTimeout(b.stopTimeout)
            .build();
  }

  private static RateLimiter limiter(
      double perSecond, double perPayerPerMinute, LongSupplier nanoTime) {
    return perSecond > 0 || perPayerPerMinute > 0
        ? new RateLimiter(perSecond, perPayerPerMinute, nanoTime)
        : null;
  }

  /** Starts configuring a server for {@code service}. */
  public static Builder builder(FacilitatorService service) {
    return new Builder(service);
  }

  /**
   * Starts listening.
   *
   * @throws IllegalStateException if the port cannot be bound
   */
  public FacilitatorServer start() {
    server.start();
    return this;
  }

  /** The bound port (still known after {@link #close()}); -1 before {@link #start()}. */
  public int port() {
    return server.port();
  }

  /** The base URL, {@code http://host:port}. */
  public String url() {
    return server.url();
  }

  /** Stops gracefully: no new requests, in-flight ones finish within the stop timeout. */
  @Override
  public void close() {
    server.close();
  }

  /** Builds a {@link FacilitatorServer}. */
  public static final class Builder {
    private final FacilitatorService service;
    private String host = "127.0.0.1";
    private int port = 4022;
    private String bearerToken;
    private double settlesPerSecond;
    private double settlesPerPayerPerMinute;
    private double verifiesPerSecond;
    private double verifiesPerPayerPerMinute;
    private int maxBodyBytes = 64 * 1024;
    private SettlementLedger ledger;
    private final List<HealthProbe> probes = new ArrayList<>();
    private PrometheusMeterRegistry prometheus;
    private DiscoveryCatalog catalog;
    private Duration stopTimeout = Duration.ofSeconds(30);
    private Duration idleTimeout = Duration.ofSeconds(30);
    private Duration bodyTimeout = Duration.ofSeconds(20);
    private int maxThreads = 200;
    private LongSupplier nanoTime = System::nanoTime;

    private Builder(FacilitatorService service) {
      this.service = Objects.requireNonNull(service, "service");
    }

    /** The address to listen on (default 127.0.0.1; 0.0.0.0 for every interface). */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The port (default 4022; 0 picks a free one). */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * Requires {@code Authorization: Bearer <token>} on {@code /verify}, {@code /settle} and {@code
     * /settlements}; {@code null} (the default) requires nothing.
     */
    public Builder bearerToken(String bearerToken) {
      this.bearerToken = bearerToken;
      return this;
    }

    /**
     * Limits {@code /settle}: settlements per second in all, and per minute for one payer; 0 means
     * no limit. Refused calls get 429 with {@code Retry-After}.
     */
    public Builder settleRateLimits(double perSecond, double perPayerPerMinute) {
      this.settlesPerSecond = perSecond;
      this.settlesPerPayerPerMinute = perPayerPerMinute;
      return this;
    }

    /**
     * Limits {@code /verify} the same way: verifications per second in all, and per minute for one
     * payer; 0 (the default) means no limit. Each verification costs a batch of node reads, so a
     * facilitator open to the internet should set these. Refused calls get 429 with {@code
     * Retry-After}.
     */
    public Builder verifyRateLimits(double perSecond, double perPayerPerMinute) {
      this.verifiesPerSecond = perSecond;
      this.verifiesPerPayerPerMinute = perPayerPerMinute;
      return this;
    }

    /** The largest request body accepted (default 64 KiB); larger ones get 413. */
    public Builder maxBodyBytes(int maxBodyBytes) {
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    /** The ledger behind {@code /settlements}; without one that endpoint answers 404. */
    public Builder ledger(SettlementLedger ledger) {
      this.ledger = ledger;
      return this;
    }

    /**
     * Catalogs the bazaar declarations of verified and settled payments, reports the outcome in the
     * {@code EXTENSION-RESPONSES} header, lists {@code bazaar} in {@code /supported} and serves
     * {@code GET /discovery/resources} and {@code GET /discovery/search}; without one those
     * endpoints answer 404. The caller closes it.
     */
    public Builder discovery(DiscoveryCatalog catalog) {
      this.catalog = catalog;
      return this;
    }

    /** Adds a check to {@code /health}. */
    public Builder healthProbe(HealthProbe probe) {
      probes.add(Objects.requireNonNull(probe, "probe"));
      return this;
    }

    /** The registry {@code /metrics} shows; without one that endpoint answers 404. */
    public Builder prometheus(PrometheusMeterRegistry prometheus) {
      this.prometheus = prometheus;
      return this;
    }

    /** How long {@link #close()} waits for requests in flight (default 30 s). */
    public Builder stopTimeout(Duration stopTimeout) {
      this.stopTimeout = Objects.requireNonNull(stopTimeout, "stopTimeout");
      return this;
    }

    /** How long an idle connection is kept (default 30 s): slow clients are cut off. */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
      return this;
    }

    /**
     * How long a request body may take to arrive in full (default 20 s). A client sending it slower
     * gets a 408 and its thread back: without this, trickling one byte at a time holds a thread
     * indefinitely, since each byte resets the idle timeout.
     */
    public Builder bodyTimeout(Duration bodyTimeout) {
      Objects.requireNonNull(bodyTimeout, "bodyTimeout");
      if (bodyTimeout.isNegative() || bodyTimeout.isZero()) {
        throw new IllegalArgumentException("bodyTimeout must be positive, got " + bodyTimeout);
      }
      this.bodyTimeout = bodyTimeout;
      return this;
    }

    /** The most request threads (default 200). */
    public Builder maxThreads(int maxThreads) {
      this.maxThreads = maxThreads;
      return this;
    }

    /** The clock that refills the rate limits ({@link System#nanoTime()}); tests freeze it. */
    Builder nanoTime(LongSupplier nanoTime) {
      this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
      return this;
    }

    /** Builds the server (not started). */
    public FacilitatorServer build() {
      return new FacilitatorServer(this);
    }
  }
}
