package io.x402j.bench;

import io.x402j.core.Network;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.facilitator.EvmNetworkConfig;
import io.x402j.evm.facilitator.ExactEvmFacilitator;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.facilitator.DiscoveryCatalog;
import io.x402j.facilitator.FacilitatorServer;
import io.x402j.facilitator.FacilitatorService;
import io.x402j.facilitator.JdbcSettlementLedger;
import io.x402j.facilitator.internal.CatalogFacets;
import io.x402j.facilitator.internal.CatalogStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How fast {@code GET /discovery/resources} and {@code GET /discovery/search} answer with a full
 * catalog: fills an SQLite file or an embedded PostgreSQL ({@code --database}) with {@code
 * --entries} entries (bulk transactions, in the tables the facilitator's migrations create, with
 * the facets and words the catalog itself would store, from a fixed vocabulary), starts the
 * facilitator's HTTP API on it, and times {@code --requests} sequential requests of each kind,
 * reporting mean, median, 95th and 99th percentile latency. Every answer must be 200. {@code
 * --explain} prints the database's plan of the listing and search queries instead.
 *
 * <p>Run: {@code java -cp x402j-bench/target/x402j-benchmarks.jar io.x402j.bench.DiscoveryLoad
 * --database sqlite}
 */
@Command(
    name = "discovery-load",
    mixinStandardHelpOptions = true,
    description = "Times the discovery endpoints on a filled catalog.")
public final class DiscoveryLoad implements Callable<Integer> {
  @Option(names = "--entries", defaultValue = "100000", description = "Catalog entries.")
  int entries;

  @Option(names = "--requests", defaultValue = "200", description = "Requests per kind.")
  int requests;

  @Option(
      names = "--database",
      defaultValue = "sqlite",
      description = "sqlite (a temporary file) or postgres (an embedded server).")
  String database;

  @Option(names = "--explain", description = "Print the query plans of the catalog's queries.")
  boolean explain;

  @Option(
      names = "--spread-days",
      defaultValue = "29",
      description =
          "Over how many days before now the entries' last payments are spread evenly (default"
              + " ${DEFAULT-VALUE}: a catalog whose entries expire after 30 days unpaid); 0 puts"
              + " them all within the last two minutes, the worst case for deep offsets.")
  int spreadDays;

  private static final String[] WORDS = vocabulary();

  public static void main(String[] args) {
    System.exit(new CommandLine(new DiscoveryLoad()).execute(args));
  }

  private static String[] vocabulary() {
    List<String> words = new ArrayList<>();
    String letters = "bcdfghjklmnprstvz";
    String vowels = "aeiou";
    for (int i = 0; words.size() < 2_000; i++) {
      words.add(
          ""
              + letters.charAt(i % 17)
              + vowels.charAt((i / 17) % 5)
              + letters.charAt((i / 85) % 17)
              + vowels.charAt((i / 1445) % 5)
              + "x"
              + (i % 7));
    }
    words.set(0, "weather");
    words.set(1, "forecast");
    words.set(2, "translate");
    return words.toArray(String[]::new);
  }

  @Override
  public Integer call() throws Exception {
    if (spreadDays < 0 || spreadDays > 29) {
      throw new CommandLine.ParameterException(
          new CommandLine(this),
          "--spread-days must be 0..29 (entries unpaid for 30 days expire), got " + spreadDays);
    }
    Path dir = Files.createTempDirectory("x402j-discovery-load");
    EmbeddedPostgres postgres = null;
    String url;
    if (database.equals("postgres")) {
      postgres = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).start();
      url = postgres.getJdbcUrl("postgres", "postgres");
    } else if (database.equals("sqlite")) {
      url = "jdbc:sqlite:" + dir.resolve("catalog.db");
    } else {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--database must be sqlite or postgres");
    }
    long fillStart = System.nanoTime();
    try (JdbcSettlementLedger ledger = JdbcSettlementLedger.open(url)) {
      fill(url, entries, spreadDays);
      long fillMs = (System.nanoTime() - fillStart) / 1_000_000;
      if (explain) {
        explain(url);
        return 0;
      }
      ExactEvmFacilitator scheme =
          ExactEvmFacilitator.builder()
              .network(
                  EvmNetworkConfig.builder(
                          Network.evm(8453), JsonRpcClient.builder("http://127.0.0.1:9").build())
                      .asset(EvmAddress.parse("0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"))
                      .signer(PrivateKeySigner.fromHex("0x" + "11".repeat(32)))
                      .build())
              .build();
      try (DiscoveryCatalog catalog =
              DiscoveryCatalog.open(ledger, DiscoveryCatalog.Settings.DEFAULT, Clock.systemUTC());
          FacilitatorServer server =
              FacilitatorServer.builder(FacilitatorService.builder().scheme(scheme).build())
                  .port(0)
                  .discovery(catalog)
                  .build()
                  .start()) {
        System.out.printf(
            Locale.ROOT,
            "%s: filled %d entries in %d ms; %d requests per kind, one at a time%n",
            database,
            entries,
            fillMs,
            requests);
        System.out.printf(
            Locale.ROOT,
            "%-72s %8s %8s %8s %8s%n",
            "request",
            "mean ms",
            "p50 ms",
            "p95 ms",
            "p99 ms");
        Map<String, String> kinds = new LinkedHashMap<>();
        kinds.put("list, first page", "/discovery/resources");
        kinds.put(
            "list, network+scheme filter", "/discovery/resources?network=eip155:8453&scheme=exact");
        kinds.put("list, type=mcp", "/discovery/resources?type=mcp&limit=50");
        kinds.put("list, offset 50000", "/discovery/resources?offset=50000");
        kinds.put("list, payTo filter", "/discovery/resources?payTo=" + payTo(7));
        kinds.put(
            "list, type+network+extension",
            "/discovery/resources?type=http&network=eip155:8453&extensions=payment-identifier");
        kinds.put(
            "list, network+payTo", "/discovery/resources?network=eip155:8453&payTo=" + payTo(8));
        kinds.put(
            "list, network filter, offset 20000",
            "/discovery/resources?network=eip155:84532&offset=20000");
        kinds.put("search, rare word", "/discovery/search?query=" + WORDS[1500]);
        kinds.put("search, common word (weather)", "/discovery/search?query=weather");
        kinds.put("search, two words", "/discovery/search?query=weather+" + WORDS[40]);
        kinds.put(
            "search, word + network filter",
            "/discovery/search?query=forecast&network=eip155:84532");
        kinds.put(
            "search, two common words + type filter",
            "/discovery/search?query=weather+forecast&type=http");
        HttpClient http = HttpClient.newHttpClient();
        // The cursor is a position in the ranking: take the one the 2nd page gives.
        String cursor = "";
        for (int page = 0; page < 2; page++) {
          String answer =
              http.send(
                      HttpRequest.newBuilder(
                              URI.create(
                                  server.url()
                                      + "/discovery/search?query=weather&cursor="
                                      + cursor))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body();
          java.util.regex.Matcher next =
              java.util.regex.Pattern.compile("\"cursor\":\"([A-Za-z0-9_-]+)\"").matcher(answer);
          if (!next.find()) {
            throw new IllegalStateException("no 3rd page of weather: " + answer);
          }
          cursor = next.group(1);
        }
        kinds.put(
            "search, common word, 3rd page", "/discovery/search?query=weather&cursor=" + cursor);
        for (Map.Entry<String, String> kind : kinds.entrySet()) {
          long[] nanos = new long[requests];
          for (int i = -20; i < requests; i++) { // 20 warm-up requests
            long start = System.nanoTime();
            HttpResponse<String> answer =
                http.send(
                    HttpRequest.newBuilder(URI.create(server.url() + kind.getValue())).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
              throw new IllegalStateException(kind.getKey() + ": " + answer.body());
            }
            if (i >= 0) {
              nanos[i] = System.nanoTime() - start;
            }
          }
          Arrays.sort(nanos);
          System.out.printf(
              Locale.ROOT,
              "%-72s %8.2f %8.2f %8.2f %8.2f%n",
              kind.getKey(),
              Arrays.stream(nanos).average().orElse(0) / 1e6,
              nanos[requests / 2] / 1e6,
              nanos[Math.min(requests - 1, (int) Math.ceil(requests * 0.95) - 1)] / 1e6,
              nanos[Math.min(requests - 1, (int) Math.ceil(requests * 0.99) - 1)] / 1e6);
        }
      } finally {
        scheme.close();
      }
    } finally {
      if (postgres != null) {
        postgres.close();
      }
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
    return 0;
  }

  private static String payTo(int n) {
    return String.format(Locale.ROOT, "0x%040x", n + 1);
  }

  /** Inserts {@code n} entries, their payment kinds, facets and words in one transaction. */
  private static void fill(String url, int n, int spreadDays) throws Exception {
    Random random = new Random(42);
    long now = System.currentTimeMillis();
    boolean sqlite = url.startsWith("jdbc:sqlite:");
    try (Connection c =
        DriverManager.getConnection(url + (sqlite ? "" : "&reWriteBatchedInserts=true"))) {
      if (sqlite) {
        try (var s = c.createStatement()) {
          s.execute("PRAGMA synchronous = OFF");
        }
      }
      c.setAutoCommit(false);
      try (PreparedStatement r =
              c.prepareStatement(
                  "INSERT INTO discovery_resources (id, resource, tool_name, pay_to, type,"
                      + " x402_version, description, mime_type, service_name, tags, icon_url,"
                      + " extension_keys, bazaar, metadata, created_by, first_seen, last_seen)"
                      + " VALUES (?, ?, NULL, ?, ?, 2, ?, 'application/json', ?, ?, NULL,"
                      + " ?, ?, '{\"method\":\"GET\"}', ?, ?, ?)");
          PreparedStatement a =
              c.prepareStatement(
                  "INSERT INTO discovery_accepts (resource_id, scheme, network, asset,"
                      + " requirements, paid_at) VALUES (?, 'exact', ?, ?, ?, ?)");
          PreparedStatement f =
              c.prepareStatement(
                  "INSERT INTO discovery_facets (facet, resource_id, last_seen) VALUES (?, ?, ?)");
          PreparedStatement t =
              c.prepareStatement(
                  "INSERT INTO discovery_terms (term, resource_id, weight, last_seen, type)"
                      + " VALUES (?, ?, ?, ?, ?)")) {
        for (int i = 0; i < n; i++) {
          String id = String.format(Locale.ROOT, "%064x", i);
          // Zipf-like: low word numbers are common, high ones rare.
          Set<String> words = new LinkedHashSet<>();
          while (words.size() < 8) {
            words.add(
                WORDS[(int) Math.min(WORDS.length - 1, Math.abs(random.nextGaussian()) * 300)]);
          }
          String tag = WORDS[random.nextInt(50)];
          String description = String.join(" ", words);
          String network = i % 2 == 0 ? "eip155:8453" : "eip155:84532";
          String payTo = payTo(i % 1000);
          String type = i % 10 == 0 ? "mcp" : "http";
          List<String> extensions =
              i % 3 == 0 ? List.of("bazaar", "payment-identifier") : List.of("bazaar");
          long seen = now - 1 - (spreadDays == 0 ? i : (long) i * spreadDays * 86_400_000L / n);
          r.setString(1, id);
          r.setString(2, "https://svc" + (i % 5000) + ".example.com/api/r" + i);
          r.setString(3, payTo);
          r.setString(4, type);
          r.setString(5, description);
          r.setString(6, "Service " + (i % 5000));
          r.setString(7, "[\"" + tag + "\"]");
          r.setString(8, "," + String.join(",", extensions) + ",");
          r.setString(
              9,
              "{\"info\":{\"input\":{\"type\":\"http\",\"method\":\"GET\"}},\"schema\":{\"type\":\"object\"}}");
          r.setString(10, payTo);
          r.setLong(11, seen);
          r.setLong(12, seen);
          r.addBatch();
          a.setString(1, id);
          a.setString(2, network);
          a.setString(3, "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913");
          a.setString(
              4,
              "{\"scheme\":\"exact\",\"network\":\""
                  + network
                  + "\",\"amount\":\"10000\",\"asset\":\"0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913\","
                  + "\"payTo\":\""
                  + payTo
                  + "\",\"maxTimeoutSeconds\":60}");
          a.setLong(5, seen);
          a.addBatch();
          for (String facet :
              CatalogFacets.of(
                  type, payTo, extensions, List.<String[]>of(new String[] {"exact", network}))) {
            f.setString(1, facet);
            f.setString(2, id);
            f.setLong(3, seen);
            f.addBatch();
          }
          Map<String, Integer> weights = new LinkedHashMap<>();
          weights.put(tag, 5);
          for (String word : words) {
            weights.putIfAbsent(word, 3);
          }
          for (Map.Entry<String, Integer> w : weights.entrySet()) {
            t.setString(1, w.getKey());
            t.setString(2, id);
            t.setInt(3, w.getValue());
            t.setLong(4, seen);
            t.setString(5, type);
            t.addBatch();
          }
          if (i % 2_000 == 1_999) {
            r.executeBatch();
            a.executeBatch();
            f.executeBatch();
            t.executeBatch();
          }
        }
        r.executeBatch();
        a.executeBatch();
        f.executeBatch();
        t.executeBatch();
      }
      // The facet counts the catalog keeps in step with the facets it writes.
      CatalogStore.recount(c);
      c.commit();
      c.setAutoCommit(true);
      try (var s = c.createStatement()) {
        // What a long-running database has: statistics, and (PostgreSQL) a visibility map.
        s.execute(sqlite ? "ANALYZE" : "VACUUM ANALYZE");
      }
    }
  }

  /** Prints the plan of each kind of catalog query, as the database would run it. */
  private static void explain(String url) throws Exception {
    boolean sqlite = url.startsWith("jdbc:sqlite:");
    long cutoff = System.currentTimeMillis() - 30L * 86_400_000;
    if (!sqlite) {
      try (Connection c = DriverManager.getConnection(url);
          var s = c.createStatement();
          var rs =
              s.executeQuery(
                  "SELECT c.relname, c.relpages, c.relallvisible, t.last_vacuum, t.n_dead_tup"
                      + " FROM pg_class c JOIN pg_stat_user_tables t ON t.relid = c.oid"
                      + " WHERE c.relname LIKE 'discovery%' ORDER BY 1")) {
        while (rs.next()) {
          System.out.printf(
              "-- %s: %d pages, %d all-visible, last vacuum %s, %d dead%n",
              rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getString(4), rs.getLong(5));
        }
      }
    }
    Map<String, String> queries = new LinkedHashMap<>();
    long hour = Math.floorDiv(cutoff, 3_600_000L);
    queries.put(
        "total, no filter (maintained counts + the cutoff's hour)",
        "SELECT (SELECT COALESCE(SUM(entries), 0) FROM discovery_facet_counts WHERE facet = '*'"
            + " AND bucket > "
            + hour
            + ") + (SELECT COUNT(*) FROM discovery_facets WHERE facet = '*' AND last_seen >= "
            + cutoff
            + " AND last_seen < "
            + (hour + 1) * 3_600_000L
            + ")");
    queries.put(
        "page, no filter",
        "SELECT d.resource_id, d.last_seen FROM discovery_facets d WHERE d.facet = '*' AND"
            + " d.last_seen >= "
            + cutoff
            + " ORDER BY d.last_seen DESC, d.resource_id DESC LIMIT 20 OFFSET 50000");
    queries.put(
        "page, type+network+extension (one facet)",
        "SELECT d.resource_id, d.last_seen FROM discovery_facets d WHERE d.facet ="
            + " 't=http&n=eip155:8453&e=payment-identifier' AND d.last_seen >= "
            + cutoff
            + " ORDER BY d.last_seen DESC, d.resource_id DESC LIMIT 20 OFFSET 0");
    queries.put(
        "page, one facet",
        "SELECT d.resource_id, d.last_seen FROM discovery_facets d WHERE d.facet ="
            + " 's=exact&n=eip155:8453' AND d.last_seen >= "
            + cutoff
            + " ORDER BY d.last_seen DESC, d.resource_id DESC LIMIT 20 OFFSET 0");
    queries.put(
        "count, two facets",
        "SELECT COUNT(*) FROM discovery_facets d WHERE d.facet = 'p="
            + payTo(8)
            + "' AND d.last_seen >= "
            + cutoff
            + " AND EXISTS (SELECT 1 FROM discovery_facets o WHERE o.facet = 'n=eip155:8453'"
            + " AND o.resource_id = d.resource_id)");
    queries.put(
        "search, one word",
        "SELECT t.resource_id, t.weight, t.last_seen FROM discovery_terms t WHERE t.term ="
            + " 'weather' AND t.last_seen >= "
            + cutoff
            + " ORDER BY t.weight DESC, t.last_seen DESC, t.resource_id DESC LIMIT 21 OFFSET 0");
    queries.put(
        "search, two words",
        "SELECT t.resource_id, COUNT(*) AS matched, SUM(t.weight) AS score, MAX(t.last_seen) AS"
            + " seen FROM discovery_terms t WHERE t.term IN ('weather', 'forecast') AND"
            + " t.last_seen >= "
            + cutoff
            + " GROUP BY t.resource_id ORDER BY matched DESC, score DESC, seen DESC,"
            + " t.resource_id DESC LIMIT 21 OFFSET 0");
    queries.put(
        "search, two words + type",
        "SELECT t.resource_id, COUNT(*) AS matched, SUM(t.weight) AS score, MAX(t.last_seen) AS"
            + " seen FROM discovery_terms t WHERE t.term IN ('weather', 'forecast') AND"
            + " t.last_seen >= "
            + cutoff
            + " AND t.type = 'http' GROUP BY t.resource_id ORDER BY matched DESC, score DESC,"
            + " seen DESC, t.resource_id DESC LIMIT 21 OFFSET 0");
    try (Connection c = DriverManager.getConnection(url);
        var s = c.createStatement()) {
      for (Map.Entry<String, String> query : queries.entrySet()) {
        System.out.println("-- " + query.getKey() + ": " + query.getValue());
        try (var rs =
            s.executeQuery(
                (sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN (ANALYZE, BUFFERS) ")
                    + query.getValue())) {
          while (rs.next()) {
            System.out.println("   " + rs.getString(sqlite ? 4 : 1));
          }
        }
      }
    }
  }
}
