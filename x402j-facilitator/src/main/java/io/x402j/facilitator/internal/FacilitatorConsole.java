package io.x402j.facilitator.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.x402j.core.Network;
import io.x402j.core.support.Base58;
import io.x402j.evm.Bytes32;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.facilitator.EvmSettlementEngine;
import io.x402j.evm.facilitator.ExactEvmFacilitator;
import io.x402j.facilitator.JdbcSettlementLedger;
import io.x402j.jetty.AdminPage;
import io.x402j.jetty.AdminRequest;
import io.x402j.jetty.AdminResponse;
import io.x402j.jetty.AdminServer;
import io.x402j.jetty.AdminSnapshot;
import io.x402j.jetty.Html;
import io.x402j.settlement.ReconcileReport;
import io.x402j.settlement.SettlementEngine;
import io.x402j.settlement.SettlementFilter;
import io.x402j.settlement.SettlementRecord;
import io.x402j.settlement.SettlementState;
import io.x402j.settlement.SignerBalance;
import io.x402j.svm.SolanaAddress;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The facilitator's operations console on the admin listener: an overview page (settlements by
 * network and state, throughput and latency over the last hour, failure reasons, each signer's gas
 * balance with a low-balance warning, EVM nonce lanes, pending and reconciled counts, the latest
 * settlements) and a settlement search by payer, recipient, transaction, network and state; each
 * with the JSON it is made of ({@code /api/overview}, {@code /api/settlements}). The overview is
 * computed at most once per {@link AdminSnapshot#POLL} however many pages poll it; a search is made
 * when asked. Not part of the x402j API.
 */
public final class FacilitatorConsole {
  private static final String PRODUCT = "x402j facilitator";
  private static final int RECENT = 10;
  private static final List<SettlementState> STATES = List.of(SettlementState.values());

  private final JdbcSettlementLedger ledger;
  private final List<SettlementEngine> engines;
  private final OperationsSeries series;
  private final Supplier<ReconcileReport> reconciled;
  private final LongSupplier reconcilePasses;
  private final Map<String, BigDecimal> lowBalance;
  private final ObjectMapper json = new ObjectMapper();
  private final AdminSnapshot<ObjectNode> overview;

  /**
   * @param ledger the ledger
   * @param engines the settlement engines (for signers and nonce lanes)
   * @param series the calls recorded since start
   * @param reconciled what reconciliation resolved since start, summed
   * @param reconcilePasses how many reconciliation passes ran
   * @param lowBalance per network family ({@code eip155}, {@code solana}) the balance in whole
   *     native units under which a signer is flagged
   * @param clock times how long a computed overview is reused ({@link AdminSnapshot#POLL})
   */
  public FacilitatorConsole(
      JdbcSettlementLedger ledger,
      List<SettlementEngine> engines,
      OperationsSeries series,
      Supplier<ReconcileReport> reconciled,
      LongSupplier reconcilePasses,
      Map<String, BigDecimal> lowBalance,
      Clock clock) {
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.engines = List.copyOf(engines);
    this.series = Objects.requireNonNull(series, "series");
    this.reconciled = Objects.requireNonNull(reconciled, "reconciled");
    this.reconcilePasses = Objects.requireNonNull(reconcilePasses, "reconcilePasses");
    this.lowBalance = Map.copyOf(lowBalance);
    // Every open overview polls it: two queries over the whole ledger, made once per poll
    // interval however many pages are open.
    this.overview = AdminSnapshot.of(this::overview, AdminSnapshot.POLL, clock);
  }

  /** Registers the console's pages and JSON on an admin listener. */
  public AdminServer.Builder register(AdminServer.Builder admin) {
    return admin
        .route("/", r -> AdminResponse.html(overviewPage(overview.get())))
        .route("/settlements", r -> AdminResponse.html(searchPage(r, search(r))))
        .route("/api/overview", r -> AdminResponse.json(json.writeValueAsString(overview.get())))
        .route("/api/settlements", r -> AdminResponse.json(json.writeValueAsString(search(r))));
  }

  // ---------------------------------------------------------------- data

  /** Everything the overview shows, as its JSON, computed now (the pages share one per poll). */
  ObjectNode overview() {
    ObjectNode root = json.createObjectNode();
    Map<String, Map<SettlementState, Long>> counts = ledger.countByNetworkAndState();
    ObjectNode totals = root.putObject("totals");
    long[] sum = new long[STATES.size()];
    ArrayNode byNetwork = root.putArray("byNetwork");
    counts.forEach(
        (network, states) -> {
          ObjectNode row = byNetwork.addObject();
          row.put("network", network);
          long total = 0;
          for (SettlementState state : STATES) {
            long n = states.getOrDefault(state, 0L);
            row.put(key(state), n);
            sum[state.ordinal()] += n;
            total += n;
          }
          row.put("total", total);
        });
    long all = 0;
    for (SettlementState state : STATES) {
      totals.put(key(state), sum[state.ordinal()]);
      all += sum[state.ordinal()];
    }
    totals.put("all", all);
    long unresolved =
        sum[SettlementState.SUBMITTED.ordinal()] + sum[SettlementState.PENDING.ordinal()];
    totals.put("unresolved", unresolved);

    ReconcileReport report = reconciled.get();
    ObjectNode rec = root.putObject("reconciled");
    rec.put("confirmed", report.confirmed());
    rec.put("failed", report.failed());
    rec.put("rebroadcast", report.rebroadcast());
    rec.put("resolved", report.confirmed() + report.failed());
    rec.put("passes", reconcilePasses.getAsLong());

    ArrayNode signers = root.putArray("signers");
    for (SettlementEngine engine : engines) {
      for (SignerBalance b : engine.signerBalances()) {
        signers.add(signer(b));
      }
    }
    ArrayNode lanes = root.putArray("lanes");
    for (SettlementEngine engine : engines) {
      if (engine instanceof EvmSettlementEngine evm) {
        for (Network network : evm.networks()) {
          for (ExactEvmFacilitator.LaneStats lane : evm.exact().laneStats(network)) {
            ObjectNode row = lanes.addObject();
            row.put("network", network.toString());
            row.put("signer", lane.signer().toString());
            row.put("nextNonce", lane.nextNonce() < 0 ? "not synced" : lane.nextNonce() + "");
            row.put("inFlight", lane.inFlight());
            row.put("held", lane.held());
            row.put("resyncs", lane.resyncs());
          }
        }
      }
    }

    OperationsSeries.Snapshot s = series.snapshot();
    ObjectNode window = root.putObject("window");
    window.put("minutes", s.t().size() * s.slotSeconds() / 60);
    window.put("settles", s.settles());
    window.put("settleFailures", s.settleFailures());
    window.put("verifies", s.verifies());
    window.put("settleP50Ms", s.windowSettleP50() == null ? "–" : s.windowSettleP50() + "");
    window.put("settleP99Ms", s.windowSettleP99() == null ? "–" : s.windowSettleP99() + "");
    root.set(
        "throughput",
        chart(
            s.t(),
            Map.of("settles/s", s.settlesPerSecond(), "verifies/s", s.verifiesPerSecond()),
            List.of("settles/s", "verifies/s")));
    root.set(
        "latency",
        chart(
            s.t(),
            Map.of(
                "settle p50 ms", s.settleP50(),
                "settle p99 ms", s.settleP99(),
                "verify p50 ms", s.verifyP50(),
                "verify p99 ms", s.verifyP99()),
            List.of("settle p50 ms", "settle p99 ms", "verify p50 ms", "verify p99 ms")));
    ArrayNode failures = root.putArray("failures");
    s.failures()
        .forEach(
            (reason, n) -> {
              ObjectNode row = failures.addObject();
              row.put("reason", reason);
              row.put("count", n);
            });
    ArrayNode recent = root.putArray("recent");
    for (SettlementRecord record : ledger.list(SettlementFilter.all(), 0, RECENT)) {
      recent.add(row(record));
    }
    return root;
  }

  /** The search the request asks for, as its JSON. */
  ObjectNode search(AdminRequest request) {
    Network network = request.parameter("network").map(t -> network(t)).orElse(null);
    String payer = request.parameter("payer").map(t -> address("payer", t)).orElse(null);
    String payTo = request.parameter("payTo").map(t -> address("payTo", t)).orElse(null);
    String transaction = request.parameter("transaction").map(t -> transaction(t)).orElse(null);
    SettlementState state = request.parameter("state").map(t -> state(t)).orElse(null);
    int limit = request.intParameter("limit", 50, 1, 500);
    int offset = request.intParameter("offset", 0, 0, 1_000_000);
    List<SettlementRecord> found =
        ledger.search(
            new SettlementFilter(network, payer, payTo, state), transaction, offset, limit + 1);
    ObjectNode root = json.createObjectNode();
    ArrayNode rows = root.putArray("settlements");
    found.stream().limit(limit).forEach(r -> rows.add(row(r)));
    root.put("offset", offset);
    root.put("limit", limit);
    if (found.size() > limit) {
      root.put("nextOffset", offset + limit);
    } else {
      root.putNull("nextOffset");
    }
    return root;
  }

  private ObjectNode signer(SignerBalance b) {
    ObjectNode row = json.createObjectNode();
    row.put("network", b.network().toString());
    row.put("signer", b.signer());
    row.put("currency", b.currency());
    BigDecimal threshold = lowBalance.get(b.network().namespace());
    if (b.balance() == null) {
      row.putNull("balance");
      row.put("balanceText", "not read yet");
      row.put("status", "unknown");
      row.put("statusClass", "warn");
      row.put("low", false);
    } else {
      BigDecimal whole = new BigDecimal(b.balance()).movePointLeft(b.decimals());
      String text = plain(whole);
      boolean low = threshold != null && whole.compareTo(threshold) < 0;
      row.put("balance", text);
      row.put("balanceText", text + " " + b.currency());
      row.put("low", low);
      row.put("status", low ? "LOW: below " + plain(threshold) + " " + b.currency() : "ok");
      row.put("statusClass", low ? "bad" : "ok");
    }
    if (threshold != null) {
      row.put("lowBelow", plain(threshold));
    }
    return row;
  }

  private ObjectNode row(SettlementRecord record) {
    ObjectNode item = json.createObjectNode();
    Network at = record.key().network();
    item.put("network", at.toString());
    item.put("scheme", record.key().scheme());
    item.put("payer", shown(at, record.payer()));
    item.put("payTo", shown(at, record.payTo()));
    item.put("asset", shown(at, record.asset()));
    item.put("amount", record.amount().toString());
    item.put("state", record.state().name().toLowerCase(Locale.ROOT));
    item.put("stateClass", stateClass(record.state()));
    item.put("transaction", record.submission() == null ? "" : record.submission().transaction());
    item.put("signer", record.submission() == null ? "" : shown(at, record.submission().signer()));
    item.put(
        "errorReason",
        record.outcome() == null || record.outcome().errorReason() == null
            ? ""
            : record.outcome().errorReason());
    item.put("createdAt", record.createdAt().toString());
    item.put("updatedAt", record.updatedAt().toString());
    return item;
  }

  private ObjectNode chart(List<Long> t, Map<String, List<Double>> series, List<String> order) {
    ObjectNode chart = json.createObjectNode();
    ArrayNode times = chart.putArray("t");
    t.forEach(times::add);
    ArrayNode all = chart.putArray("series");
    for (String label : order) {
      ObjectNode s = all.addObject();
      s.put("label", label);
      ArrayNode values = s.putArray("values");
      for (Double v : series.get(label)) {
        if (v == null) {
          values.addNull();
        } else {
          values.add(v);
        }
      }
    }
    return chart;
  }

  // ---------------------------------------------------------------- input

  private static Network network(String text) {
    try {
      return Network.parse(text);
    } catch (IllegalArgumentException e) {
      throw new AdminRequest.BadParameter(
          "network", "must be a CAIP-2 network such as eip155:8453");
    }
  }

  /** An address as the ledger keeps it: lower-case hex on EVM chains, base58 on Solana. */
  private static String address(String name, String text) {
    try {
      if (text.startsWith("0x") || text.startsWith("0X")) {
        return EvmAddress.parse(text).toLowerHex();
      }
      return SolanaAddress.parse(text).toString();
    } catch (RuntimeException e) {
      throw new AdminRequest.BadParameter(
          name, "must be an EVM address (0x and 40 hex digits) or a Solana address (base58)");
    }
  }

  private static String transaction(String text) {
    try {
      if (text.startsWith("0x") || text.startsWith("0X")) {
        return Bytes32.parse(text).toString();
      }
      return Base58.encode(Base58.decode(text, 64, "transaction"));
    } catch (RuntimeException e) {
      throw new AdminRequest.BadParameter(
          "transaction",
          "must be an EVM transaction hash (0x and 64 hex digits) or a Solana signature (base58)");
    }
  }

  private static SettlementState state(String text) {
    for (SettlementState s : STATES) {
      if (s.name().equalsIgnoreCase(text)) {
        return s;
      }
    }
    throw new AdminRequest.BadParameter(
        "state", "must be one of claimed, submitted, confirmed, failed, pending");
  }

  // ---------------------------------------------------------------- pages

  private AdminPage page(String title) {
    return AdminPage.of(PRODUCT, title).nav("Overview", "/").nav("Settlements", "/settlements");
  }

  private String overviewPage(ObjectNode o) {
    Html h = new Html();
    h.open(
        "div",
        "data-src",
        "/api/overview",
        "data-every",
        Long.toString(AdminSnapshot.POLL.toMillis()),
        "id",
        "overview");
    h.open("div", "class", "grid");
    stat(h, "Confirmed settlements", o, "totals.confirmed", "ok");
    stat(h, "Failed settlements", o, "totals.failed", null);
    stat(h, "Pending (awaiting an outcome)", o, "totals.unresolved", null);
    stat(h, "Resolved by reconciliation since start", o, "reconciled.resolved", null);
    stat(h, "Settle calls, last hour", o, "window.settles", null);
    h.open("section", "class", "card");
    h.element("div", "Settle latency p50 / p99 (ms), last hour", "class", "label");
    h.open("div", "class", "stat");
    h.element("span", text(o, "window.settleP50Ms"), "data-key", "window.settleP50Ms");
    h.text(" / ");
    h.element("span", text(o, "window.settleP99Ms"), "data-key", "window.settleP99Ms");
    h.close().close();
    h.close(); // grid

    h.open("section", "class", "card");
    h.element("h2", "Settlements by network and state");
    List<String> cols =
        List.of("network", "claimed", "submitted", "confirmed", "failed", "pending", "total");
    rows(h, cols, cols, o.get("byNetwork"), "byNetwork", "No settlements yet.");
    h.close();

    h.open("div", "class", "grid");
    h.open("section", "class", "card");
    h.element("h2", "Throughput (calls per second)");
    h.element("div", "", "class", "chart", "data-chart", "throughput", "id", "throughput-chart");
    h.close();
    h.open("section", "class", "card");
    h.element("h2", "Latency (ms)");
    h.element("div", "", "class", "chart", "data-chart", "latency", "id", "latency-chart");
    h.close();
    h.close();

    h.open("section", "class", "card");
    h.element("h2", "Signers' gas balances");
    rows(
        h,
        List.of("network", "signer", "balance", "status"),
        List.of("network", "signer", "balanceText", "status"),
        o.get("signers"),
        "signers",
        "No signers.");
    h.close();

    h.open("div", "class", "grid");
    h.open("section", "class", "card");
    h.element("h2", "EVM nonce lanes");
    rows(
        h,
        List.of("network", "signer", "next nonce", "in flight", "held", "resyncs"),
        List.of("network", "signer", "nextNonce", "inFlight", "held", "resyncs"),
        o.get("lanes"),
        "lanes",
        "No EVM signers.");
    h.close();
    h.open("section", "class", "card");
    h.element("h2", "Failure reasons since start");
    rows(
        h,
        List.of("reason", "count"),
        List.of("reason", "count"),
        o.get("failures"),
        "failures",
        "No failures.");
    h.open("p", "class", "label");
    h.text("Reconciliation since start: ");
    h.element("span", text(o, "reconciled.confirmed"), "data-key", "reconciled.confirmed");
    h.text(" confirmed, ");
    h.element("span", text(o, "reconciled.failed"), "data-key", "reconciled.failed");
    h.text(" failed, ");
    h.element("span", text(o, "reconciled.rebroadcast"), "data-key", "reconciled.rebroadcast");
    h.text(" rebroadcast in ");
    h.element("span", text(o, "reconciled.passes"), "data-key", "reconciled.passes");
    h.text(" passes.");
    h.close();
    h.close();
    h.close();

    h.open("section", "class", "card");
    h.element("h2", "Latest settlements");
    settlementRows(h, o.get("recent"), "recent");
    h.open("p").link("/settlements", "Search all settlements").close();
    h.close();
    h.close(); // data-src
    return page("Overview").charts().body(h).render();
  }

  private String searchPage(AdminRequest request, ObjectNode found) {
    Html h = new Html();
    h.open("section", "class", "card");
    h.open("form", "class", "search", "method", "get", "action", "/settlements");
    input(h, request, "payer", "Payer");
    input(h, request, "payTo", "Recipient (payTo)");
    input(h, request, "transaction", "Transaction");
    input(h, request, "network", "Network (CAIP-2)");
    h.open("label").text("State");
    h.open("select", "name", "state");
    String chosen = request.parameter("state").orElse("");
    h.element("option", "any", "value", "");
    for (SettlementState s : STATES) {
      String v = s.name().toLowerCase(Locale.ROOT);
      h.element("option", v, "value", v, "selected", v.equalsIgnoreCase(chosen) ? "" : null);
    }
    h.close().close();
    h.element("button", "Search", "type", "submit");
    h.close();
    h.close();
    h.open("section", "class", "card");
    h.element("h2", "Settlements, newest first");
    settlementRows(h, found.get("settlements"), null);
    if (!found.get("nextOffset").isNull()) {
      StringBuilder next = new StringBuilder("?");
      request
          .parameters()
          .forEach(
              (k, v) -> {
                if (!k.equals("offset") && !v.isEmpty()) {
                  next.append(enc(k)).append('=').append(enc(v.get(0))).append('&');
                }
              });
      next.append("offset=").append(found.get("nextOffset").asLong());
      h.open("p").link(next.toString(), "Older settlements").close();
    }
    h.close();
    return page("Settlements").body(h).render();
  }

  private static void input(Html h, AdminRequest request, String name, String label) {
    h.open("label").text(label);
    h.open(
        "input",
        "name",
        name,
        "value",
        request.parameter(name).orElse(""),
        "autocomplete",
        "off",
        "spellcheck",
        "false");
    h.close();
  }

  private static void stat(Html h, String label, ObjectNode o, String path, String cls) {
    h.open("section", "class", "card");
    h.element("div", label, "class", "label");
    h.element(
        "div", text(o, path), "class", cls == null ? "stat" : "stat " + cls, "data-key", path);
    h.close();
  }

  private static void settlementRows(
      Html h, com.fasterxml.jackson.databind.JsonNode rows, String key) {
    rows(
        h,
        List.of("created", "network", "state", "payer", "payTo", "amount", "transaction", "reason"),
        List.of(
            "createdAt",
            "network",
            "state",
            "payer",
            "payTo",
            "amount",
            "transaction",
            "errorReason"),
        rows,
        key,
        "No settlements.");
  }

  /** A table whose rows the script refreshes from {@code key} of the polled JSON (if any). */
  private static void rows(
      Html h,
      List<String> headers,
      List<String> fields,
      com.fasterxml.jackson.databind.JsonNode rows,
      String key,
      String empty) {
    h.open("div", "class", "table-wrap");
    h.open("table");
    h.open("thead").open("tr");
    headers.forEach(x -> h.element("th", x, "scope", "col"));
    h.close().close();
    h.open("tbody", "data-rows", key, "data-cols", key == null ? null : String.join(",", fields));
    Iterator<com.fasterxml.jackson.databind.JsonNode> it = rows.elements();
    while (it.hasNext()) {
      com.fasterxml.jackson.databind.JsonNode row = it.next();
      h.open("tr");
      for (String f : fields) {
        String v = row.path(f).asText("");
        String cls = row.path(f + "Class").asText(null);
        boolean mono = v.startsWith("0x") && v.length() > 18 || v.length() > 30;
        String classes = cls != null ? cls : mono ? "mono" : null;
        h.element("td", v, "class", classes);
      }
      h.close();
    }
    h.close().close();
    h.close();
    if (!rows.elements().hasNext()) {
      h.element("p", empty, "class", "empty");
    }
  }

  // ---------------------------------------------------------------- text

  private static String text(ObjectNode o, String path) {
    com.fasterxml.jackson.databind.JsonNode n = o;
    for (String part : path.split("\\.")) {
      n = n.path(part);
    }
    return n.asText("");
  }

  private static String key(SettlementState state) {
    return state.name().toLowerCase(Locale.ROOT);
  }

  private static String stateClass(SettlementState state) {
    return switch (state) {
      case CONFIRMED -> "ok";
      case FAILED -> "bad";
      default -> "warn";
    };
  }

  private static String plain(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    return stripped.scale() < 0 ? stripped.setScale(0).toPlainString() : stripped.toPlainString();
  }

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

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }
}
