package io.x402j.gateway;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.x402j.config.ConfigSection;
import io.x402j.config.ValueParser;
import io.x402j.core.Asset;
import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.jetty.AdminResponse;
import io.x402j.jetty.AdminServer;
import io.x402j.sales.JdbcSalesRecord;
import io.x402j.sales.PayTo;
import io.x402j.sales.PayToBalances;
import io.x402j.sales.SalesMetrics;
import io.x402j.sales.SellerDashboard;
import io.x402j.server.SalesRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The seller's side of a gateway beyond the public port: the sales record ({@code --db}, file key
 * {@code sales.db}) and the admin listener with the seller dashboard and the seller metrics ({@code
 * --admin-port}, file section {@code admin}). Off unless configured.
 *
 * <pre>{@code
 * sales:
 *   db: jdbc:sqlite:sales.db          # or jdbc:postgresql://host/db for several instances
 * admin:
 *   port: 9402
 *   host: 127.0.0.1                   # the default; any other address needs passwordEnv
 *   passwordEnv: X402J_ADMIN_PASSWORD
 *   rpc:                              # nodes the payTo balances are read from
 *     - network: eip155:8453
 *       url: https://mainnet.base.org
 * }</pre>
 *
 * @param db the JDBC URL of the sales record, or {@code null} for none
 * @param adminHost the admin listener's address
 * @param adminPort the admin listener's port, or {@code null} for no admin listener
 * @param adminPasswordEnv the environment variable holding its password, or {@code null}
 * @param rpc the node of each network whose payTo balance the dashboard shows
 */
public record SellerConsole(
    String db,
    String adminHost,
    Integer adminPort,
    String adminPasswordEnv,
    Map<Network, String> rpc) {
  /** No sales record, no admin listener. */
  public static final SellerConsole NONE =
      new SellerConsole(null, "127.0.0.1", null, null, Map.of());

  /** Checks the combination. */
  public SellerConsole {
    Objects.requireNonNull(adminHost, "adminHost");
    rpc = Map.copyOf(rpc);
    if (db != null && !db.startsWith("jdbc:sqlite:") && !db.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "--db must be jdbc:sqlite:FILE or jdbc:postgresql://HOST:PORT/DATABASE");
    }
    if (adminPort != null && db == null) {
      throw new IllegalArgumentException(
          "--admin-port needs --db: the seller dashboard shows the sales record");
    }
    if (adminPort == null && (adminPasswordEnv != null || !rpc.isEmpty())) {
      throw new IllegalArgumentException(
          "--admin-password-env and --balance-rpc need --admin-port");
    }
  }

  /** Reads {@code sales} and {@code admin} of a gateway file; absent sections leave them off. */
  public static SellerConsole read(ConfigSection root) {
    ConfigSection sales = root.section("sales").allowOnly("db");
    ConfigSection admin = root.section("admin").allowOnly("port", "host", "passwordEnv", "rpc");
    Map<Network, String> rpc = new LinkedHashMap<>();
    for (ConfigSection r : admin.sections("rpc")) {
      r.allowOnly("network", "url");
      Network network =
          r.require(
              "network", ValueParser.of("a CAIP-2 network", Network::parse), "e.g. eip155:8453");
      rpc.put(
          network, r.require("url", ValueParser.uri("http", "https"), "the node's URL").toString());
    }
    return new SellerConsole(
        sales.find("db", ValueParser.text()).orElse(null),
        admin.get("host", ValueParser.text(), "127.0.0.1"),
        admin.find("port", ValueParser.port()).orElse(null),
        admin.find("passwordEnv", ValueParser.text()).orElse(null),
        rpc);
  }

  /** These settings with each non-null flag in place of the file's. */
  public SellerConsole withFlags(
      String db,
      String adminHost,
      Integer adminPort,
      String adminPasswordEnv,
      Map<Network, String> rpc) {
    Map<Network, String> nodes = new LinkedHashMap<>(this.rpc);
    nodes.putAll(rpc);
    return new SellerConsole(
        db != null ? db : this.db,
        adminHost != null ? adminHost : this.adminHost,
        adminPort != null ? adminPort : this.adminPort,
        adminPasswordEnv != null ? adminPasswordEnv : this.adminPasswordEnv,
        nodes);
  }

  /** A gateway with its sales record and admin listener; closing stops all three. */
  public static final class Running implements AutoCloseable {
    private final Gateway gateway;
    private final AdminServer admin;
    private final JdbcSalesRecord sales;

    Running(Gateway gateway, AdminServer admin, JdbcSalesRecord sales) {
      this.gateway = gateway;
      this.admin = admin;
      this.sales = sales;
    }

    /** The gateway (public port). */
    public Gateway gateway() {
      return gateway;
    }

    /** The admin listener's URL, when there is one. */
    public Optional<String> adminUrl() {
      return Optional.ofNullable(admin).map(AdminServer::url);
    }

    @Override
    public void close() {
      gateway.close(); // closes its gate too: the sales events still queued are written first
      if (admin != null) {
        admin.close();
      }
      if (sales != null) {
        sales.close();
      }
    }
  }

  /**
   * Starts the gateway {@code config} describes with these settings: its gate records every sale
   * when there is a database, and the admin listener serves the dashboard ({@code /}), its JSON
   * ({@code /api/…}), the CSV export and the seller metrics ({@code /metrics}).
   *
   * @param env where the facilitator token and the admin password are looked up
   * @throws IllegalArgumentException naming what does not work (also an unset password variable)
   * @throws IllegalStateException when the admin listener is not loopback-only and has no password,
   *     or a port cannot be bound
   */
  public Running start(GatewayConfig config, Map<String, String> env) {
    return start(
        sales -> config.gateway(env, sales).start(),
        dashboard -> {
          NetworkRegistry networks = config.networks();
          Network network = networks.resolve(config.network().strip());
          dashboard.networks(networks);
          Optional<Asset> asset =
              config.resolvedAsset(networks).or(() -> networks.defaultAsset(network));
          if (asset.isPresent()) {
            dashboard.asset(network, asset.get());
            dashboard.payTo(new PayTo(network, asset.get().address(), config.payTo()));
          }
        },
        env);
  }

  /**
   * Starts a seller whose gateway the caller builds (the demo's, with a gate of its own): as {@link
   * #start(GatewayConfig, Map)}, {@code gateway} given the {@link SalesRecord} its gate records
   * into ({@code null} without a database) and {@code dashboard} told what the dashboard shows
   * beyond the sales (networks, tokens, payTo addresses); the balances are read from {@link #rpc}.
   *
   * @param gateway builds and starts the gateway; closing it must close its gate (so the sales
   *     events still queued are written before the record closes)
   * @param dashboard configures the dashboard; called only when there is an admin listener
   * @param env where the admin password is looked up
   * @throws IllegalArgumentException naming what does not work (also an unset password variable)
   * @throws IllegalStateException when the admin listener is not loopback-only and has no password,
   *     or a port cannot be bound
   */
  public Running start(
      Function<SalesRecord, Gateway> gateway,
      Consumer<SellerDashboard.Builder> dashboard,
      Map<String, String> env) {
    if (db == null) {
      return new Running(gateway.apply(null), null, null);
    }
    String password =
        adminPasswordEnv == null ? null : AdminServer.passwordFromEnv(adminPasswordEnv, env);
    AdminServer.Builder adminBuilder = null;
    if (adminPort != null) {
      // Checked before anything opens: bound beyond loopback it must have a password.
      adminBuilder =
          AdminServer.builder("gateway").host(adminHost).port(adminPort).password(password);
      if (password == null && !AdminServer.isLoopback(adminHost)) {
        adminBuilder.build(); // throws, naming --admin-password-env
      }
    }
    JdbcSalesRecord sales = JdbcSalesRecord.open(db, env);
    Gateway started = null;
    AdminServer admin = null;
    try {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      started = gateway.apply(SalesMetrics.wrapping(sales, registry));
      if (adminBuilder != null) {
        SellerDashboard.Builder board =
            SellerDashboard.builder(sales).balances(PayToBalances.of(rpc));
        dashboard.accept(board);
        board.build().register(adminBuilder);
        adminBuilder.route(
            "/metrics",
            request ->
                AdminResponse.of(
                    200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        admin = adminBuilder.build().start();
      }
      return new Running(started, admin, sales);
    } catch (RuntimeException e) {
      if (started != null) {
        started.close();
      }
      sales.close();
      throw e;
    }
  }
}
