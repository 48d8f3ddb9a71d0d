package io.x402j.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.x402j.core.discovery.DiscoveryException.Failure;
import io.x402j.core.testing.ScriptedServer;
import io.x402j.core.testing.ScriptedServer.Answer;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DiscoveryClientTest {
  static final String OFFER =
      "{\"scheme\":\"exact\",\"network\":\"eip155:84532\",\"amount\":\"10000\","
          + "\"asset\":\"0x036CbD53842c5426634e7929541eC2318f3dCF7e\","
          + "\"payTo\":\"0x209693Bc6afc0C5328bA36FaF03C514EF312287C\",\"maxTimeoutSeconds\":60,"
          + "\"extra\":{\"name\":\"USDC\",\"version\":\"2\"}}";

  static String item(String url) {
    return "{\"resource\":\""
        + url
        + "\",\"type\":\"http\",\"x402Version\":2,\"accepts\":["
        + OFFER
        + "],\"lastUpdated\":\"2026-01-02T03:04:05Z\"}";
  }

  static String page(List<String> items, long limit, long offset, long total) {
    return "{\"x402Version\":2,\"items\":["
        + String.join(",", items)
        + "],\"pagination\":{\"limit\":"
        + limit
        + ",\"offset\":"
        + offset
        + ",\"total\":"
        + total
        + "}}";
  }

  private ScriptedServer server;

  @BeforeEach
  void start() throws Exception {
    server = new ScriptedServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private DiscoveryClient client() {
    return DiscoveryClient.builder(server.url()).timeout(Duration.ofSeconds(5)).build();
  }

  private static DiscoveryException failure(CompletableFuture<?> call) {
    Throwable thrown = catchThrowable(call::join);
    assertThat(thrown).isInstanceOf(CompletionException.class);
    assertThat(thrown.getCause()).isInstanceOf(DiscoveryException.class);
    return (DiscoveryException) thrown.getCause();
  }

  static Map<String, String> params(String query) {
    Map<String, String> out = new LinkedHashMap<>();
    if (query == null) {
      return out;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      out.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  @Test
  void listSendsEveryFilterAndReadsTheSpecificationsShape() {
    String full =
        "{\"resource\":\"https://api.example.com/weather\",\"type\":\"http\",\"x402Version\":2,"
            + "\"accepts\":["
            + OFFER
            + "],\"lastUpdated\":\"2026-01-02T03:04:05.000Z\",\"description\":\"Weather\","
            + "\"mimeType\":\"application/json\",\"serviceName\":\"Example Weather\","
            + "\"tags\":[\"weather\",\"forecast\"],\"iconUrl\":\"https://api.example.com/i.png\","
            + "\"extensions\":{\"bazaar\":{\"info\":{\"input\":{\"type\":\"http\","
            + "\"method\":\"get\"}},\"schema\":{}}},\"metadata\":{\"compliance\":{\"ok\":true}}}";
    server.script("/discovery/resources", Answer.json(200, page(List.of(full), 10, 20, 21)));

    ResourcePage page =
        client()
            .list(
                new DiscoveryFilter(
                    "http",
                    "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
                    "exact",
                    "eip155:84532",
                    "bazaar"),
                10,
                20)
            .join();

    ScriptedServer.Received sent = server.received().get(0);
    assertThat(sent.method()).isEqualTo("GET");
    assertThat(params(sent.query()))
        .containsExactly(
            Map.entry("type", "http"),
            Map.entry("payTo", "0x209693Bc6afc0C5328bA36FaF03C514EF312287C"),
            Map.entry("scheme", "exact"),
            Map.entry("network", "eip155:84532"),
            Map.entry("extensions", "bazaar"),
            Map.entry("limit", "10"),
            Map.entry("offset", "20"));
    assertThat(page.limit()).isEqualTo(10);
    assertThat(page.offset()).isEqualTo(20);
    assertThat(page.total()).isEqualTo(21);
    assertThat(page.skipped()).isEmpty();
    DiscoveredResource r = page.items().get(0);
    assertThat(r.resource()).isEqualTo("https://api.example.com/weather");
    assertThat(r.accepts().get(0).amount().value()).hasToString("10000");
    assertThat(r.lastUpdatedInstant()).isPresent();
    assertThat(r.description()).isEqualTo("Weather");
    assertThat(r.serviceName()).isEqualTo("Example Weather");
    assertThat(r.tags()).containsExactly("weather", "forecast");
    assertThat(r.iconUrl()).isEqualTo("https://api.example.com/i.png");
    assertThat(r.method()).contains("GET");
    assertThat(r.toolName()).isEmpty();
    assertThat(r.other()).containsOnlyKeys("metadata");
  }

  @Test
  void noFilterSendsNoQueryAtAll() {
    server.script("/discovery/resources", Answer.json(200, page(List.of(), 0, 0, 0)));

    ResourcePage page = client().list(DiscoveryFilter.none(), 0, 0).join();

    assertThat(server.received().get(0).query()).isNull();
    assertThat(page.items()).isEmpty();
  }

  @Test
  void searchSendsTheQueryAndCursorAndReadsAnOptionalPagination() {
    server.script(
        "/discovery/search",
        Answer.json(
            200,
            "{\"x402Version\":2,\"resources\":["
                + item("https://a.example/x")
                + "],\"partialResults\":true,\"pagination\":{\"limit\":5,\"cursor\":\"c2\"}}"),
        Answer.json(
            200,
            "{\"x402Version\":2,\"resources\":[],\"pagination\":{\"limit\":5,\"cursor\":null}}"),
        Answer.json(200, "{\"x402Version\":2,\"resources\":[],\"pagination\":null}"));
    DiscoveryClient client = client();

    SearchPage first =
        client.search("weather & more", DiscoveryFilter.none().withType("mcp"), 5, "c1").join();
    SearchPage second = client.search("x", DiscoveryFilter.none(), 0, null).join();
    SearchPage third = client.search("x", DiscoveryFilter.none(), 0, null).join();

    assertThat(params(server.received().get(0).query()))
        .containsExactly(
            Map.entry("query", "weather & more"),
            Map.entry("type", "mcp"),
            Map.entry("limit", "5"),
            Map.entry("cursor", "c1"));
    assertThat(first.resources()).hasSize(1);
    assertThat(first.partialResults()).isTrue();
    assertThat(first.limit()).isEqualTo(5);
    assertThat(first.next()).contains("c2");
    assertThat(second.next()).isEmpty();
    assertThat(third.limit()).isEqualTo(-1);
    assertThat(third.next()).isEmpty();
  }

  @Test
  void theFacilitatorsOwnPathAndQueryAreKeptButNeverShownInAnError() {
    server.script("/fac/discovery/resources", Answer.json(500, "{\"error\":\"boom\"}"));
    String base =
        server.url().replace("http://", "http://user:hunter2@") + "/fac/?apikey=SECRETKEY";

    DiscoveryException e =
        failure(DiscoveryClient.builder(base).build().list(DiscoveryFilter.none(), 3, 0));

    assertThat(server.received().get(0).path()).isEqualTo("/fac/discovery/resources");
    assertThat(params(server.received().get(0).query()))
        .containsExactly(Map.entry("apikey", "SECRETKEY"), Map.entry("limit", "3"));
    assertThat(e.failure()).isEqualTo(Failure.HTTP_STATUS);
    assertThat(e.statusCode()).isEqualTo(500);
    assertThat(e.getMessage())
        .contains("/discovery/resources", "HTTP 500", "boom")
        .doesNotContain("SECRETKEY", "hunter2");
  }

  @Test
  void aBearerTokenTravelsInTheHeaderNotTheMessage() {
    server.script("/discovery/resources", Answer.json(401, "{}"));

    DiscoveryException e =
        failure(
            DiscoveryClient.builder(server.url())
                .bearer("tok-123")
                .build()
                .list(DiscoveryFilter.none(), 0, 0));

    assertThat(server.received().get(0).headers()).containsEntry("authorization", "Bearer tok-123");
    assertThat(e.getMessage()).contains("HTTP 401").doesNotContain("tok-123");
  }

  @Test
  void aRedirectIsNotFollowed() {
    server.script(
        "/discovery/resources",
        Answer.json(302, "").withHeader("Location", "http://evil.example/steal"));

    DiscoveryException e = failure(client().list(DiscoveryFilter.none(), 0, 0));

    assertThat(e.failure()).isEqualTo(Failure.HTTP_STATUS);
    assertThat(e.statusCode()).isEqualTo(302);
    assertThat(server.received()).hasSize(1);
  }

  @Test
  void aBodyThatIsNotJsonIsABadResponseSayingSo() {
    server.script("/discovery/resources", Answer.json(200, "<html>hello</html>"));

    DiscoveryException e = failure(client().list(DiscoveryFilter.none(), 0, 0));

    assertThat(e.failure()).isEqualTo(Failure.BAD_RESPONSE);
    assertThat(e.getMessage()).contains("not JSON", "<html>hello</html>");
  }

  @Test
  void wrongTypesInTheEnvelopeAreNamedByPath() {
    assertBad("{\"x402Version\":2,\"items\":{},\"pagination\":{}}", "items must be an array");
    assertBad("{\"x402Version\":\"2\",\"items\":[]}", "x402Version must be a whole number");
    assertBad("{\"x402Version\":2,\"items\":[]}", "pagination");
    assertBad(
        "{\"x402Version\":2,\"items\":[],\"pagination\":{\"limit\":1,\"offset\":0,"
            + "\"total\":-1}}",
        "pagination.total must be a whole number from 0");
    assertBad(
        "{\"x402Version\":2,\"items\":[],\"pagination\":{\"limit\":1,\"offset\":-5,"
            + "\"total\":1}}",
        "pagination.offset must be a whole number from 0");
    assertBad(
        "{\"x402Version\":2,\"items\":[],\"pagination\":{\"limit\":1.5,\"offset\":0,"
            + "\"total\":1}}",
        "pagination.limit");
    assertBad(
        "{\"x402Version\":2,\"items\":[],\"pagination\":{\"limit\":1,\"offset\":0,"
            + "\"total\":1e20}}",
        "pagination.total");
    assertBad("[]", "expected a JSON object");
    assertBad("{\"x402Version\":2,\"items\":[],\"items\":[],\"pagination\":{}}", "Duplicate field");
  }

  private void assertBad(String body, String message) {
    server.script("/discovery/resources", Answer.json(200, body));
    DiscoveryException e = failure(client().list(DiscoveryFilter.none(), 0, 0));
    assertThat(e.failure()).as(body).isEqualTo(Failure.BAD_RESPONSE);
    assertThat(e.getMessage()).as(body).contains(message);
  }

  @Test
  void oneBadEntryIsSkippedWithItsReasonAndTheRestAreKept() {
    String noResource = "{\"type\":\"http\",\"x402Version\":2,\"accepts\":[" + OFFER + "]}";
    String badAmount =
        "{\"resource\":\"https://b.example/\",\"type\":\"http\",\"x402Version\":2,\"accepts\":["
            + OFFER.replace("\"10000\"", "10000")
            + "]}";
    String oneGoodOffer =
        "{\"resource\":\"https://c.example/\",\"type\":\"http\",\"x402Version\":2,\"accepts\":["
            + OFFER.replace("\"10000\"", "\"-1\"")
            + ","
            + OFFER
            + "]}";
    String tagsNotStrings =
        "{\"resource\":\"https://d.example/\",\"type\":\"http\",\"x402Version\":2,\"accepts\":["
            + OFFER
            + "],\"tags\":[1]}";
    server.script(
        "/discovery/resources",
        Answer.json(
            200,
            page(
                List.of(
                    noResource,
                    item("https://a.example/"),
                    badAmount,
                    oneGoodOffer,
                    tagsNotStrings,
                    "42"),
                10,
                0,
                6)));

    ResourcePage page = client().list(DiscoveryFilter.none(), 0, 0).join();

    assertThat(page.items())
        .extracting(DiscoveredResource::resource)
        .containsExactly("https://a.example/", "https://c.example/");
    assertThat(page.items().get(1).accepts()).hasSize(1);
    assertThat(page.entries()).isEqualTo(6);
    assertThat(page.skipped())
        .satisfiesExactly(
            s -> assertThat(s).startsWith("items[0] skipped").contains("resource"),
            s -> assertThat(s).startsWith("items[2].accepts[0] skipped").contains("amount"),
            s -> assertThat(s).startsWith("items[2] skipped").contains("no readable"),
            s -> assertThat(s).startsWith("items[3].accepts[0] skipped"),
            s -> assertThat(s).startsWith("items[4] skipped").contains("items[4].tags[0]"),
            s -> assertThat(s).startsWith("items[5] skipped").contains("must be an object"));
  }

  @Test
  void aV1EntryAsHostedCatalogsListThemIsRead() {
    String v1 =
        "{\"resource\":\"https://v1.example/joke\",\"type\":\"http\",\"x402Version\":1,"
            + "\"accepts\":[{\"scheme\":\"exact\",\"network\":\"base\","
            + "\"maxAmountRequired\":\"1000\",\"resource\":\"https://v1.example/joke\","
            + "\"description\":\"A joke\",\"mimeType\":\"text/plain\","
            + "\"payTo\":\"0x209693Bc6afc0C5328bA36FaF03C514EF312287C\","
            + "\"maxTimeoutSeconds\":60,\"asset\":\"0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913\","
            + "\"outputSchema\":{\"input\":{\"type\":\"http\",\"method\":\"POST\"}}}],"
            + "\"lastUpdated\":\"2025-08-01T00:00:00.000Z\",\"metadata\":{}}";
    server.script("/discovery/resources", Answer.json(200, page(List.of(v1), 1, 0, 1)));

    DiscoveredResource r = client().list(DiscoveryFilter.none(), 0, 0).join().items().get(0);

    assertThat(r.x402Version()).isEqualTo(1);
    assertThat(r.accepts()).isEmpty();
    assertThat(r.acceptsV1()).hasSize(1);
    assertThat(r.method()).contains("POST");
  }

  @Test
  void anAnswerOverTheSizeLimitIsRefused() {
    String huge = "{\"x402Version\":2,\"items\":[],\"pad\":\"" + "x".repeat(5000) + "\"}";
    server.script("/discovery/resources", Answer.json(200, huge));

    DiscoveryException e =
        failure(
            DiscoveryClient.builder(server.url())
                .maxResponseBytes(2048)
                .build()
                .list(DiscoveryFilter.none(), 0, 0));

    assertThat(e.failure()).isEqualTo(Failure.BAD_RESPONSE);
    assertThat(e.getMessage()).contains("2048");
  }

  @Test
  void aFacilitatorThatNeverFinishesTimesOut() {
    server.script("/discovery/resources", Answer.json(200, "{}").delayed(60_000));

    DiscoveryException e =
        failure(
            DiscoveryClient.builder(server.url())
                .timeout(Duration.ofMillis(300))
                .build()
                .list(DiscoveryFilter.none(), 0, 0));

    assertThat(e.failure()).isEqualTo(Failure.TIMEOUT);
    assertThat(e.getMessage()).contains("300 ms");
  }

  @Test
  void anUnreachableFacilitatorSaysSo() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }

    DiscoveryException e =
        failure(
            DiscoveryClient.builder("http://127.0.0.1:" + port)
                .build()
                .list(DiscoveryFilter.none(), 0, 0));

    assertThat(e.failure()).isEqualTo(Failure.UNREACHABLE);
  }

  @Test
  void badArgumentsAreRefusedBeforeAnythingIsSent() {
    DiscoveryClient client = client();
    assertThatThrownBy(() -> client.list(DiscoveryFilter.none(), -1, 0))
        .hasMessageContaining("limit must not be negative");
    assertThatThrownBy(() -> client.list(DiscoveryFilter.none(), 0, -1))
        .hasMessageContaining("offset must not be negative");
    assertThatThrownBy(() -> client.search(" ", DiscoveryFilter.none(), 0, null))
        .hasMessageContaining("must not be blank");
    assertThatThrownBy(() -> client.search("x".repeat(1001), DiscoveryFilter.none(), 0, null))
        .hasMessageContaining("limit is 1000");
    assertThatThrownBy(() -> DiscoveryFilter.none().withNetwork("eip155:1\r\nX: y"))
        .hasMessageContaining("control characters");
    assertThatThrownBy(() -> DiscoveryClient.builder("ftp://x.example?k=SECRET").build())
        .hasMessageContaining("absolute http(s) URL")
        .hasMessageNotContaining("SECRET");
    assertThat(server.received()).isEmpty();
  }

  @Test
  void listAllWalksEveryPageByOffset() {
    server.respondTo(
        "/discovery/resources",
        got -> {
          int offset = Integer.parseInt(params(got.query()).getOrDefault("offset", "0"));
          int limit = Integer.parseInt(params(got.query()).get("limit"));
          List<String> items =
              java.util.stream.IntStream.range(offset, Math.min(offset + limit, 5))
                  .mapToObj(i -> item("https://r" + i + ".example/"))
                  .toList();
          return Answer.json(200, page(items, limit, offset, 5));
        });

    Discovered all = client().listAll(DiscoveryFilter.none(), 2, 100);

    assertThat(all.resources())
        .extracting(DiscoveredResource::resource)
        .containsExactly(
            "https://r0.example/",
            "https://r1.example/",
            "https://r2.example/",
            "https://r3.example/",
            "https://r4.example/");
    assertThat(all.truncated()).isFalse();
    assertThat(all.pages()).isEqualTo(3);
  }

  @Test
  void listAllStopsAtTheCapAndSaysThereIsMore() {
    server.respondTo(
        "/discovery/resources",
        got -> {
          int offset = Integer.parseInt(params(got.query()).getOrDefault("offset", "0"));
          // Ignores the limit asked for and always sends three.
          List<String> items =
              java.util.stream.IntStream.range(offset, offset + 3)
                  .mapToObj(i -> item("https://r" + i + ".example/"))
                  .toList();
          return Answer.json(200, page(items, 3, offset, 1_000_000));
        });

    Discovered some = client().listAll(DiscoveryFilter.none(), 2, 4);

    assertThat(some.resources()).hasSize(4);
    assertThat(some.truncated()).isTrue();
    assertThat(some.pages()).isEqualTo(2);
  }

  @Test
  void listAllRefusesAPageAtAnotherOffset() {
    server.script(
        "/discovery/resources",
        Answer.json(200, page(List.of(item("https://a.example/")), 1, 0, 10)));

    assertThatThrownBy(() -> client().listAll(DiscoveryFilter.none(), 1, 10))
        .isInstanceOfSatisfying(
            DiscoveryException.class, e -> assertThat(e.failure()).isEqualTo(Failure.BAD_PAGING))
        .hasMessageContaining("answered offset 0 when asked for offset 1");
  }

  @Test
  void listAllOfPagesOfUnreadableEntriesStopsInsteadOfWalkingAHostileTotal() {
    server.respondTo(
        "/discovery/resources",
        got -> {
          int offset = Integer.parseInt(params(got.query()).getOrDefault("offset", "0"));
          return Answer.json(200, page(List.of("1", "2"), 2, offset, 9_000_000_000_000_000L));
        });

    Discovered none = client().listAll(DiscoveryFilter.none(), 2, 3);

    assertThat(none.resources()).isEmpty();
    assertThat(none.truncated()).isTrue();
    assertThat(none.pages()).isEqualTo(5);
    assertThat(none.skipped()).hasSize(10).allMatch(s -> s.startsWith("page "));
  }

  @Test
  void searchAllFollowsCursorsToTheEnd() {
    server.respondTo(
        "/discovery/search",
        got -> {
          String cursor = params(got.query()).get("cursor");
          int n = cursor == null ? 0 : Integer.parseInt(cursor);
          String next = n < 2 ? "\"" + (n + 1) + "\"" : "null";
          return Answer.json(
              200,
              "{\"x402Version\":2,\"resources\":["
                  + item("https://s" + n + ".example/")
                  + "],\"pagination\":{\"limit\":1,\"cursor\":"
                  + next
                  + "}}");
        });

    Discovered found = client().searchAll("weather", DiscoveryFilter.none(), 1, 50);

    assertThat(found.resources())
        .extracting(DiscoveredResource::resource)
        .containsExactly("https://s0.example/", "https://s1.example/", "https://s2.example/");
    assertThat(found.truncated()).isFalse();
    assertThat(params(server.received().get(2).query())).containsEntry("cursor", "2");
  }

  @Test
  void searchAllRefusesACursorLoop() {
    server.respondTo(
        "/discovery/search",
        got -> {
          String cursor = params(got.query()).get("cursor");
          String next = "a".equals(cursor) ? "b" : "a";
          return Answer.json(
              200,
              "{\"x402Version\":2,\"resources\":["
                  + item("https://loop.example/")
                  + "],\"pagination\":{\"limit\":1,\"cursor\":\""
                  + next
                  + "\"}}");
        });

    assertThatThrownBy(() -> client().searchAll("x", DiscoveryFilter.none(), 1, 100))
        .isInstanceOfSatisfying(
            DiscoveryException.class, e -> assertThat(e.failure()).isEqualTo(Failure.BAD_PAGING))
        .hasMessageContaining("cursor 'a' a second time");
    assertThat(server.received()).hasSize(3);
  }

  @Test
  void searchAllWithoutPaginationIsOnePageAndPartialResultsMeanTruncated() {
    server.script(
        "/discovery/search",
        Answer.json(
            200,
            "{\"x402Version\":2,\"resources\":["
                + item("https://p.example/")
                + "],\"partialResults\":true}"));

    Discovered found = client().searchAll("x", DiscoveryFilter.none(), 10, 10);

    assertThat(found.resources()).hasSize(1);
    assertThat(found.truncated()).isTrue();
    assertThat(found.pages()).isEqualTo(1);
  }
}
