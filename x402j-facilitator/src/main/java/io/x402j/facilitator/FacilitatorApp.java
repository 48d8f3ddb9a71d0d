package io.x402j.facilitator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.x402j.core.Network;
import io.x402j.core.NetworkInfo;
import io.x402j.core.NetworkRegistry;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.Signer;
import io.x402j.evm.facilitator.EvmNetworkConfig;
import io.x402j.evm.facilitator.ExactEvmFacilitator;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.facilitator.FacilitatorConfig.NetworkSettings;
import io.x402j.facilitator.FacilitatorConfig.SignerSource;
import io.x402j.facilitator.FacilitatorServer.ProbeResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running facilitator assembled from a {@link FacilitatorConfig}: the ledger, the RPC clients
 * (with fallbacks and error metrics), the gas-paying signers, the exact-scheme engine, the
 * screening, the metrics and the HTTP server. Settlements left unresolved by a previous run are
 * reconciled against the chain before the server accepts requests, and again periodically.
 */
public final class FacilitatorApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FacilitatorApp.class);

  private final JdbcSettlementLedger ledger;
  private final ExactEvmFacilitator exact;
  private final FacilitatorService service;
  private final FacilitatorServer server;
  private final ScheduledExecutorService maintenance;
  private final PrometheusMeterRegistry metrics;

  private FacilitatorApp(
      JdbcSettlementLedger ledger,
      ExactEvmFacilitator exact,
      FacilitatorService service,
      FacilitatorServer server,
      ScheduledExecutorService maintenance,
      PrometheusMeterRegistry metrics) {
    this.ledger = ledger;
    this.exact = exact;
    this.service = service;
    this.server = server;
    this.maintenance = maintenance;
    this.metrics = metrics;
  }

  /**
   * Starts a facilitator.
   *
   * @param env the environment that secrets and {@code ${NAME}} references are read from
   * @param registry the known networks, extended by networks the configuration describes
   * @throws IllegalArgumentException for a configuration that cannot work (a missing secret, a bad
   *     key); the message names the setting, never a secret
   */
  public static FacilitatorApp start(
      FacilitatorConfig config, Map<String, String> env, NetworkRegistry registry) {
    return start(config, env, registry, Clock.systemUTC(), System::nanoTime);
  }

  /**
   * As {@link #start(FacilitatorConfig, Map, NetworkRegistry)}, with the clocks that time
   * suspensions and denylist checks ({@code clock}) and refill rate limits ({@code nanoTime}).
   */
  static FacilitatorApp start(
      FacilitatorConfig config,
      Map<String, String> env,
      NetworkRegistry registry,
      Clock clock,
      LongSupplier nanoTime) {
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmThreadMetrics().bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);

    String token = null;
    if (config.bearerTokenEnv() != null) {
      token = env.get(config.bearerTokenEnv());
      if (token == null || token.isBlank()) {
        throw new IllegalArgumentException(
            "auth.bearerTokenEnv names " + config.bearerTokenEnv() + ", which is not set");
      }
    }
    NetworkRegistry networks = extend(registry, config.networks());
    JdbcSettlementLedger ledger = JdbcSettlementLedger.open(config.database(), env);
    ExactEvmFacilitator exact;
    List<FacilitatorServer.HealthProbe> probes = new ArrayList<>();
    RevertBan revertBan = RevertBan.of(config.revertBan(), clock).bindTo(metrics);
    try {
      ExactEvmFacilitator.Builder builder =
          ExactEvmFacilitator.builder()
              .ledger(ledger)
              .claimLease(config.claimLease())
              .onRevert(revertBan::reverted);

      for (NetworkSettings settings : config.networks()) {
        builder.network(networkConfig(settings, networks, env, metrics));
        probes.add(chainProbe(settings));
      }
      exact = builder.build();
    } catch (RuntimeException e) {
      ledger.close();
      throw e;
    }
    probes.add(
        FacilitatorServer.HealthProbe.of(
            "ledger",
            () ->
                java.util.concurrent.CompletableFuture.supplyAsync(
                    () ->
                        new ProbeResult(ledger.ping(), Map.of("database", ledger.description())))));

    PaymentScreen screen =
        config.denylist() == null
            ? revertBan
            : DenylistScreen.fromFile(config.denylist(), clock).andThen(revertBan);
    FacilitatorService service =
        FacilitatorService.builder()
            .networks(networks)
            .scheme(exact)
            .screen(screen)
            .meterRegistry(metrics)
            .build();

    // Before any new settlement: resolve what a previous run left in flight.
    ExactEvmFacilitator.ReconcileReport report = exact.reconcile().join();
    LOG.info(
        "reconciled at start: confirmed={} failed={} rebroadcast={} stillPending={}",
        report.confirmed(),
        report.failed(),
        report.rebroadcast(),
        report.stillPending());

    ScheduledExecutorService maintenance =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "x402j-facilitator-maintenance");
              t.setDaemon(true);
              return t;
            });
    AtomicLong unresolved = new AtomicLong(ledger.unresolved().size());
    Gauge.builder("x402j.facilitator.settlements.unresolved", unresolved, AtomicLong::get)
        .description("settlements broadcast whose outcome is not known yet")
        .register(metrics);
    long every = config.reconcileInterval().toMillis();
    maintenance.scheduleWithFixedDelay(
        () -> reconcile(exact, ledger, unresolved), every, every, TimeUnit.MILLISECONDS);
    bindLaneMetrics(exact, metrics);
    watchBalances(config, networks, exact, metrics, maintenance);

    FacilitatorServer.Builder serverBuilder =
        FacilitatorServer.builder(service)
            .host(config.host())
            .port(config.port())
            .bearerToken(token)
            .settleRateLimits(config.settlesPerSecond(), config.settlesPerPayerPerMinute())
            .verifyRateLimits(config.verifiesPerSecond(), config.verifiesPerPayerPerMinute())
            .maxBodyBytes(config.maxBodyBytes())
            .ledger(ledger)
            .prometheus(metrics)
            .nanoTime(nanoTime);
    probes.forEach(serverBuilder::healthProbe);
    FacilitatorServer server;
    try {
      server = serverBuilder.build().start();
    } catch (RuntimeException e) {
      maintenance.shutdownNow();
      exact.close();
      ledger.close();
      throw e;
    }
    LOG.info("facilitator listening on {} for {}", server.url(), exact.networks());
    return new FacilitatorApp(ledger, exact, service, server, maintenance, metrics);
  }

  private static NetworkRegistry extend(NetworkRegistry registry, List<NetworkSettings> settings) {
    NetworkRegistry.Builder b = registry.toBuilder();
    for (NetworkSettings s : settings) {
      NetworkInfo known = registry.find(s.network()).orElse(null);
      if (known == null || s.blockTime() != null || s.v1Name() != null) {
        NetworkInfo.Builder info =
            known != null ? known.toBuilder() : NetworkInfo.builder(s.network()).testnet(true);
        if (s.blockTime() != null) {
          info.blockTime(s.blockTime());
        }
        if (s.v1Name() != null) {
          info.v1Name(s.v1Name());
        }
        b.network(info.build());
      }
    }
    return b.build();
  }

  private static EvmNetworkConfig networkConfig(
      NetworkSettings settings,
      NetworkRegistry networks,
      Map<String, String> env,
      PrometheusMeterRegistry metrics) {
    Map<String, Counter> errors = new ConcurrentHashMap<>();
    JsonRpcClient.Builder rpc =
        JsonRpcClient.builder(settings.rpcUrls().get(0))
            .maxAttempts(Math.max(4, 2 * settings.rpcUrls().size()))
            .onFailure(
                e ->
                    errors
                        .computeIfAbsent(
                            e.kind().name(),
                            kind ->
                                Counter.builder("x402j.facilitator.rpc.errors")
                                    .description("failed JSON-RPC attempts by kind")
                                    .tag("network", settings.network().toString())
                                    .tag("kind", kind.toLowerCase(java.util.Locale.ROOT))
                                    .register(metrics))
                        .increment());
    settings.rpcUrls().stream().skip(1).forEach(rpc::fallback);
    if (settings.rpcBatchSize() != null) {
      int calls = settings.rpcBatchSize();
      rpc.readCoalescing(calls == 1 ? 0 : JsonRpcClient.DEFAULT_READ_REQUESTS, calls);
    }

    NetworkInfo info = networks.find(settings.network()).orElseThrow();
    if (!settings.assets().isEmpty()) {
      info = info.toBuilder().clearAssets().build(); // only the listed tokens
    }
    EvmNetworkConfig.Builder b = EvmNetworkConfig.builder(info, rpc.build());
    settings.assets().forEach(b::asset);
    b.signers(signers(settings, env));
    if (settings.receiptTimeout() != null) {
      b.receiptTimeout(settings.receiptTimeout());
    }
    if (settings.pollInterval() != null) {
      b.pollInterval(settings.pollInterval());
    }
    if (settings.maxFeePerGasWei() != null) {
      b.maxFeePerGas(settings.maxFeePerGasWei());
    }
    if (settings.gasLimitCap() != null) {
      b.gasLimitCap(settings.gasLimitCap());
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "network "
              + settings.network()
              + ": "
              + e.getMessage()
              + " (list assets, or use a network with a default USDC)");
    }
  }

  /** The signers of a network, from environment variables and keystores; secrets never echoed. */
  static List<Signer> signers(NetworkSettings settings, Map<String, String> env) {
    List<Signer> signers = new ArrayList<>();
    for (SignerSource source : settings.signers()) {
      String where = "signers of " + settings.network();
      if (source.env() != null) {
        String keys = env.get(source.env());
        if (keys == null || keys.isBlank()) {
          throw new IllegalArgumentException(
              "environment variable " + source.env() + " (" + where + ") is not set");
        }
        String[] parts = keys.split(",");
        for (int i = 0; i < parts.length; i++) {
          try {
            signers.add(PrivateKeySigner.fromHex(parts[i]));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "key " + (i + 1) + " in " + source.env() + " (" + where + "): " + e.getMessage());
          }
        }
      } else {
        String password = env.get(source.passwordEnv());
        if (password == null) {
          throw new IllegalArgumentException(
              "environment variable "
                  + source.passwordEnv()
                  + " (password of "
                  + source.keystore()
                  + ") is not set");
        }
        try {
          signers.add(PrivateKeySigner.fromKeystore(source.keystore(), password.toCharArray()));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read keystore " + source.keystore(), e);
        }
      }
    }
    return signers;
  }

  private static FacilitatorServer.HealthProbe chainProbe(NetworkSettings settings) {
    JsonRpcClient quick =
        JsonRpcClient.builder(settings.rpcUrls().get(0))
            .timeout(Duration.ofSeconds(2))
            .maxAttempts(1)
            .build();
    return FacilitatorServer.HealthProbe.of(
        settings.network().toString(),
        () -> {
          long start = System.nanoTime();
          return quick
              .call("eth_blockNumber")
              .thenApply(
                  block -> {
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("blockNumber", Hex.parseQuantity(block.asText()).longValue());
                    details.put(
                        "latencyMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                    details.put("rpc", quick.redactedUrl());
                    return new ProbeResult(true, details);
                  });
        });
  }

  private static void reconcile(
      ExactEvmFacilitator exact, JdbcSettlementLedger ledger, AtomicLong unresolved) {
    try {
      ExactEvmFacilitator.ReconcileReport report = exact.reconcile().join();
      if (report.confirmed() + report.failed() + report.rebroadcast() > 0) {
        LOG.info(
            "reconciled: confirmed={} failed={} rebroadcast={} stillPending={}",
            report.confirmed(),
            report.failed(),
            report.rebroadcast(),
            report.stillPending());
      }
      unresolved.set(ledger.unresolved().size());
    } catch (RuntimeException e) {
      LOG.warn("reconciliation failed, retrying later: {}", e.getMessage());
    }
  }

  private static void bindLaneMetrics(ExactEvmFacilitator exact, PrometheusMeterRegistry metrics) {
    for (Network network : exact.networks()) {
      for (ExactEvmFacilitator.LaneStats lane : exact.laneStats(network)) {
        EvmAddress signer = lane.signer();
        FunctionCounter.builder(
                "x402j.facilitator.nonce.resyncs",
                exact,
                e ->
                    e.laneStats(network).stream()
                        .filter(s -> s.signer().equals(signer))
                        .mapToLong(ExactEvmFacilitator.LaneStats::resyncs)
                        .sum())
            .description("times the node's nonce count corrected a signer's lane")
            .tag("network", network.toString())
            .tag("signer", signer.toString())
            .register(metrics);
      }
    }
  }

  private static void watchBalances(
      FacilitatorConfig config,
      NetworkRegistry networks,
      ExactEvmFacilitator exact,
      PrometheusMeterRegistry metrics,
      ScheduledExecutorService maintenance) {
    for (NetworkSettings settings : config.networks()) {
      JsonRpcClient rpc =
          JsonRpcClient.builder(settings.rpcUrls().get(0))
              .timeout(Duration.ofSeconds(5))
              .maxAttempts(2)
              .build();
      for (String signer : exact.signers(settings.network())) {
        AtomicLong gwei = new AtomicLong(-1);
        Gauge.builder("x402j.facilitator.signer.balance", gwei, g -> g.get() / 1e9)
            .description("ETH balance of a gas-paying signer (-1e-9 until first read)")
            .baseUnit("eth")
            .tag("network", settings.network().toString())
            .tag("signer", signer)
            .register(metrics);
        Runnable refresh =
            () ->
                rpc.call("eth_getBalance", EvmAddress.parse(signer).toLowerHex(), "latest")
                    .thenAccept(
                        wei ->
                            gwei.set(
                                new BigDecimal(Hex.parseQuantity(wei.asText()))
                                    .movePointLeft(9)
                                    .longValue()))
                    .exceptionally(e -> null);
        maintenance.scheduleWithFixedDelay(refresh, 0, 30, TimeUnit.SECONDS);
      }
    }
  }

  /** The base URL of the HTTP API. */
  public String url() {
    return server.url();
  }

  /** The bound port. */
  public int port() {
    return server.port();
  }

  /** The in-process facilitator. */
  public FacilitatorService service() {
    return service;
  }

  /** The ledger. */
  public JdbcSettlementLedger ledger() {
    return ledger;
  }

  /** The metrics registry. */
  public PrometheusMeterRegistry metrics() {
    return metrics;
  }

  /**
   * Stops gracefully: the server takes no new requests and lets those in flight finish; then the
   * engine, maintenance and ledger close. Anything cut short stays reconcilable in the ledger.
   */
  @Override
  public void close() {
    try {
      server.close();
    } finally {
      maintenance.shutdownNow();
      exact.close();
      ledger.close();
      LOG.info("facilitator stopped");
    }
  }
}
