package io.x402j.sales;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.core.Asset;
import io.x402j.core.Network;
import io.x402j.core.NetworkInfo;
import io.x402j.core.NetworkRegistry;
import io.x402j.jetty.AdminAssets;
import io.x402j.jetty.AdminPage;
import io.x402j.jetty.AdminRequest;
import io.x402j.jetty.AdminResponse;
import io.x402j.jetty.AdminServer;
import io.x402j.jetty.AdminSnapshot;
import io.x402j.jetty.Html;
import io.x402j.sales.internal.Csv;
import io.x402j.sales.internal.Explorers;
import io.x402j.server.Sale;
import io.x402j.server.SaleState;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The seller dashboard: revenue per route and per token over time, today / 7 days / 30 days totals,
 * sales by state, top payers, the latest payments with their state and an explorer link, the payTo
 * balances read from the chain, and a CSV export. Server-rendered pages that refresh themselves
 * from the JSON endpoints behind them (the shared {@code x402j.js}), on the admin listener ({@link
 * #register}) or any other server ({@link #handle}):
 *
 * <ul>
 *   <li>{@code /} the page;
 *   <li>{@code /api/summary} everything on the page as JSON, computed at most once per {@link
 *       AdminSnapshot#POLL} however many pages poll it (the page itself shows the same);
 *   <li>{@code /api/sales?limit=N} the latest payments (1–500, default 50) as JSON;
 *   <li>{@code /sales.csv?days=N} every event of the last N days (1–366, default 30), with cells
 *       defused against CSV injection; a range of more than {@link Builder#exportLimit} events
 *       (default {@value #EXPORT_LIMIT}) is refused with a 400 naming {@code days} and the count,
 *       as the export is built in memory in the JVM that serves the API.
 * </ul>
 */
public final class SellerDashboard {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PRODUCT = "x402j seller";
  private static final int CHART_HOURS = 7 * 24;

  /** How many events one CSV export may hold by default. */
  public static final int EXPORT_LIMIT = 100_000;

  private final JdbcSalesRecord sales;
  private final NetworkRegistry networks;
  private final PayToBalances balances;
  private final Set<PayTo> payTos;
  private final Map<String, Asset> extraAssets;
  private final Clock clock;
  private final String base;
  private final int exportLimit;
  private final AdminSnapshot<Map<String, Object>> summary;

  private SellerDashboard(Builder b) {
    this.sales = b.sales;
    this.networks = b.networks;
    this.balances = b.balances;
    this.payTos = Set.copyOf(b.payTos);
    this.extraAssets = Map.copyOf(b.extraAssets);
    this.clock = b.clock;
    this.base = b.base;
    this.exportLimit = b.exportLimit;
    // Every open page polls the summary: about ten queries and a balance read per payTo, made
    // once per poll interval however many pages are open.
    this.summary = AdminSnapshot.of(this::computeSummary, AdminSnapshot.POLL, clock);
  }

  /** Starts a dashboard over {@code sales}. */
  public static Builder builder(JdbcSalesRecord sales) {
    return new Builder(sales);
  }

  /** The paths this dashboard answers, relative to its base. */
  public static final List<String> PATHS = List.of("/", "/api/summary", "/api/sales", "/sales.csv");

  /** Registers every page and endpoint on {@code admin}. */
  public AdminServer.Builder register(AdminServer.Builder admin) {
    for (String path : PATHS) {
      admin.route(path, this::handle);
    }
    return admin;
  }

  /**
   * Answers {@code request}, whose path is relative to the base.
   *
   * @throws AdminRequest.BadParameter for a parameter out of range
   */
  public AdminResponse handle(AdminRequest request) {
    switch (request.path()) {
      case "/":
        return AdminResponse.html(page());
      case "/api/summary":
        return AdminResponse.json(json(summary()));
      case "/api/sales":
        return AdminResponse.json(
            json(Map.of("latest", latest(request.intParameter("limit", 50, 1, 500)))));
      case "/sales.csv":
        return csv(request.intParameter("days", 30, 1, 366));
      default:
        return AdminResponse.text(404, "not found\n");
    }
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Everything the page shows, as the JSON endpoint answers it: computed at most once per {@link
   * AdminSnapshot#POLL} (by the dashboard's clock), shared by every caller, never modified.
   */
  Map<String, Object> summary() {
    return summary.get();
  }

  private Map<String, Object> computeSummary() {
    Instant now = clock.instant();
    Instant today =
        LocalDate.ofInstant(now, ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant week = now.minus(Duration.ofDays(7));
    Instant month = now.minus(Duration.ofDays(30));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("generated", now.toString());

    // Totals per token: today, 7 days, 30 days.
    Map<String, Map<String, Object>> totals = new TreeMap<>();
    String[] periods = {"today", "week", "month"};
    Instant[] since = {today, week, month};
    for (int i = 0; i < periods.length; i++) {
      for (SalesTotal t : sales.totals(since[i])) {
        Map<String, Object> row =
            totals.computeIfAbsent(
                t.network() + " " + t.asset(), k -> tokenRow(t.network(), t.asset()));
        row.put(periods[i], amount(t.network(), t.asset(), t.amount()));
        row.put(periods[i] + "Count", t.count());
        row.put(periods[i] + "Atomic", t.amount().toString());
      }
    }
    for (Map<String, Object> row : totals.values()) {
      for (String p : periods) {
        row.putIfAbsent(p, "0");
        row.putIfAbsent(p + "Count", 0L);
        row.putIfAbsent(p + "Atomic", "0");
      }
    }
    out.put("totals", List.copyOf(totals.values()));

    Map<String, Long> states = new LinkedHashMap<>();
    sales.countsByState(month).forEach((s, n) -> states.put(s.wire(), n));
    out.put("states", states);

    List<Map<String, Object>> routes = new ArrayList<>();
    for (SalesTotal t : sales.totalsByRoute(month)) {
      Map<String, Object> row = tokenRow(t.network(), t.asset());
      row.put("route", t.key());
      row.put("count", t.count());
      row.put("amount", amount(t.network(), t.asset(), t.amount()));
      routes.add(row);
    }
    out.put("routes", routes);

    List<Map<String, Object>> payers = new ArrayList<>();
    for (SalesTotal t : sales.topPayers(month, 10)) {
      Map<String, Object> row = tokenRow(t.network(), t.asset());
      row.put("payer", t.key());
      row.put("count", t.count());
      row.put("amount", amount(t.network(), t.asset(), t.amount()));
      payers.add(row);
    }
    out.put("topPayers", payers);
    out.put("latest", latest(20));
    charts(out, now);
    out.put("balances", balances(month));
    return out;
  }

  private Map<String, Object> tokenRow(Network network, String asset) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("network", network.toString());
    row.put(
        "networkName",
        networks.find(network).map(NetworkInfo::displayName).orElse(network.toString()));
    row.put("token", symbol(network, asset));
    row.put("asset", asset);
    return row;
  }

  private Optional<Asset> findAsset(Network network, String asset) {
    Asset extra = extraAssets.get(network + " " + asset.toLowerCase(java.util.Locale.ROOT));
    return extra != null ? Optional.of(extra) : networks.findAsset(network, asset);
  }

  private String symbol(Network network, String asset) {
    return findAsset(network, asset).map(Asset::symbol).orElse(asset);
  }

  /** {@code amount} in whole tokens with the symbol, exact; atomic units for an unknown token. */
  String amount(Network network, String asset, BigInteger amount) {
    Optional<Asset> known = findAsset(network, asset);
    if (known.isEmpty()) {
      return amount + " units";
    }
    return new BigDecimal(amount)
            .movePointLeft(known.get().decimals())
            .stripTrailingZeros()
            .toPlainString()
        + " "
        + known.get().symbol();
  }

  private List<Map<String, Object>> latest(int limit) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Sale s : sales.latest(limit)) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("at", s.at().truncatedTo(ChronoUnit.SECONDS).toString());
      row.put("route", s.route());
      row.put("state", s.state().wire());
      row.put("amount", amount(s.network(), s.asset(), s.amount().value()));
      row.put("amountAtomic", s.amount().toString());
      row.put("network", s.network().toString());
      row.put("token", symbol(s.network(), s.asset()));
      row.put("payer", s.payer());
      row.put("paymentId", s.paymentId());
      row.put("tx", s.transaction());
      row.put("txUrl", Explorers.transaction(s.network(), s.transaction()).orElse(null));
      row.put("reason", s.reason());
      out.add(row);
    }
    return out;
  }

  /** Hourly revenue of the last 7 days, per route and per token, in whole tokens for the chart. */
  private void charts(Map<String, Object> out, Instant now) {
    Instant end = now.truncatedTo(ChronoUnit.HOURS);
    Instant start = end.minus(Duration.ofHours(CHART_HOURS - 1));
    List<Long> t = new ArrayList<>();
    for (int i = 0; i < CHART_HOURS; i++) {
      t.add(start.plus(Duration.ofHours(i)).getEpochSecond());
    }
    Map<String, double[]> byRoute = new TreeMap<>();
    Map<String, double[]> byToken = new TreeMap<>();
    for (RevenuePoint p : sales.revenue(start, Duration.ofHours(1))) {
      int i = (int) Duration.between(start, p.bucket()).toHours();
      if (i < 0 || i >= CHART_HOURS) {
        continue;
      }
      String token = symbol(p.network(), p.asset());
      String networkName =
          networks.find(p.network()).map(NetworkInfo::displayName).orElse(p.network().toString());
      double units = units(p.network(), p.asset(), p.amount());
      byRoute.computeIfAbsent(p.route() + " (" + token + ")", k -> new double[CHART_HOURS])[i] +=
          units;
      byToken.computeIfAbsent(token + " on " + networkName, k -> new double[CHART_HOURS])[i] +=
          units;
    }
    out.put("byRoute", chart(t, byRoute));
    out.put("byToken", chart(t, byToken));
  }

  // For plotting only: a chart's y axis is a float; every amount shown as text stays exact.
  private double units(Network network, String asset, BigInteger amount) {
    int decimals = findAsset(network, asset).map(Asset::decimals).orElse(0);
    return new BigDecimal(amount).movePointLeft(decimals).doubleValue();
  }

  private static Map<String, Object> chart(List<Long> t, Map<String, double[]> series) {
    List<Map<String, Object>> list = new ArrayList<>();
    series.forEach(
        (label, values) -> {
          Map<String, Object> s = new LinkedHashMap<>();
          s.put("label", label);
          s.put("values", values);
          list.add(s);
        });
    Map<String, Object> chart = new LinkedHashMap<>();
    chart.put("t", t);
    chart.put("series", list);
    return chart;
  }

  private List<Map<String, Object>> balances(Instant since) {
    Set<PayTo> all = new LinkedHashSet<>(payTos);
    all.addAll(sales.payTos(since));
    List<Map<String, Object>> out = new ArrayList<>();
    for (PayTo p : all) {
      Map<String, Object> row = tokenRow(p.network(), p.asset());
      row.put("payTo", p.address());
      if (!balances.reads(p.network())) {
        row.put("balance", "no RPC configured");
      } else {
        row.put(
            "balance",
            balances.balance(p).map(b -> amount(p.network(), p.asset(), b)).orElse("unavailable"));
      }
      out.add(row);
    }
    return out;
  }

  private AdminResponse csv(int days) {
    Instant to = clock.instant().plusSeconds(1);
    Instant from = to.minus(Duration.ofDays(days));
    // Refused payments cost an attacker nothing and are rows too: the export, built in memory,
    // stays bounded however the table grows.
    long events = sales.count(from, to);
    if (events > exportLimit) {
      throw new AdminRequest.BadParameter(
          "days",
          "the last "
              + days
              + " days hold "
              + events
              + " events, more than the "
              + exportLimit
              + " one export may hold; ask for fewer days");
    }
    StringBuilder out = new StringBuilder();
    out.append(
        Csv.line(
            List.of(
                "at",
                "state",
                "method",
                "route",
                "scheme",
                "network",
                "asset",
                "amount_atomic",
                "pay_to",
                "payer",
                "payment_id",
                "transaction",
                "reason")));
    sales.export(
        from,
        to,
        exportLimit,
        s ->
            out.append(
                Csv.line(
                    java.util.Arrays.asList(
                        s.at().toString(),
                        s.state().wire(),
                        s.method(),
                        s.route(),
                        s.scheme(),
                        s.network().toString(),
                        s.asset(),
                        s.amount().toString(),
                        s.payTo(),
                        s.payer(),
                        s.paymentId(),
                        s.transaction(),
                        s.reason()))));
    return AdminResponse.of(200, "text/csv; charset=utf-8", out.toString());
  }

  // ---- the page ----

  private String page() {
    Map<String, Object> s = summary();
    Html h = new Html();
    h.open(
        "div",
        "data-src",
        base + "/api/summary",
        "data-every",
        Long.toString(AdminSnapshot.POLL.toMillis()));

    h.open("section", "class", "card");
    h.element("h2", "Revenue (settled)");
    live(
        h,
        "totals",
        List.of("token", "network", "today", "7 days", "30 days"),
        s.get("totals"),
        "token",
        "networkName",
        "today",
        "week",
        "month");
    h.close();

    h.open("div", "class", "grid");
    h.open("section", "class", "card");
    h.element("h2", "Revenue per route, last 7 days");
    h.element("div", "", "class", "chart", "data-chart", "byRoute");
    h.close();
    h.open("section", "class", "card");
    h.element("h2", "Revenue per token, last 7 days");
    h.element("div", "", "class", "chart", "data-chart", "byToken");
    h.close();
    h.close();

    h.open("div", "class", "grid");
    h.open("section", "class", "card", "id", "states");
    h.element("h2", "Sales by state, 30 days");
    @SuppressWarnings("unchecked")
    Map<String, Object> states = (Map<String, Object>) s.get("states");
    for (SaleState st : SaleState.values()) {
      h.open("div");
      h.element("span", st.wire() + " ", "class", "label");
      h.element(
          "span",
          String.valueOf(states.get(st.wire())),
          "class",
          "stat",
          "data-key",
          "states." + st.wire());
      h.close();
    }
    h.close();
    h.open("section", "class", "card");
    h.element("h2", "Routes, 30 days");
    live(
        h,
        "routes",
        List.of("route", "token", "sales", "revenue"),
        s.get("routes"),
        "route",
        "token",
        "count",
        "amount");
    h.close();
    h.open("section", "class", "card");
    h.element("h2", "Top payers, 30 days");
    live(
        h,
        "topPayers",
        List.of("payer", "token", "sales", "paid"),
        s.get("topPayers"),
        "payer",
        "token",
        "count",
        "amount");
    h.close();
    h.close();

    h.open("section", "class", "card");
    h.element("h2", "Latest payments");
    live(
        h,
        "latest",
        List.of("time", "route", "state", "amount", "payer", "transaction"),
        s.get("latest"),
        "at",
        "route",
        "state",
        "amount",
        "payer",
        "tx>txUrl");
    h.open("p");
    h.link(base + "/sales.csv?days=30", "Export the last 30 days as CSV");
    h.text(" · ");
    h.link(base + "/api/summary", "JSON");
    h.close();
    h.close();

    h.open("section", "class", "card");
    h.element("h2", "Balances of the payTo addresses (read from the chain)");
    live(
        h,
        "balances",
        List.of("network", "token", "payTo", "balance"),
        s.get("balances"),
        "networkName",
        "token",
        "payTo",
        "balance");
    h.close();
    h.close();

    String page = AdminPage.of(PRODUCT, "Sales").nav("Sales", base + "/").charts().body(h).render();
    // Under a path prefix (Spring), the shared assets are served below it too.
    return base.isEmpty()
        ? page
        : page.replace("=\"" + AdminAssets.PATH, "=\"" + base + AdminAssets.PATH);
  }

  /**
   * A table whose body the shared script rebuilds from the JSON array {@code key} at every poll;
   * rendered here first so the page is complete without script. A column {@code a>b} shows field a
   * linked to the URL in field b.
   */
  private static void live(
      Html h, String key, List<String> headers, Object rows, String... columns) {
    h.open("div", "class", "table-wrap");
    h.open("table", "id", key);
    h.open("thead").open("tr");
    headers.forEach(x -> h.element("th", x, "scope", "col"));
    h.close().close();
    h.open("tbody", "data-rows", key, "data-cols", String.join(",", columns));
    for (Map<String, Object> row : list(rows)) {
      h.open("tr");
      for (String c : columns) {
        String[] parts = c.split(">", 2);
        Object text = row.get(parts[0]);
        Object href = parts.length > 1 ? row.get(parts[1]) : null;
        if (href != null && text != null) {
          h.open("td").link(String.valueOf(href), String.valueOf(text)).close();
        } else {
          h.element("td", text == null ? "" : String.valueOf(text));
        }
      }
      h.close();
    }
    h.close().close().close();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Object value) {
    return (List<Map<String, Object>>) value;
  }

  /** Builds a {@link SellerDashboard}. */
  public static final class Builder {
    private final JdbcSalesRecord sales;
    private NetworkRegistry networks = NetworkRegistry.defaults();
    private PayToBalances balances = PayToBalances.none();
    private final Set<PayTo> payTos = new LinkedHashSet<>();
    private final Map<String, Asset> extraAssets = new LinkedHashMap<>();
    private Clock clock = Clock.systemUTC();
    private String base = "";
    private int exportLimit = EXPORT_LIMIT;

    private Builder(JdbcSalesRecord sales) {
      this.sales = Objects.requireNonNull(sales, "sales");
    }

    /** The networks and tokens amounts are shown with (default: the public ones). */
    public Builder networks(NetworkRegistry networks) {
      this.networks = Objects.requireNonNull(networks, "networks");
      return this;
    }

    /** Where payTo balances are read (default: nowhere). */
    public Builder balances(PayToBalances balances) {
      this.balances = Objects.requireNonNull(balances, "balances");
      return this;
    }

    /** A token the network registry does not know (a devnet's), for symbols and decimals. */
    public Builder asset(Network network, Asset asset) {
      extraAssets.put(network + " " + asset.address().toLowerCase(java.util.Locale.ROOT), asset);
      return this;
    }

    /** A recipient whose balance is shown even before its first sale. */
    public Builder payTo(PayTo payTo) {
      payTos.add(Objects.requireNonNull(payTo, "payTo"));
      return this;
    }

    /** The clock of "today", the chart, and how long a computed summary is reused. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The path the dashboard is served under (default: none, the root of the admin listener), e.g.
     * {@code /x402j/dashboard}; links, endpoints and assets are below it.
     */
    public Builder base(String base) {
      Objects.requireNonNull(base, "base");
      String b = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
      if (!b.isEmpty() && (!b.startsWith("/") || !b.matches("(/[A-Za-z0-9._~-]+)+"))) {
        throw new IllegalArgumentException(
            "the dashboard path must look like /x402j/dashboard, got " + base);
      }
      this.base = b;
      return this;
    }

    /**
     * How many events one CSV export may hold (default {@value SellerDashboard#EXPORT_LIMIT}); a
     * larger range is refused with a 400 naming {@code days}.
     */
    public Builder exportLimit(int exportLimit) {
      if (exportLimit < 1) {
        throw new IllegalArgumentException("exportLimit must be at least 1, got " + exportLimit);
      }
      this.exportLimit = exportLimit;
      return this;
    }

    /** The dashboard. */
    public SellerDashboard build() {
      return new SellerDashboard(this);
    }
  }
}
