package io.x402j.facilitator;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.x402j.core.Network;
import io.x402j.core.NetworkInfo;
import io.x402j.core.NetworkRegistry;
import io.x402j.facilitator.FacilitatorConfig.NetworkSettings;
import io.x402j.facilitator.FacilitatorServer.ProbeResult;
import io.x402j.facilitator.internal.EvmEngineFactory;
import io.x402j.facilitator.internal.FacilitatorConsole;
import io.x402j.facilitator.internal.MicrometerEngineMeters;
import io.x402j.facilitator.internal.OperationsSeries;
import io.x402j.facilitator.internal.SvmEngineFactory;
import io.x402j.jetty.AdminServer;
import io.x402j.settlement.EngineProbe;
import io.x402j.settlement.ReconcileReport;
import io.x402j.settlement.SettlementEngine;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running facilitator assembled from a {@link FacilitatorConfig}: the ledger, one settlement
 * engine per network family configured (built by that family's {@link EngineFactory}), the
 * screening, the metrics and the HTTP server. Settlements left unresolved by a previous run are
 * reconciled against the chain before the server accepts requests, and again periodically.
 */
public final class FacilitatorApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FacilitatorApp.class);

  private final JdbcSettlementLedger ledger;
  private final List<SettlementEngine> engines;
  private final FacilitatorService service;
  private final FacilitatorServer server;
  private final ScheduledExecutorService maintenance;
  private final PrometheusMeterRegistry metrics;
  // Holds the engines' meter suppliers, which Micrometer references only weakly.
  private final MicrometerEngineMeters engineMeters;
  private final DiscoveryCatalog catalog;
  private final ExecutorService identifierIo;
  private final AdminServer admin;

  private FacilitatorApp(
      JdbcSettlementLedger ledger,
      List<SettlementEngine> engines,
      FacilitatorService service,
      FacilitatorServer server,
      ScheduledExecutorService maintenance,
      PrometheusMeterRegistry metrics,
      MicrometerEngineMeters engineMeters,
      DiscoveryCatalog catalog,
      ExecutorService identifierIo,
      AdminServer admin) {
    this.ledger = ledger;
    this.admin = admin;
    this.identifierIo = identifierIo;
    this.engines = engines;
    this.service = service;
    this.server = server;
    this.maintenance = maintenance;
    this.metrics = metrics;
    this.engineMeters = engineMeters;
    this.catalog = catalog;
  }

  /**
   * The engine factories by network family: EVM and Solana built in, others found through {@link
   * ServiceLoader}.
   */
  static Map<String, EngineFactory> engineFactories() {
    Map<String, EngineFactory> factories = new LinkedHashMap<>();
    EngineFactory evm = new EvmEngineFactory();
    factories.put(evm.family(), evm);
    EngineFactory solana = new SvmEngineFactory();
    factories.put(solana.family(), solana);
    for (EngineFactory factory : ServiceLoader.load(EngineFactory.class)) {
      EngineFactory before = factories.putIfAbsent(factory.family(), factory);
      if (before != null && before.getClass() != factory.getClass()) {
        throw new IllegalStateException(
            "two settlement engines for network family "
                + factory.family()
                + ": "
                + before.getClass().getName()
                + " and "
                + factory.getClass().getName());
      }
    }
    return factories;
  }

  /**
   * Starts a facilitator.
   *
   * @param env the environment that secrets and {@code ${NAME}} references are read from
   * @param registry the known networks, extended by networks the configuration describes
   * @throws IllegalArgumentException for a configuration that cannot work (a missing secret, a bad
   *     key, a network of a family no engine serves); the message names the setting, never a secret
   */
  public static FacilitatorApp start(
      FacilitatorConfig config, Map<String, String> env, NetworkRegistry registry) {
    return start(config, env, registry, engineFactories(), Clock.systemUTC(), System::nanoTime);
  }

  /** As {@link #start(FacilitatorConfig, Map, NetworkRegistry)} with other engine factories. */
  static FacilitatorApp start(
      FacilitatorConfig config,
      Map<String, String> env,
      NetworkRegistry registry,
      Map<String, EngineFactory> factories) {
    return start(config, env, registry, factories, Clock.systemUTC(), System::nanoTime);
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
    return start(config, env, registry, engineFactories(), clock, nanoTime);
  }

  static FacilitatorApp start(
      FacilitatorConfig config,
      Map<String, String> env,
      NetworkRegistry registry,
      Map<String, EngineFactory> factories,
      Clock clock,
      LongSupplier nanoTime) {
    // The console's rules first: nothing starts when its listener could not.
    String adminPassword = null;
    if (config.admin() != null) {
      FacilitatorConfig.AdminSettings admin = config.admin();
      if (admin.passwordEnv() != null) {
        adminPassword = AdminServer.passwordFromEnv(admin.passwordEnv(), env);
      } else if (!AdminServer.isLoopback(admin.bind())) {
        throw new IllegalArgumentException(
            "the admin console on "
                + admin.bind()
                + " is not loopback-only: give it a password with --admin-password-env NAME"
                + " (admin.passwordEnv) or bind it to 127.0.0.1");
      }
    }
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
    Map<String, List<NetworkSettings>> families = byFamily(config.networks(), factories);
    NetworkRegistry networks = extend(registry, config.networks());
    JdbcSettlementLedger ledger = JdbcSettlementLedger.open(config.database(), env);
    RevertBan revertBan = RevertBan.of(config.revertBan(), clock).bindTo(metrics);
    EngineFactory.Context context =
        new EngineFactory.Context(
            ledger,
            config.claimLease(),
            env,
            networks,
            metrics,
            revertBan,
            config.builderCode(),
            config.builderServiceCode());
    List<SettlementEngine> engines = new ArrayList<>();
    try {
      for (Map.Entry<String, List<NetworkSettings>> family : families.entrySet()) {
        engines.add(factories.get(family.getKey()).create(family.getValue(), context));
      }
    } catch (RuntimeException e) {
      engines.forEach(SettlementEngine::close);
      ledger.close();
      throw e;
    }
    List<FacilitatorServer.HealthProbe> probes = new ArrayList<>();
    for (SettlementEngine engine : engines) {
      engine.probes().forEach(probe -> probes.add(healthProbe(probe)));
    }
    probes.add(
        FacilitatorServer.HealthProbe.of(
            "ledger",
            () ->
                CompletableFuture.supplyAsync(
                    () ->
                        new ProbeResult(ledger.ping(), Map.of("database", ledger.description())))));

    PaymentScreen screen =
        config.denylist() == null
            ? revertBan
            : DenylistScreen.fromFile(config.denylist(), clock).andThen(revertBan);
    // Payment identifiers live in the ledger's database, so instances sharing it share them.
    ExecutorService identifierIo =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "x402j-facilitator-payment-ids");
              t.setDaemon(true);
              return t;
            });
    FacilitatorService.Builder serviceBuilder =
        FacilitatorService.builder()
            .networks(networks)
            .screen(screen)
            .meterRegistry(metrics)
            .clock(clock)
            .paymentIdentifiers(ledger.paymentIdentifiers(), identifierIo);
    // The console's time series is kept only when there is a console to show it.
    OperationsSeries operations = config.admin() == null ? null : OperationsSeries.lastHour();
    if (operations != null) {
      serviceBuilder.operations(operations);
    }
    for (SettlementEngine engine : engines) {
      engine.facilitators().forEach(serviceBuilder::scheme);
    }
    FacilitatorService service = serviceBuilder.build();

    // Before any new settlement: resolve what a previous run left in flight.
    ReconcileReport report = reconcileAll(engines);
    ReconcileTotals totals = new ReconcileTotals();
    totals.add(report);
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
        () -> reconcile(engines, ledger, unresolved, totals), every, every, TimeUnit.MILLISECONDS);
    // Lapsed payment identifiers are already ignored; this only reclaims their rows.
    maintenance.scheduleWithFixedDelay(
        () -> purgeIdentifiers(ledger, clock), 10, 60, TimeUnit.MINUTES);
    MicrometerEngineMeters engineMeters = new MicrometerEngineMeters(metrics);
    engines.forEach(engine -> engine.monitor(engineMeters, maintenance));

    DiscoveryCatalog catalog =
        config.discovery() == null
            ? null
            : DiscoveryCatalog.open(ledger, config.discovery(), clock);
    if (catalog != null) {
      // Expired entries are already hidden; this only reclaims their rows.
      maintenance.scheduleWithFixedDelay(() -> purge(catalog), 1, 60, TimeUnit.MINUTES);
    }
    FacilitatorServer.Builder serverBuilder =
        FacilitatorServer.builder(service)
            .discovery(catalog)
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
      if (catalog != null) {
        catalog.close();
      }
      identifierIo.shutdownNow();
      engines.forEach(SettlementEngine::close);
      ledger.close();
      throw e;
    }
    LOG.info("facilitator listening on {} for {}", server.url(), servedNetworks(engines));
    AdminServer admin = null;
    if (config.admin() != null) {
      try {
        admin = startAdmin(config.admin(), adminPassword, ledger, engines, operations, totals);
      } catch (RuntimeException e) {
        server.close();
        maintenance.shutdownNow();
        if (catalog != null) {
          catalog.close();
        }
        identifierIo.shutdownNow();
        engines.forEach(SettlementEngine::close);
        ledger.close();
        throw e;
      }
    }
    return new FacilitatorApp(
        ledger,
        List.copyOf(engines),
        service,
        server,
        maintenance,
        metrics,
        engineMeters,
        catalog,
        identifierIo,
        admin);
  }

  /** What reconciliation resolved since start, for the console. */
  private static final class ReconcileTotals {
    private final AtomicReference<ReconcileReport> sum =
        new AtomicReference<>(ReconcileReport.NONE);
    private final AtomicLong passes = new AtomicLong();

    void add(ReconcileReport report) {
      sum.accumulateAndGet(report, ReconcileReport::plus);
      passes.incrementAndGet();
    }
  }

  private static AdminServer startAdmin(
      FacilitatorConfig.AdminSettings settings,
      String password,
      JdbcSettlementLedger ledger,
      List<SettlementEngine> engines,
      OperationsSeries operations,
      ReconcileTotals totals) {
    FacilitatorConsole console =
        new FacilitatorConsole(
            ledger,
            engines,
            operations,
            totals.sum::get,
            totals.passes::get,
            settings.lowBalance(),
            Clock.systemUTC());
    AdminServer.Builder builder =
        AdminServer.builder("facilitator")
            .host(settings.bind())
            .port(settings.port())
            .password(password);
    return console.register(builder).build().start();
  }

  /** The configured networks grouped by family, in order; every family must have a factory. */
  private static Map<String, List<NetworkSettings>> byFamily(
      List<NetworkSettings> settings, Map<String, EngineFactory> factories) {
    Map<String, List<NetworkSettings>> families = new LinkedHashMap<>();
    for (NetworkSettings s : settings) {
      String family = s.network().namespace();
      if (!factories.containsKey(family)) {
        throw new IllegalArgumentException(
            "network "
                + s.network()
                + ": no settlement engine for network family "
                + family
                + " (available: "
                + String.join(", ", factories.keySet())
                + ")");
      }
      families.computeIfAbsent(family, f -> new ArrayList<>()).add(s);
    }
    return families;
  }

  private static List<Network> servedNetworks(List<SettlementEngine> engines) {
    List<Network> served = new ArrayList<>();
    engines.forEach(engine -> served.addAll(engine.networks()));
    return served;
  }

  private static FacilitatorServer.HealthProbe healthProbe(EngineProbe probe) {
    return FacilitatorServer.HealthProbe.of(
        probe.name(),
        () -> probe.check().get().thenApply(details -> new ProbeResult(true, details)));
  }

  /** One reconciliation pass of every engine, summed; waits for all of them. */
  private static ReconcileReport reconcileAll(List<SettlementEngine> engines) {
    List<CompletableFuture<ReconcileReport>> passes = new ArrayList<>();
    engines.forEach(engine -> passes.add(engine.reconcile()));
    ReconcileReport total = ReconcileReport.NONE;
    for (CompletableFuture<ReconcileReport> pass : passes) {
      total = total.plus(pass.join());
    }
    return total;
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

  private static void reconcile(
      List<SettlementEngine> engines,
      JdbcSettlementLedger ledger,
      AtomicLong unresolved,
      ReconcileTotals totals) {
    try {
      ReconcileReport report = reconcileAll(engines);
      totals.add(report);
      if (report.changedAnything()) {
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

  private static void purge(DiscoveryCatalog catalog) {
    try {
      int removed = catalog.purgeExpired();
      if (removed > 0) {
        LOG.info("discovery catalog: removed {} expired entries", removed);
      }
    } catch (java.sql.SQLException | RuntimeException e) {
      LOG.warn("discovery catalog purge failed, retrying later: {}", e.getMessage());
    }
  }

  /** The discovery catalog, or {@code null} when the configuration keeps none. */
  public DiscoveryCatalog discoveryCatalog() {
    return catalog;
  }

  private static void purgeIdentifiers(JdbcSettlementLedger ledger, Clock clock) {
    try {
      int removed = ledger.paymentIdentifiers().purgeExpired(clock.instant());
      if (removed > 0) {
        LOG.debug("removed {} lapsed payment identifiers", removed);
      }
    } catch (RuntimeException e) {
      LOG.warn("payment identifier purge failed, retrying later: {}", e.getMessage());
    }
  }

  /** The base URL of the operations console, or {@code null} when none is configured. */
  public String adminUrl() {
    return admin == null ? null : admin.url();
  }

  /** The bound port of the operations console, or -1 when none is configured. */
  public int adminPort() {
    return admin == null ? -1 : admin.port();
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

  /** The settlement engines, one per network family served. */
  public List<SettlementEngine> engines() {
    return engines;
  }

  /** The metrics registry. */
  public PrometheusMeterRegistry metrics() {
    return metrics;
  }

  /**
   * Stops gracefully: the server takes no new requests and lets those in flight finish; then the
   * engines, maintenance and ledger close. Anything cut short stays reconcilable in the ledger.
   */
  @Override
  public void close() {
    try {
      if (admin != null) {
        admin.close();
      }
      server.close();
    } finally {
      maintenance.shutdownNow();
      if (catalog != null) {
        catalog.close();
      }
      identifierIo.shutdownNow();
      engines.forEach(SettlementEngine::close);
      ledger.close();
      LOG.info("facilitator stopped");
    }
  }
}
