package io.x402j.facilitator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.core.Network;
import io.x402j.core.NetworkInfo;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.core.wire.VerifyRequest;
import io.x402j.core.wire.WireCodec;
import io.x402j.facilitator.testing.AcceptingScheme;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The discovery catalog through the facilitator's HTTP API, on a real database: what a paying
 * client's echoed bazaar declaration becomes, what is refused, and how entries are refreshed,
 * expired, kept across restarts and shared by instances. One subclass per database.
 */
abstract class DiscoveryCatalogContract {
  static final String PAYER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";
  static final String SELLER = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
  static final ObjectMapper JSON = new ObjectMapper();
  static final WireCodec WIRE = WireCodec.standard();

  final HttpClient http = HttpClient.newHttpClient();
  final List<AutoCloseable> open = new ArrayList<>();
  final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  String database;
  Instance facilitator;

  /** The JDBC URL of a new, empty database. */
  abstract String newDatabase();

  /** The JDBC URL of a new database, empty or already migrated by the ledger (cheaper). */
  String newMigratedDatabase() {
    return newDatabase();
  }

  /** A clock the test moves. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  /** One facilitator on the shared database. */
  final class Instance {
    final JdbcSettlementLedger ledger;
    final DiscoveryCatalog catalog;
    final FacilitatorServer server;

    Instance(DiscoveryCatalog.Settings settings) {
      this(settings, FacilitatorService.builder().scheme(new AcceptingScheme()).build());
    }

    Instance(DiscoveryCatalog.Settings settings, FacilitatorService service) {
      ledger = JdbcSettlementLedger.open(database);
      catalog = DiscoveryCatalog.open(ledger, settings, clock);
      server = FacilitatorServer.builder(service).port(0).discovery(catalog).build().start();
      open.add(this::close);
    }

    void close() {
      server.close();
      catalog.close();
      ledger.close();
    }
  }

  static DiscoveryCatalog.Settings settings() {
    // A long answer wait: every answer here reports the final status, never "processing".
    return DiscoveryCatalog.Settings.DEFAULT.withAnswerWait(Duration.ofSeconds(30));
  }

  @BeforeEach
  void start() {
    database = newMigratedDatabase();
    facilitator = new Instance(settings());
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  static Map<String, Object> object(String json) throws Exception {
    return JSON.readValue(
        json, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {});
  }

  // ---- building payments -------------------------------------------------------------------

  static Map<String, Object> weatherDeclaration() throws Exception {
    return object(
        """
        {"info":{"input":{"type":"http","method":"GET","queryParams":{"city":"San Francisco"}},
                 "output":{"type":"json","example":{"weather":"foggy","temperature":60}}},
         "schema":{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
           "properties":{"input":{"type":"object","properties":{
               "type":{"type":"string","const":"http"},
               "method":{"type":"string","enum":["GET","HEAD","DELETE"]},
               "queryParams":{"type":"object","properties":{"city":{"type":"string"}},
                              "required":["city"]}},
             "required":["type","method"],"additionalProperties":false},
             "output":{"type":"object"}},
           "required":["input"]}}
        """);
  }

  static String request(
      String url, String description, Map<String, Object> resourceExtra, Object bazaar) {
    return request(url, description, resourceExtra, bazaar, SELLER);
  }

  static String request(
      String url,
      String description,
      Map<String, Object> resourceExtra,
      Object bazaar,
      String payTo) {
    return request(url, description, resourceExtra, bazaar, payTo, Map.of());
  }

  static String request(
      String url,
      String description,
      Map<String, Object> resourceExtra,
      Object bazaar,
      String payTo,
      Map<String, Object> otherExtensions) {
    PaymentRequirements requirements = AcceptingScheme.requirements(payTo);
    PaymentPayload plain = AcceptingScheme.payment(PAYER, requirements);
    Map<String, Object> extensions = new LinkedHashMap<>();
    if (bazaar != null) {
      extensions.put("bazaar", bazaar);
    }
    extensions.putAll(otherExtensions);
    PaymentPayload payload =
        new PaymentPayload(
            new ResourceInfo(url, description, "application/json", resourceExtra),
            requirements,
            plain.payload(),
            extensions.isEmpty() ? null : extensions,
            Map.of());
    return WIRE.toJson(new VerifyRequest(payload, requirements, Map.of()));
  }

  HttpResponse<String> post(Instance to, String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(to.server.url() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(Instance from, String pathAndQuery) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(from.server.url() + pathAndQuery)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode sideChannel(HttpResponse<String> answer) throws Exception {
    String header = answer.headers().firstValue("EXTENSION-RESPONSES").orElseThrow();
    return JSON.readTree(Base64.getDecoder().decode(header)).get("bazaar");
  }

  JsonNode list(Instance from, String query) throws Exception {
    HttpResponse<String> answer = get(from, "/discovery/resources" + query);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return JSON.readTree(answer.body());
  }

  JsonNode search(Instance from, String text, String more) throws Exception {
    HttpResponse<String> answer =
        get(
            from,
            "/discovery/search?query=" + URLEncoder.encode(text, StandardCharsets.UTF_8) + more);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return JSON.readTree(answer.body());
  }

  // ---- the tests ---------------------------------------------------------------------------

  @Test
  void aSettledDeclarationIsCataloguedListedAndFound() throws Exception {
    HttpResponse<String> settled =
        post(
            facilitator,
            "/settle",
            request(
                "https://api.example.com/weather?city=Paris",
                "Weather data endpoint",
                Map.of("serviceName", "Example Weather", "tags", List.of("weather", "forecast")),
                weatherDeclaration()));
    assertThat(JSON.readTree(settled.body()).get("success").asBoolean()).isTrue();
    assertThat(sideChannel(settled).get("status").asText()).isEqualTo("success");

    JsonNode listed = list(facilitator, "");
    assertThat(listed.get("x402Version").asInt()).isEqualTo(2);
    assertThat(listed.at("/pagination/total").asLong()).isEqualTo(1);
    JsonNode item = listed.at("/items/0");
    assertThat(item.get("resource").asText()).isEqualTo("https://api.example.com/weather");
    assertThat(item.get("type").asText()).isEqualTo("http");
    assertThat(item.get("x402Version").asInt()).isEqualTo(2);
    assertThat(item.get("description").asText()).isEqualTo("Weather data endpoint");
    assertThat(item.get("serviceName").asText()).isEqualTo("Example Weather");
    assertThat(item.get("tags").toString()).isEqualTo("[\"weather\",\"forecast\"]");
    assertThat(item.get("lastUpdated").asText()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(item.at("/accepts/0/payTo").asText()).isEqualTo(SELLER);
    assertThat(item.at("/accepts/0/network").asText()).isEqualTo("eip155:84532");
    assertThat(item.at("/extensions/bazaar/info/input/method").asText()).isEqualTo("GET");

    JsonNode found = search(facilitator, "foggy weather forecasts", "");
    assertThat(found.at("/resources/0/resource").asText())
        .isEqualTo("https://api.example.com/weather");
    assertThat(found.at("/pagination/cursor").isNull()).isTrue();
    assertThat(search(facilitator, "nothing matches this", "").get("resources")).isEmpty();
    assertThat(get(facilitator, "/supported").body()).contains("\"bazaar\"");
  }

  @Test
  void aVerificationAloneNeitherCataloguesNorKeepsAnEntryListed() throws Exception {
    String pay = request("https://api.example.com/weather", "paid", Map.of(), weatherDeclaration());
    HttpResponse<String> verified = post(facilitator, "/verify", pay);
    assertThat(JSON.readTree(verified.body()).get("isValid").asBoolean()).isTrue();
    assertThat(verified.headers().firstValue("EXTENSION-RESPONSES")).isEmpty();
    assertThat(list(facilitator, "").get("items")).isEmpty();

    HttpResponse<String> settled = post(facilitator, "/settle", pay);
    assertThat(sideChannel(settled).get("status").asText()).isEqualTo("success");
    assertThat(list(facilitator, "").get("items")).hasSize(1);

    // Free verifications just before expiry neither refresh nor rewrite the entry.
    clock.advance(settings().ttl().minusHours(1));
    post(
        facilitator,
        "/verify",
        request("https://api.example.com/weather", "rewritten", Map.of(), weatherDeclaration()));
    assertThat(list(facilitator, "").at("/items/0/description").asText()).isEqualTo("paid");
    clock.advance(Duration.ofHours(2));
    assertThat(list(facilitator, "").get("items")).isEmpty();
  }

  @Test
  void theAnswerWaitsForTheCatalogAtMostTheConfiguredTime() throws Exception {
    facilitator.close();
    open.clear();
    facilitator = new Instance(settings().withAnswerWait(Duration.ofMillis(20)));
    java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
    facilitator.catalog.onWorker(
        () -> {
          held.countDown();
          try {
            hold.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    held.await();
    HttpResponse<String> settled =
        post(
            facilitator,
            "/settle",
            request("https://api.example.com/weather", null, Map.of(), weatherDeclaration()));
    assertThat(JSON.readTree(settled.body()).get("success").asBoolean()).isTrue();
    assertThat(sideChannel(settled).get("status").asText()).isEqualTo("processing");
    hold.countDown();
    java.util.concurrent.CountDownLatch drained = new java.util.concurrent.CountDownLatch(1);
    facilitator.catalog.onWorker(drained::countDown);
    drained.await();
    assertThat(list(facilitator, "").get("items")).hasSize(1);
  }

  @Test
  void theExtensionsFilterMatchesTheKeyExactlyAndCombinesWithTheOthers() throws Exception {
    post(
        facilitator,
        "/settle",
        request(
            "https://api.example.com/a",
            "a",
            Map.of(),
            weatherDeclaration(),
            SELLER,
            Map.of("acme.loyalty", Map.of("info", Map.of("points", 1)))));
    post(
        facilitator,
        "/settle",
        request("https://api.example.com/b", "b", Map.of(), weatherDeclaration()));
    String seller = SELLER.toLowerCase(java.util.Locale.ROOT);
    Map<String, Long> totals = new LinkedHashMap<>();
    totals.put("?extensions=acme.loyalty", 1L);
    totals.put("?extensions=Acme.Loyalty", 0L);
    totals.put("?extensions=bazaar", 2L);
    totals.put("?extensions=BAZAAR", 0L);
    totals.put("?extensions=acme.loyalty&type=http&network=eip155:84532&payTo=" + seller, 1L);
    totals.put("?extensions=acme.loyalty&scheme=exact&payTo=" + seller, 1L);
    totals.put("?extensions=acme.loyalty&type=mcp", 0L);
    totals.put("?extensions=bazaar&type=http&scheme=exact&network=eip155:84532", 2L);
    totals.put("?payTo=" + seller + "&network=eip155:8453", 0L);
    for (Map.Entry<String, Long> query : totals.entrySet()) {
      JsonNode page = list(facilitator, query.getKey());
      assertThat(page.at("/pagination/total").asLong())
          .as(query.getKey())
          .isEqualTo(query.getValue());
      assertThat(page.get("items")).as(query.getKey()).hasSize(query.getValue().intValue());
    }
    assertThat(search(facilitator, "weather", "&extensions=acme.loyalty").get("resources"))
        .hasSize(1);
    assertThat(search(facilitator, "weather", "&extensions=ACME.LOYALTY").get("resources"))
        .isEmpty();
  }

  @Test
  void theFacetMigrationIndexesEntriesStoredBeforeIt() throws Exception {
    String old = newDatabase();
    org.flywaydb.core.Flyway.configure()
        .dataSource(old, null, null)
        .locations("classpath:io/x402j/facilitator/db/migration")
        .table("x402j_schema_history")
        .target("5")
        .load()
        .migrate();
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(old);
        java.sql.Statement s = c.createStatement()) {
      long seen = clock.instant().toEpochMilli();
      for (int i = 0; i < 2; i++) {
        String id = "id" + i;
        s.execute(
            "INSERT INTO discovery_resources (id, resource, tool_name, pay_to, type, x402_version,"
                + " description, extension_keys, bazaar, metadata, created_by, first_seen,"
                + " last_seen) VALUES ('"
                + id
                + "', 'https://old.example/r"
                + i
                + "', NULL, '0xabababababababababababababababababababab', '"
                + (i == 0 ? "http" : "mcp")
                + "', 2, 'old foggy entry', '"
                + (i == 0 ? ",bazaar,payment-identifier," : ",bazaar,")
                + "', '{\"info\":{}}', '{}', 'p', "
                + (seen - i)
                + ", "
                + (seen - i)
                + ")");
        s.execute(
            "INSERT INTO discovery_accepts (resource_id, scheme, network, asset, requirements,"
                + " paid_at) VALUES ('"
                + id
                + "', 'exact', 'eip155:"
                + (i == 0 ? "8453" : "84532")
                + "', '0x1', '{}', "
                + seen
                + ")");
        s.execute(
            "INSERT INTO discovery_terms (term, resource_id, weight) VALUES ('foggy', '"
                + id
                + "', "
                + (3 + i)
                + ")");
      }
    }
    facilitator.close();
    open.clear();
    database = old;
    facilitator = new Instance(settings());
    assertThat(list(facilitator, "").at("/pagination/total").asLong()).isEqualTo(2);
    assertThat(
            list(facilitator, "?network=eip155:8453&scheme=exact").at("/items/0/resource").asText())
        .isEqualTo("https://old.example/r0");
    assertThat(list(facilitator, "?type=mcp").at("/items/0/resource").asText())
        .isEqualTo("https://old.example/r1");
    assertThat(
            list(
                    facilitator,
                    "?extensions=payment-identifier&payTo=0xabababababababababababababababababababab")
                .get("items"))
        .hasSize(1);
    JsonNode found = search(facilitator, "foggy", "");
    assertThat(found.get("resources")).hasSize(2);
    assertThat(found.at("/resources/0/resource").asText()).isEqualTo("https://old.example/r1");
    assertThat(search(facilitator, "foggy", "&type=http").get("resources")).hasSize(1);
  }

  @Test
  void theCountMigrationRederivesTheFacetsAndCountsACatalogStoredUnderV6() throws Exception {
    String old = newDatabase();
    org.flywaydb.core.Flyway.configure()
        .dataSource(old, null, null)
        .locations("classpath:io/x402j/facilitator/db/migration")
        .javaMigrations(new io.x402j.facilitator.internal.V6__Discovery_facets())
        .table("x402j_schema_history")
        .target("6")
        .load()
        .migrate();
    String payTo = "0xabababababababababababababababababababab";
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(old);
        java.sql.Statement s = c.createStatement()) {
      long seen = clock.instant().toEpochMilli();
      for (int i = 0; i < 3; i++) {
        String id = "id" + i;
        String type = i == 2 ? "mcp" : "http";
        String network = i == 1 ? "eip155:84532" : "eip155:8453";
        long at = seen - i * 3_600_000L;
        s.execute(
            "INSERT INTO discovery_resources (id, resource, tool_name, pay_to, type, x402_version,"
                + " description, extension_keys, bazaar, metadata, created_by, first_seen,"
                + " last_seen) VALUES ('"
                + id
                + "', 'https://v6.example/r"
                + i
                + "', NULL, '"
                + payTo
                + "', '"
                + type
                + "', 2, 'old foggy entry', '"
                + (i < 2 ? ",bazaar,payment-identifier," : ",bazaar,")
                + "', '{\"info\":{}}', '{}', 'p', "
                + at
                + ", "
                + at
                + ")");
        s.execute(
            "INSERT INTO discovery_accepts (resource_id, scheme, network, asset, requirements,"
                + " paid_at) VALUES ('"
                + id
                + "', 'exact', '"
                + network
                + "', '0x1', '{}', "
                + at
                + ")");
        // The facets and words as x402j stored them under V6.
        List<String> facets =
            new ArrayList<>(
                List.of(
                    "*",
                    "t=" + type,
                    "s=exact",
                    "n=" + network,
                    "s=exact&n=" + network,
                    "t=" + type + "&s=exact",
                    "t=" + type + "&n=" + network,
                    "t=" + type + "&s=exact&n=" + network,
                    "p=" + payTo));
        if (i < 2) {
          facets.add("e=payment-identifier");
        }
        for (String facet : facets) {
          s.execute(
              "INSERT INTO discovery_facets (facet, resource_id, last_seen) VALUES ('"
                  + facet
                  + "', '"
                  + id
                  + "', "
                  + at
                  + ")");
        }
        s.execute(
            "INSERT INTO discovery_terms (term, resource_id, weight, last_seen) VALUES ('foggy', '"
                + id
                + "', 3, "
                + at
                + ")");
      }
    }
    facilitator.close();
    open.clear();
    database = old;
    facilitator = new Instance(settings());
    Map<String, Long> totals = new LinkedHashMap<>();
    totals.put("", 3L);
    totals.put("?type=http", 2L);
    totals.put("?extensions=payment-identifier", 2L);
    totals.put("?type=http&network=eip155:8453&extensions=payment-identifier", 1L);
    totals.put("?scheme=exact&extensions=payment-identifier&payTo=" + payTo, 2L);
    totals.put("?type=mcp&extensions=payment-identifier", 0L);
    for (Map.Entry<String, Long> query : totals.entrySet()) {
      JsonNode page = list(facilitator, query.getKey());
      assertThat(page.at("/pagination/total").asLong())
          .as(query.getKey())
          .isEqualTo(query.getValue());
      assertThat(page.get("items")).as(query.getKey()).hasSize(query.getValue().intValue());
    }
    assertThat(
            list(facilitator, "?type=http&network=eip155:8453&extensions=payment-identifier")
                .at("/items/0/resource")
                .asText())
        .isEqualTo("https://v6.example/r0");
    assertThat(search(facilitator, "foggy", "").get("resources")).hasSize(3);
    JsonNode http = search(facilitator, "foggy", "&type=http");
    assertThat(http.get("resources")).hasSize(2);
    assertThat(http.at("/resources/1/resource").asText()).isEqualTo("https://v6.example/r1");
    assertThat(search(facilitator, "foggy", "&type=mcp").at("/resources/0/resource").asText())
        .isEqualTo("https://v6.example/r2");
    assertCountsMatchTheFacets();
  }

  /**
   * The maintained facet counts hold exactly what counting the facet rows gives: every change of
   * the facets changed the counts in step.
   */
  void assertCountsMatchTheFacets() throws Exception {
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(database);
        java.sql.Statement s = c.createStatement()) {
      List<String> counted = new ArrayList<>();
      try (java.sql.ResultSet rs =
          s.executeQuery(
              "SELECT facet, bucket, entries FROM discovery_facet_counts ORDER BY facet, bucket")) {
        while (rs.next()) {
          counted.add(rs.getString(1) + " " + rs.getLong(2) + " " + rs.getLong(3));
        }
      }
      List<String> actual = new ArrayList<>();
      try (java.sql.ResultSet rs =
          s.executeQuery(
              "SELECT facet, last_seen / 3600000, COUNT(*) FROM discovery_facets"
                  + " GROUP BY facet, last_seen / 3600000 ORDER BY facet, last_seen / 3600000")) {
        while (rs.next()) {
          actual.add(rs.getString(1) + " " + rs.getLong(2) + " " + rs.getLong(3));
        }
      }
      assertThat(counted).isNotEmpty().isEqualTo(actual);
    }
  }

  @Test
  void totalsStayExactAcrossInsertRefreshExpiryAndPurge() throws Exception {
    // Three entries paid at 00:10, 00:40 and 01:20; counts are kept per hour of the last payment,
    // so the cutoff moves through the hour of the first two.
    Map<String, Object> loyalty = Map.of("acme.loyalty", Map.of("info", Map.of("points", 1)));
    String a = request("https://api.example.com/a", "a", Map.of(), weatherDeclaration());
    String b =
        request("https://api.example.com/b", "b", Map.of(), weatherDeclaration(), SELLER, loyalty);
    String c = request("https://api.example.com/c", "c", Map.of(), weatherDeclaration());
    clock.advance(Duration.ofMinutes(10));
    post(facilitator, "/settle", a);
    clock.advance(Duration.ofMinutes(30));
    post(facilitator, "/settle", b);
    clock.advance(Duration.ofMinutes(40));
    post(facilitator, "/settle", c);
    assertTotals(3, 1);
    assertCountsMatchTheFacets();
    // Cutoff 00:20: a (00:10) is expired but not purged, b is in the cutoff's hour.
    clock.advance(settings().ttl().minus(Duration.ofMinutes(60)));
    assertTotals(2, 1);
    post(facilitator, "/settle", b); // refreshed: moves to a later hour
    assertCountsMatchTheFacets();
    assertTotals(2, 1);
    clock.advance(Duration.ofMinutes(30)); // cutoff 00:50
    assertTotals(2, 1);
    assertThat(facilitator.catalog.purgeExpired()).isEqualTo(1);
    assertCountsMatchTheFacets();
    assertTotals(2, 1);
    clock.advance(Duration.ofMinutes(40)); // cutoff 01:30: c expired
    assertTotals(1, 1);
    assertThat(facilitator.catalog.purgeExpired()).isEqualTo(1);
    assertCountsMatchTheFacets();
    assertTotals(1, 1);
    post(facilitator, "/settle", a); // a new entry again
    assertTotals(2, 1);
    assertCountsMatchTheFacets();
    // a and b are now in different hours: the offset skips a's hour by its count.
    assertThat(list(facilitator, "?offset=1").get("items")).hasSize(1);
    assertThat(list(facilitator, "?offset=1").at("/items/0/resource").asText())
        .isEqualTo("https://api.example.com/b");
    assertThat(list(facilitator, "?offset=1&extensions=bazaar&type=http").at("/items/0/resource"))
        .hasToString("\"https://api.example.com/b\"");
    assertThat(list(facilitator, "?offset=2").get("items")).isEmpty();
    assertThat(list(facilitator, "?offset=2").at("/pagination/total").asLong()).isEqualTo(2);
  }

  /** The totals of the listing alone, with filters, and of the loyalty extension's entries. */
  void assertTotals(long all, long loyal) throws Exception {
    String seller = SELLER.toLowerCase(java.util.Locale.ROOT);
    Map<String, Long> totals = new LinkedHashMap<>();
    totals.put("", all);
    totals.put("?type=http&network=eip155:84532&scheme=exact", all);
    totals.put("?payTo=" + seller, all);
    totals.put("?network=eip155:8453", 0L);
    totals.put("?extensions=acme.loyalty", loyal);
    totals.put("?type=http&network=eip155:84532&extensions=acme.loyalty", loyal);
    totals.put("?extensions=acme.loyalty&payTo=" + seller, loyal);
    for (Map.Entry<String, Long> query : totals.entrySet()) {
      JsonNode page = list(facilitator, query.getKey());
      assertThat(page.at("/pagination/total").asLong())
          .as(query.getKey())
          .isEqualTo(query.getValue());
      assertThat(page.get("items")).as(query.getKey()).hasSize(query.getValue().intValue());
    }
  }

  @Test
  void aPaymentWithoutDeclarationGetsNoSideChannelAndNoEntry() throws Exception {
    HttpResponse<String> verified =
        post(facilitator, "/verify", request("https://api.example.com/x", null, Map.of(), null));
    assertThat(verified.headers().firstValue("EXTENSION-RESPONSES")).isEmpty();
    assertThat(list(facilitator, "").get("items")).isEmpty();
  }

  @Test
  void hostileDeclarationsAreRejectedWithAReasonNotStoredAndTheAnswerIsUnchanged()
      throws Exception {
    Map<String, String> hostile = new LinkedHashMap<>();
    hostile.put(
        "external $ref",
        "{\"info\":{\"input\":{\"type\":\"http\"}},\"schema\":{\"$ref\":\"http://127.0.0.1:9/s.json\"}}");
    hostile.put(
        "catastrophic pattern",
        "{\"info\":{\"input\":{\"type\":\"http\",\"q\":\""
            + "a".repeat(40)
            + "!\"}},\"schema\":{\"properties\":{\"input\":{\"properties\":{\"q\":"
            + "{\"pattern\":\"^(.*a){12}$\"}}}}}}");
    hostile.put(
        "$ref cycle", "{\"info\":{\"input\":{\"type\":\"http\"}},\"schema\":{\"$ref\":\"#\"}}");
    StringBuilder laughs = new StringBuilder("{\"$defs\":{\"d0\":{\"type\":\"object\"}");
    for (int i = 1; i <= 30; i++) {
      laughs.append(",\"d" + i + "\":{\"allOf\":[{\"$ref\":\"#/$defs/d" + (i - 1) + "\"},");
      laughs.append("{\"$ref\":\"#/$defs/d" + (i - 1) + "\"}]}");
    }
    laughs.append("},\"$ref\":\"#/$defs/d30\"}");
    hostile.put(
        "exponential $refs",
        "{\"info\":{\"input\":{\"type\":\"http\"}},\"schema\":" + laughs + "}");
    hostile.put(
        "deep nesting",
        "{\"info\":{\"input\":{\"type\":\"http\"}},\"schema\":"
            + "{\"not\":".repeat(40)
            + "{}"
            + "}".repeat(40)
            + "}");
    hostile.put(
        "info fails its schema",
        "{\"info\":{\"input\":{\"type\":\"http\",\"method\":\"BREW\"}},"
            + "\"schema\":{\"properties\":{\"input\":{\"properties\":{\"method\":{\"enum\":[\"GET\"]}}}}}}");
    hostile.put("no schema", "{\"info\":{\"input\":{\"type\":\"http\"}}}");
    hostile.put(
        "other dialect",
        "{\"info\":{\"input\":{\"type\":\"http\"}},\"schema\":{\"$schema\":"
            + "\"http://json-schema.org/draft-04/schema#\"}}");
    for (Map.Entry<String, String> attack : hostile.entrySet()) {
      long start = System.nanoTime();
      HttpResponse<String> verified =
          post(
              facilitator,
              "/settle",
              request(
                  "https://api.example.com/" + attack.getKey().replace(' ', '-'),
                  null,
                  Map.of(),
                  object(attack.getValue())));
      assertThat(JSON.readTree(verified.body()).get("success").asBoolean())
          .as(attack.getKey() + ": the settlement answer is the scheme's")
          .isTrue();
      JsonNode status = sideChannel(verified);
      assertThat(status.get("status").asText()).as(attack.getKey()).isEqualTo("rejected");
      assertThat(status.get("rejectedReason").asText()).as(attack.getKey()).isNotBlank();
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as(attack.getKey() + " is refused quickly")
          .isLessThan(Duration.ofSeconds(20));
    }
    assertThat(list(facilitator, "").get("items")).isEmpty();
  }

  @Test
  void laterPaymentsRefreshTheEntryAndTheRouteTemplateKeysIt() throws Exception {
    Map<String, Object> declaration = new LinkedHashMap<>(weatherDeclaration());
    declaration.put("routeTemplate", "/weather/:city");
    post(
        facilitator,
        "/settle",
        request("https://api.example.com/weather/paris", "old", Map.of(), declaration));
    clock.advance(Duration.ofHours(1));
    post(
        facilitator,
        "/settle",
        request("https://api.example.com/weather/rome", "new", Map.of(), declaration));
    JsonNode items = list(facilitator, "").get("items");
    assertThat(items).hasSize(1);
    assertThat(items.at("/0/resource").asText()).isEqualTo("https://api.example.com/weather/:city");
    assertThat(items.at("/0/description").asText()).isEqualTo("new");
    assertThat(items.at("/0/lastUpdated").asText()).isEqualTo("2026-01-01T01:00:00Z");
  }

  @Test
  void aPaymentToAnotherRecipientCannotRewriteAnEntry() throws Exception {
    post(
        facilitator,
        "/settle",
        request("https://api.example.com/weather", "real", Map.of(), weatherDeclaration()));
    post(
        facilitator,
        "/settle",
        request(
            "https://api.example.com/weather",
            "fake",
            Map.of(),
            weatherDeclaration(),
            "0x1111111111111111111111111111111111111111"));
    JsonNode real = list(facilitator, "?payTo=" + SELLER.toLowerCase(java.util.Locale.ROOT));
    assertThat(real.get("items")).hasSize(1);
    assertThat(real.at("/items/0/description").asText()).isEqualTo("real");
    assertThat(list(facilitator, "").get("items")).hasSize(2);
  }

  @Test
  void entriesNotPaidForWithinTheTtlExpireAndAPaymentRevivesThem() throws Exception {
    String pay = request("https://api.example.com/weather", null, Map.of(), weatherDeclaration());
    post(facilitator, "/settle", pay);
    clock.advance(settings().ttl().minusSeconds(1));
    assertThat(list(facilitator, "").get("items")).hasSize(1);
    clock.advance(Duration.ofSeconds(2));
    assertThat(list(facilitator, "").get("items")).isEmpty();
    assertThat(search(facilitator, "weather", "").get("resources")).isEmpty();
    assertThat(facilitator.catalog.purgeExpired()).isEqualTo(1);
    post(facilitator, "/settle", pay);
    assertThat(list(facilitator, "").get("items")).hasSize(1);
  }

  @Test
  void oneFilledPayerIsLimitedNotTheOthers() throws Exception {
    facilitator.close();
    open.clear();
    facilitator = new Instance(settings().withLimits(1_000, 2));
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> answer =
          post(
              facilitator,
              "/settle",
              request("https://spam.example/r" + i, null, Map.of(), weatherDeclaration()));
      assertThat(sideChannel(answer).get("status").asText())
          .isEqualTo(i < 2 ? "success" : "rejected");
      if (i == 2) {
        assertThat(sideChannel(answer).get("rejectedReason").asText()).contains("limit is 2");
      }
    }
    assertThat(list(facilitator, "").at("/pagination/total").asLong()).isEqualTo(2);
  }

  @Test
  void theCatalogSurvivesARestartAndIsSharedByInstances() throws Exception {
    post(
        facilitator,
        "/settle",
        request("https://api.example.com/weather", null, Map.of(), weatherDeclaration()));
    Instance second = new Instance(settings());
    assertThat(list(second, "").get("items")).hasSize(1);
    post(
        second,
        "/settle",
        request("https://api.example.com/weather", "from two", Map.of(), weatherDeclaration()));
    assertThat(list(facilitator, "").get("items")).hasSize(1);
    assertThat(list(facilitator, "").at("/items/0/description").asText()).isEqualTo("from two");
    facilitator.close();
    second.close();
    open.clear();
    facilitator = new Instance(settings());
    assertThat(list(facilitator, "").get("items")).hasSize(1);
  }

  @Test
  void filtersAndPagination() throws Exception {
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofSeconds(1));
      post(
          facilitator,
          "/settle",
          request("https://api.example.com/w" + i, "weather " + i, Map.of(), weatherDeclaration()));
    }
    JsonNode page = list(facilitator, "?limit=2&offset=1");
    assertThat(page.get("items")).hasSize(2);
    assertThat(page.at("/items/0/resource").asText()).isEqualTo("https://api.example.com/w3");
    assertThat(page.at("/pagination/total").asLong()).isEqualTo(5);
    assertThat(
            list(facilitator, "?network=eip155:84532&scheme=exact&type=http&extensions=bazaar")
                .at("/pagination/total")
                .asLong())
        .isEqualTo(5);
    assertThat(list(facilitator, "?network=eip155:8453").get("items")).isEmpty();
    assertThat(list(facilitator, "?type=mcp").get("items")).isEmpty();
    assertThat(list(facilitator, "?extensions=payment-identifier").get("items")).isEmpty();

    JsonNode first = search(facilitator, "weather", "&limit=3");
    assertThat(first.get("resources")).hasSize(3);
    String cursor = first.at("/pagination/cursor").asText();
    JsonNode second = search(facilitator, "weather", "&limit=3&cursor=" + cursor);
    assertThat(second.get("resources")).hasSize(2);
    assertThat(second.at("/pagination/cursor").isNull()).isTrue();
  }

  @Test
  void searchPagesDoNotRepeatWhileEntriesAreAdded() throws Exception {
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofSeconds(1));
      post(
          facilitator,
          "/settle",
          request("https://api.example.com/w" + i, "weather " + i, Map.of(), weatherDeclaration()));
    }
    JsonNode first = search(facilitator, "weather", "&limit=2");
    clock.advance(Duration.ofSeconds(1));
    post(
        facilitator,
        "/settle",
        request("https://api.example.com/new", "weather new", Map.of(), weatherDeclaration()));
    JsonNode second =
        search(
            facilitator, "weather", "&limit=2&cursor=" + first.at("/pagination/cursor").asText());
    java.util.Set<String> seen = new java.util.HashSet<>();
    first.get("resources").forEach(r -> seen.add(r.get("resource").asText()));
    second.get("resources").forEach(r -> assertThat(seen.add(r.get("resource").asText())).isTrue());
    assertThat(seen)
        .containsExactlyInAnyOrder(
            "https://api.example.com/w0",
            "https://api.example.com/w1",
            "https://api.example.com/w2",
            "https://api.example.com/w3");
  }

  @Test
  void searchPagesOfSeveralWordsDoNotRepeatWhenALaterEntryIsPaidAgain() throws Exception {
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofSeconds(1));
      post(
          facilitator,
          "/settle",
          request(
              "https://api.example.com/f" + i,
              "foggy weather " + i,
              Map.of(),
              weatherDeclaration()));
    }
    JsonNode first = search(facilitator, "foggy weather", "&limit=2");
    assertThat(first.get("resources")).hasSize(2);
    // An entry not yet shown is paid for again and moves to the top: the pages already read
    // must not shift into the next one.
    clock.advance(Duration.ofSeconds(1));
    post(
        facilitator,
        "/settle",
        request("https://api.example.com/f1", "foggy weather 1", Map.of(), weatherDeclaration()));
    List<String> seen = new ArrayList<>();
    first.get("resources").forEach(r -> seen.add(r.get("resource").asText()));
    String cursor = first.at("/pagination/cursor").asText();
    for (int pages = 0; pages < 5; pages++) {
      JsonNode page = search(facilitator, "foggy weather", "&limit=2&cursor=" + cursor);
      page.get("resources").forEach(r -> seen.add(r.get("resource").asText()));
      if (page.at("/pagination/cursor").isNull()) {
        break;
      }
      cursor = page.at("/pagination/cursor").asText();
    }
    assertThat(seen).doesNotHaveDuplicates();
    // Every entry that did not move is seen exactly once.
    assertThat(seen)
        .contains(
            "https://api.example.com/f0",
            "https://api.example.com/f2",
            "https://api.example.com/f3",
            "https://api.example.com/f4");
  }

  @Test
  void aForgedOrGarbledCursorIsA400NamingTheCursor() throws Exception {
    post(
        facilitator,
        "/settle",
        request("https://api.example.com/w", "weather", Map.of(), weatherDeclaration()));
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String good = search(facilitator, "weather", "&limit=1").at("/pagination/cursor").asText();
    // One entry and limit 1: no next page, so make a well-formed one by hand from the format.
    assertThat(good).isEqualTo("null");
    // version 1, 1 word matched, score 0, time 0, a 64-character id
    byte[] valid = new byte[83];
    valid[0] = 1;
    valid[1] = 1;
    valid[18] = 64;
    java.util.Arrays.fill(valid, 19, 83, (byte) 'a');
    List<String> bad = new ArrayList<>();
    bad.add("bogus!");
    bad.add("%00");
    bad.add(b64.encodeToString("o:2".getBytes(StandardCharsets.US_ASCII))); // the old offset form
    bad.add(b64.encodeToString(java.util.Arrays.copyOf(valid, 82)));
    bad.add(b64.encodeToString(java.util.Arrays.copyOf(valid, 84)));
    bad.add(Base64.getUrlEncoder().encodeToString(valid)); // padded
    bad.add("/" + b64.encodeToString(valid).substring(1)); // not the URL alphabet
    bad.add("A".repeat(5000));
    byte[] version = valid.clone();
    version[0] = 2;
    bad.add(b64.encodeToString(version));
    byte[] matched = valid.clone();
    matched[1] = 0;
    bad.add(b64.encodeToString(matched));
    byte[] negative = valid.clone();
    negative[2] = (byte) 0x80;
    bad.add(b64.encodeToString(negative));
    byte[] negativeSeen = valid.clone();
    negativeSeen[10] = (byte) 0x80;
    bad.add(b64.encodeToString(negativeSeen));
    byte[] noId = java.util.Arrays.copyOf(valid, 19);
    noId[18] = 0;
    bad.add(b64.encodeToString(noId));
    byte[] controlInId = valid.clone();
    controlInId[40] = 0x0a;
    bad.add(b64.encodeToString(controlInId));
    for (String cursor : bad) {
      HttpResponse<String> answer =
          get(facilitator, "/discovery/search?query=weather&cursor=" + cursor);
      assertThat(answer.statusCode()).as(cursor).isEqualTo(400);
      assertThat(JSON.readTree(answer.body()).get("field").asText()).as(cursor).isEqualTo("cursor");
    }
    HttpResponse<String> wellFormed =
        get(facilitator, "/discovery/search?query=weather&cursor=" + b64.encodeToString(valid));
    assertThat(wellFormed.statusCode()).as(wellFormed.body()).isEqualTo(200);
  }

  /** A protocol v1 settle body paying {@link #SELLER} for {@code resource} on Base Sepolia. */
  static String v1Request(String resource, String outputSchema) {
    return v1Request("base-sepolia", resource, outputSchema);
  }

  /** A protocol v1 settle body paying {@link #SELLER} for {@code resource} on {@code v1Network}. */
  static String v1Request(String v1Network, String resource, String outputSchema) {
    return """
        {"x402Version":1,
         "paymentPayload":{"x402Version":1,"scheme":"exact","network":"%s",
           "payload":{"signature":"0x%s","authorization":{"from":"%s","to":"%s","value":"10000",
             "validAfter":"0","validBefore":"9999999999","nonce":"0x%s"}}},
         "paymentRequirements":{"scheme":"exact","network":"%s",
           "maxAmountRequired":"10000","resource":"%s","description":"v1 weather report",
           "mimeType":"application/json","outputSchema":%s,"payTo":"%s","maxTimeoutSeconds":60,
           "asset":"0x036CbD53842c5426634e7929541eC2318f3dCF7e",
           "extra":{"name":"USDC","version":"2"}}}
        """
        .formatted(
            v1Network,
            "22".repeat(65),
            PAYER,
            SELLER,
            "11".repeat(32),
            v1Network,
            resource,
            outputSchema,
            SELLER);
  }

  @Test
  void aV1PaymentOnANetworkTheFacilitatorWasConfiguredWithIsCatalogued() throws Exception {
    // A network beyond the public ones, with a v1 name, given to the service as other
    // facilitators get theirs (FacilitatorApp extends the registry with its configured networks).
    Network devnet = Network.evm(31337);
    NetworkRegistry networks =
        NetworkRegistry.defaults().toBuilder()
            .network(NetworkInfo.builder(devnet).v1Name("x402j-devnet").testnet(true).build())
            .build();
    facilitator.close();
    open.clear();
    facilitator =
        new Instance(
            settings(),
            FacilitatorService.builder()
                .networks(networks)
                .scheme(new AcceptingScheme(devnet))
                .build());

    HttpResponse<String> settled =
        post(
            facilitator,
            "/settle",
            v1Request(
                "x402j-devnet",
                "https://api.example.com/v1/devnet",
                "{\"input\":{\"type\":\"http\",\"method\":\"GET\"}}"));
    assertThat(settled.statusCode()).as(settled.body()).isEqualTo(200);
    assertThat(JSON.readTree(settled.body()).get("success").asBoolean())
        .as(settled.body())
        .isTrue();
    assertThat(sideChannel(settled).toString()).isEqualTo("{\"status\":\"success\"}");

    JsonNode items = list(facilitator, "?network=eip155:31337").get("items");
    assertThat(items).hasSize(1);
    assertThat(items.at("/0/resource").asText()).isEqualTo("https://api.example.com/v1/devnet");
    assertThat(items.at("/0/x402Version").asInt()).isEqualTo(1);
    assertThat(items.at("/0/accepts/0/network").asText()).isEqualTo("x402j-devnet");
  }

  @Test
  void aV1PaymentIsCataloguedFromItsOutputSchemaOnSettleOnly() throws Exception {
    String get =
        v1Request(
            "https://api.example.com/v1/weather?city=Oslo",
            "{\"input\":{\"type\":\"http\",\"method\":\"get\","
                + "\"queryParams\":{\"city\":\"Oslo\"}},\"output\":{\"weather\":\"rain\"}}");
    HttpResponse<String> verified = post(facilitator, "/verify", get);
    assertThat(verified.statusCode()).as(verified.body()).isEqualTo(200);
    assertThat(list(facilitator, "").get("items")).isEmpty();
    HttpResponse<String> settled = post(facilitator, "/settle", get);
    assertThat(settled.statusCode()).as(settled.body()).isEqualTo(200);
    assertThat(sideChannel(settled).get("status").asText()).isEqualTo("success");
    clock.advance(Duration.ofSeconds(1));
    HttpResponse<String> posted =
        post(
            facilitator,
            "/settle",
            v1Request(
                "https://api.example.com/v1/upload",
                "{\"input\":{\"type\":\"http\",\"method\":\"POST\","
                    + "\"bodyType\":\"multipart/form-data\","
                    + "\"body_fields\":{\"file\":{\"type\":\"string\"}}}}"));
    assertThat(sideChannel(posted).get("status").asText()).isEqualTo("success");

    JsonNode items = list(facilitator, "?network=eip155:84532&type=http").get("items");
    assertThat(items).hasSize(2);
    JsonNode upload = items.get(0);
    assertThat(upload.get("resource").asText()).isEqualTo("https://api.example.com/v1/upload");
    assertThat(upload.get("x402Version").asInt()).isEqualTo(1);
    assertThat(upload.at("/extensions/bazaar/info/input/bodyType").asText()).isEqualTo("form-data");
    assertThat(upload.at("/extensions/bazaar/info/input/body/file/type").asText())
        .isEqualTo("string");
    JsonNode weather = items.get(1);
    assertThat(weather.get("resource").asText()).isEqualTo("https://api.example.com/v1/weather");
    assertThat(weather.get("description").asText()).isEqualTo("v1 weather report");
    assertThat(weather.at("/extensions/bazaar/info/input/method").asText()).isEqualTo("GET");
    assertThat(weather.at("/extensions/bazaar/info/input/queryParams/city").asText())
        .isEqualTo("Oslo");
    assertThat(weather.at("/extensions/bazaar/info/output/example/weather").asText())
        .isEqualTo("rain");
    assertThat(weather.at("/extensions/bazaar/schema/required/0").asText()).isEqualTo("input");
    assertThat(weather.at("/metadata/method").asText()).isEqualTo("GET");
    assertThat(weather.at("/accepts/0/maxAmountRequired").asText()).isEqualTo("10000");
    assertThat(search(facilitator, "report", "").at("/resources/0/resource").asText())
        .isEqualTo("https://api.example.com/v1/upload");
  }

  @Test
  void aV1PaymentThatIsNotDiscoverableIsNotCatalogued() throws Exception {
    for (String outputSchema :
        List.of(
            "{\"input\":{\"type\":\"http\",\"method\":\"GET\",\"discoverable\":false}}",
            "{\"input\":{\"type\":\"http\",\"method\":\"GET\",\"discoverable\":0}}",
            "{\"input\":{\"type\":\"http\",\"method\":\"OPTIONS\"}}",
            "{\"input\":{\"type\":\"http\",\"method\":\"trace\"}}",
            "{\"input\":{\"type\":\"http\",\"method\":7}}",
            "{\"input\":{\"type\":\"mcp\",\"method\":\"GET\"}}",
            "{\"output\":{\"weather\":\"rain\"}}",
            "{}")) {
      HttpResponse<String> settled =
          post(facilitator, "/settle", v1Request("https://api.example.com/v1/w", outputSchema));
      assertThat(settled.statusCode()).as(settled.body()).isEqualTo(200);
      assertThat(JSON.readTree(settled.body()).get("success").asBoolean()).isTrue();
      // Declaring and cataloguing are one rule: what is not catalogued was not declared, so
      // the answer carries no side channel (not a "rejected" one).
      assertThat(settled.headers().firstValue("EXTENSION-RESPONSES")).as(outputSchema).isEmpty();
    }
    assertThat(list(facilitator, "").get("items")).isEmpty();
  }

  @Test
  void aHostileV1OutputSchemaIsRefusedWithAReasonAndTheSettlementStands() throws Exception {
    String deep = "{\"a\":".repeat(40) + "1" + "}".repeat(40);
    Map<String, String> hostile = new LinkedHashMap<>();
    hostile.put(
        "https://api.example.com/v1/deep",
        "{\"input\":{\"type\":\"http\",\"method\":\"GET\",\"queryParams\":" + deep + "}}");
    hostile.put(
        "https://api.example.com/v1/huge",
        "{\"input\":{\"type\":\"http\",\"method\":\"GET\"},\"output\":{\"text\":\""
            + "x".repeat(20_000)
            + "\"}}");
    hostile.put(
        "ftp://api.example.com/v1/file", "{\"input\":{\"type\":\"http\",\"method\":\"GET\"}}");
    for (Map.Entry<String, String> bad : hostile.entrySet()) {
      HttpResponse<String> settled =
          post(facilitator, "/settle", v1Request(bad.getKey(), bad.getValue()));
      assertThat(settled.statusCode()).as(settled.body()).isEqualTo(200);
      assertThat(JSON.readTree(settled.body()).get("success").asBoolean()).isTrue();
      JsonNode status = sideChannel(settled);
      assertThat(status.get("status").asText()).as(bad.getKey()).isEqualTo("rejected");
      assertThat(status.get("rejectedReason").asText()).as(bad.getKey()).startsWith("v1 payment");
    }
    assertThat(list(facilitator, "").get("items")).isEmpty();
  }

  @Test
  void badParametersAre400NamingTheParameter() throws Exception {
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("/discovery/resources?limit=0", "limit");
    bad.put("/discovery/resources?limit=abc", "limit");
    bad.put("/discovery/resources?offset=-1", "offset");
    bad.put("/discovery/resources?type=ftp", "type");
    bad.put("/discovery/resources?network=nonsense", "network");
    bad.put("/discovery/resources?payTo=0xnothex", "payTo");
    bad.put("/discovery/resources?scheme=EX%20ACT", "scheme");
    bad.put("/discovery/resources?extensions=a%20b", "extensions");
    bad.put("/discovery/resources?colour=red", "colour");
    bad.put("/discovery/search", "query");
    bad.put("/discovery/search?query=", "query");
    bad.put("/discovery/search?query=x&cursor=bogus", "cursor");
    // Other scripts' digits are not numbers here (Integer.parseInt takes them).
    bad.put("/discovery/resources?limit=%D9%A5", "limit");
    bad.put("/discovery/resources?offset=%EF%BC%95", "offset");
    // Escapes that are not UTF-8 were a 500 from Jetty's query decoding.
    bad.put("/discovery/resources?type=%ff", "query string");
    bad.put("/discovery/search?query=%ff%fe", "query string");
    for (Map.Entry<String, String> request : bad.entrySet()) {
      HttpResponse<String> answer = get(facilitator, request.getKey());
      assertThat(answer.statusCode()).as(request.getKey()).isEqualTo(400);
      assertThat(JSON.readTree(answer.body()).get("field").asText())
          .as(request.getKey())
          .isEqualTo(request.getValue());
    }
  }

  @Test
  void aBrokenPercentEscapeIsA400NotA500() throws Exception {
    var raw = new io.x402j.facilitator.testing.RawHttp("127.0.0.1", facilitator.server.port());
    assertThat(raw.get("/discovery/resources?type=%zz")).contains(" 400");
    assertThat(raw.get("/discovery/search?query=%e2%82")).contains(" 400");
  }

  @Test
  void theSameResourceSpelledDifferentlyIsOneEntry() throws Exception {
    for (String url :
        List.of(
            "https://api.example.com/weather",
            "https://API.example.com.:443/weather?city=Rome#top",
            "https://api.example.com/x/../weather",
            "https://api.example.com/./%77eather")) {
      post(facilitator, "/settle", request(url, "d", Map.of(), weatherDeclaration()));
    }
    JsonNode items = list(facilitator, "").get("items");
    assertThat(items).hasSize(1);
    assertThat(items.at("/0/resource").asText()).isEqualTo("https://api.example.com/weather");
  }

  @Test
  void anMcpToolIsKeyedByUrlAndToolName() throws Exception {
    for (String tool : List.of("get_weather", "get_forecast")) {
      Map<String, Object> declaration =
          object(
              "{\"info\":{\"input\":{\"type\":\"mcp\",\"toolName\":\""
                  + tool
                  + "\",\"inputSchema\":{\"type\":\"object\"}}},"
                  + "\"schema\":{\"type\":\"object\",\"required\":[\"input\"]}}");
      post(
          facilitator,
          "/settle",
          request("https://mcp.example.com/mcp", "tools", Map.of(), declaration));
    }
    JsonNode listed = list(facilitator, "?type=mcp");
    assertThat(listed.get("items")).hasSize(2);
    assertThat(listed.at("/items/0/resource").asText()).isEqualTo("https://mcp.example.com/mcp");
    assertThat(search(facilitator, "forecast", "").at("/resources/0/metadata/toolName").asText())
        .isEqualTo("get_forecast");
  }
}
