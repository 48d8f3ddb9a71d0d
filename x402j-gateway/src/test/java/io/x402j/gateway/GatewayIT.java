package io.x402j.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.SettleResponse;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.RouteTable;
import io.x402j.testkit.RawHttp;
import io.x402j.testkit.TestMarket;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gateway in front of a small upstream that knows nothing of payments. */
class GatewayIT {
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  static final List<String> upstreamSaw = new CopyOnWriteArrayList<>();

  static TestMarket market;
  static HttpServer upstream;
  static Gateway gateway;

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.start();
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext("/", GatewayIT::upstreamHandle);
    upstream.start();
    PaymentGate gate =
        PaymentGate.builder()
            .facilitator(market.facilitator())
            .networks(market.networks())
            .routes(
                RouteTable.builder()
                    .route("GET /weather", PaidRoute.of("$0.01", market.network(), market.payTo()))
                    .route("POST /echo", PaidRoute.of("$0.01", market.network(), market.payTo()))
                    .route("GET /error", PaidRoute.of("$0.01", market.network(), market.payTo()))
                    .route("GET /big", PaidRoute.of("$0.01", market.network(), market.payTo()))
                    .route(
                        "GET /big-upfront",
                        PaidRoute.of("$0.01", market.network(), market.payTo()).toBuilder()
                            .settleBeforeHandler(true)
                            .build())
                    .route(
                        "GET /stated-upfront",
                        PaidRoute.of("$0.01", market.network(), market.payTo()).toBuilder()
                            .settleBeforeHandler(true)
                            .build())
                    .route("GET /download", PaidRoute.of("$0.01", market.network(), market.payTo()))
                    .build())
            .build();
    gateway =
        Gateway.builder(gate, URI.create("http://127.0.0.1:" + upstream.getAddress().getPort()))
            .port(0)
            .maxResponseBytes(32 * 1024)
            .start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
    upstream.stop(0);
    market.close();
  }

  static void upstreamHandle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    upstreamSaw.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath());
    byte[] request = exchange.getRequestBody().readAllBytes();
    int status = 200;
    byte[] body;
    switch (path) {
      case "/error" -> {
        status = 500;
        body = "upstream broke".getBytes(StandardCharsets.UTF_8);
      }
      case "/big", "/big-upfront" -> body = new byte[64 * 1024];
      case "/stated-upfront" -> {
        // An unreadable amount, on a route whose payment settled before the upstream was asked.
        exchange.getResponseHeaders().add("Settlement-Overrides", "not json");
        body = "already paid for".getBytes(StandardCharsets.UTF_8);
      }
      case "/download" -> {
        // A naive upstream: whatever the method, it hands out a signed link and the file.
        status = 302;
        exchange.getResponseHeaders().add("Location", "https://cdn.example/file?sig=secret");
        exchange.getResponseHeaders().add("Access-Control-Allow-Origin", "https://shop.example");
        exchange.getResponseHeaders().add("Vary", "Origin");
        exchange.getResponseHeaders().add("X-Upstream", "yes");
        body = "the file".getBytes(StandardCharsets.UTF_8);
      }
      case "/spoof" -> {
        exchange.getResponseHeaders().add("PAYMENT-RESPONSE", "forged");
        body = "free".getBytes(StandardCharsets.UTF_8);
      }
      default -> {
        var seen = JSON.createObjectNode();
        seen.put("method", exchange.getRequestMethod());
        seen.put("path", path);
        seen.put("rawPath", exchange.getRequestURI().getRawPath());
        seen.put("query", exchange.getRequestURI().getRawQuery());
        seen.put("body", new String(request, StandardCharsets.UTF_8));
        seen.put("contentType", exchange.getRequestHeaders().getFirst("Content-Type"));
        seen.put("payer", exchange.getRequestHeaders().getFirst("X-Payment-Payer"));
        seen.put("forwardedFor", exchange.getRequestHeaders().getFirst("X-Forwarded-For"));
        seen.put("custom", exchange.getRequestHeaders().getFirst("X-Custom"));
        seen.put(
            "paymentHeaderSeen",
            exchange.getRequestHeaders().containsKey("PAYMENT-SIGNATURE")
                || exchange.getRequestHeaders().containsKey("X-PAYMENT"));
        body = seen.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("X-Upstream", "yes");
      }
    }
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  static int hits(String path) {
    return hits.getOrDefault(path, new AtomicInteger()).get();
  }

  static HttpResponse<String> send(
      String method, String pathAndQuery, String body, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(gateway.url() + pathAndQuery))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> paid(
      String method, String pathAndQuery, String body, String... headers) throws Exception {
    HttpResponse<String> unpaid = send(method, pathAndQuery, body, headers);
    assertThat(unpaid.statusCode()).isEqualTo(402);
    String payment = market.payV2(unpaid.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
    String[] all = new String[headers.length + 2];
    System.arraycopy(headers, 0, all, 0, headers.length);
    all[headers.length] = "PAYMENT-SIGNATURE";
    all[headers.length + 1] = payment;
    return send(method, pathAndQuery, body, all);
  }

  @Test
  void unpaidRequestsNeverReachTheUpstream() throws Exception {
    int before = hits("/weather");
    HttpResponse<String> response = send("GET", "/weather?city=Porto", null);
    assertThat(response.statusCode()).isEqualTo(402);
    assertThat(response.headers().firstValue("PAYMENT-REQUIRED")).isPresent();
    assertThat(hits("/weather")).isEqualTo(before);
  }

  @Test
  void aPaidRequestIsForwardedWithMethodQueryAndHeadersAndAnsweredWithAReceipt() throws Exception {
    BigInteger before = market.sellerBalance();

    HttpResponse<String> response =
        paid("GET", "/weather?city=Porto&units=metric", null, "X-Custom", "kept");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode seen = JSON.readTree(response.body());
    assertThat(seen.path("method").asText()).isEqualTo("GET");
    assertThat(seen.path("query").asText()).isEqualTo("city=Porto&units=metric");
    assertThat(seen.path("custom").asText()).isEqualTo("kept");
    assertThat(seen.path("payer").asText()).isEqualTo(market.buyer().address().toString());
    assertThat(seen.path("forwardedFor").asText()).isEqualTo("127.0.0.1");
    assertThat(seen.path("paymentHeaderSeen").asBoolean()).isFalse();
    assertThat(response.headers().firstValue("X-Upstream")).hasValue("yes");
    SettleResponse receipt =
        HEADERS.decodePaymentResponse(
            response.headers().firstValue("PAYMENT-RESPONSE").orElseThrow());
    assertThat(receipt.success()).isTrue();
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }

  @Test
  void aPaidPostForwardsItsBody() throws Exception {
    HttpResponse<String> response =
        paid("POST", "/echo", "{\"text\":\"hello\"}", "Content-Type", "application/json");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode seen = JSON.readTree(response.body());
    assertThat(seen.path("method").asText()).isEqualTo("POST");
    assertThat(seen.path("body").asText()).isEqualTo("{\"text\":\"hello\"}");
    assertThat(seen.path("contentType").asText()).isEqualTo("application/json");
  }

  @Test
  void upstreamErrorsAreNotCharged() throws Exception {
    BigInteger before = market.sellerBalance();

    HttpResponse<String> failed = paid("GET", "/error", null);
    HttpResponse<String> tooBig = paid("GET", "/big", null);

    assertThat(failed.statusCode()).isEqualTo(500);
    assertThat(failed.body()).isEqualTo("upstream broke");
    assertThat(failed.headers().firstValue("PAYMENT-RESPONSE")).isEmpty();
    assertThat(tooBig.statusCode()).isEqualTo(502);
    assertThat(tooBig.body()).contains("too large").contains("not charged");
    assertThat(market.sellerBalance()).isEqualTo(before);
  }

  @Test
  void anUpstreamFailureOnARouteSettledFirstDoesNotClaimTheBuyerWasNotCharged() throws Exception {
    BigInteger before = market.sellerBalance();

    HttpResponse<String> tooBig = paid("GET", "/big-upfront", null);

    assertThat(tooBig.statusCode()).isEqualTo(502);
    assertThat(tooBig.body())
        .contains("too large")
        .contains("settled before the handler ran")
        .doesNotContain("not charged");
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }

  @Test
  void anUnreadableStatedAmountOnARouteSettledFirstDoesNotRefuseTheAnswerPaidFor()
      throws Exception {
    BigInteger before = market.sellerBalance();

    HttpResponse<String> answer = paid("GET", "/stated-upfront", null);

    // Settled before the upstream was asked: the amount is ignored, as the gate ignores it.
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("already paid for");
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }

  @Test
  void freeRequestsPassThroughAndCannotForgeReceipts() throws Exception {
    HttpResponse<String> free = send("GET", "/anything?x=1", null);
    assertThat(free.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(free.body()).path("query").asText()).isEqualTo("x=1");

    HttpResponse<String> spoof = send("GET", "/spoof", null);
    assertThat(spoof.statusCode()).isEqualTo(200);
    assertThat(spoof.headers().firstValue("PAYMENT-RESPONSE")).isEmpty();
  }

  @Test
  void hostileSizesAndSpeedsAreRefusedWithoutStarvingOthers() throws Exception {
    int echoesBefore = hits.getOrDefault("/echo", new AtomicInteger()).get();

    PaymentGate gate =
        PaymentGate.builder()
            .facilitator(market.facilitator())
            .networks(market.networks())
            .routes(
                RouteTable.builder()
                    .route("POST /echo", PaidRoute.of("$0.01", market.network(), market.payTo()))
                    .build())
            .build();
    try (Gateway small =
        Gateway.builder(gate, URI.create("http://127.0.0.1:" + upstream.getAddress().getPort()))
            .port(0)
            .maxThreads(12)
            .maxRequestBytes(64 * 1024)
            .bodyTimeout(Duration.ofSeconds(2))
            .start()) {
      RawHttp raw = new RawHttp("127.0.0.1", small.port());
      assertThat(raw.exchange(raw.post("/echo", "{}", "X-Pad: " + "a".repeat(64 * 1024) + "\r\n")))
          .contains(" 431 ");
      assertThat(raw.exchange(raw.post("/echo", "x".repeat(100 * 1024), ""))).contains(" 413 ");
      assertThat(raw.exchange(raw.post("/echo", "{}", ""))).contains(" 402 ");

      ExecutorService clients = Executors.newFixedThreadPool(36);
      List<Socket> unfinished = raw.unfinishedRequests(36);
      try {
        List<Future<String>> trickles = new ArrayList<>();
        CountDownLatch reading = new CountDownLatch(36);
        for (int i = 0; i < 36; i++) {
          trickles.add(clients.submit(() -> raw.trickle("/echo", 1024, reading)));
        }
        assertThat(reading.await(20, TimeUnit.SECONDS))
            .as(
                "the gateway is reading every slow client's body (%d still not)",
                reading.getCount())
            .isTrue();
        assertTimeoutPreemptively(
            Duration.ofSeconds(10),
            () -> assertThat(raw.exchange(raw.post("/echo", "{}", ""))).contains(" 402 "));
        for (Future<String> trickle : trickles) {
          assertThat(trickle.get(30, TimeUnit.SECONDS)).contains(" 408 ");
        }
      } finally {
        clients.shutdownNow();
        for (Socket socket : unfinished) {
          socket.close();
        }
      }
      assertThat(hits.getOrDefault("/echo", new AtomicInteger()).get())
          .as("nothing reached the upstream unpaid")
          .isEqualTo(echoesBefore);
    }
  }

  @Test
  void aDeadUpstreamIs502AndNotCharged() throws Exception {
    int deadPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    PaymentGate gate =
        PaymentGate.builder()
            .facilitator(market.facilitator())
            .networks(market.networks())
            .routes(
                RouteTable.builder()
                    .route("GET /weather", PaidRoute.of("$0.01", market.network(), market.payTo()))
                    .build())
            .build();
    try (Gateway dead =
        Gateway.builder(gate, URI.create("http://127.0.0.1:" + deadPort)).port(0).start()) {
      BigInteger before = market.sellerBalance();
      HttpResponse<String> unpaid =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(dead.url() + "/weather")).build(),
              HttpResponse.BodyHandlers.ofString());
      String payment = market.payV2(unpaid.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());

      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(dead.url() + "/weather"))
                  .header("PAYMENT-SIGNATURE", payment)
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(502);
      assertThat(response.body()).contains("not charged");
      assertThat(market.sellerBalance()).isEqualTo(before);
    }
  }

  // ------------------------------------------------- what is priced is what the upstream runs

  static byte[] raw(String method, String target, String... headers) {
    StringBuilder request =
        new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (int i = 0; i < headers.length; i += 2) {
      request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    request.append("Connection: close\r\n\r\n");
    return request.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** A header's value in a whole raw answer, or null. */
  static String header(String answer, String name) {
    for (String line : answer.split("\r\n")) {
      if (line.isEmpty()) {
        return null;
      }
      if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
        return line.substring(name.length() + 1).strip();
      }
    }
    return null;
  }

  static String body(String answer) {
    int end = answer.indexOf("\r\n\r\n");
    return end < 0 ? "" : answer.substring(end + 4);
  }

  @Test
  void headIsPricedLikeGetAndNeverReachesTheUpstreamUnpaid() throws Exception {
    RawHttp http = new RawHttp("127.0.0.1", gateway.port());
    int before = upstreamSaw.size();

    String head = http.exchangeWhole(raw("HEAD", "/download"));
    String get = http.exchangeWhole(raw("GET", "/download"));

    assertThat(head).startsWith("HTTP/1.1 402 ");
    assertThat(header(head, "PAYMENT-REQUIRED"))
        .as("the same 402 as GET")
        .isNotNull()
        .isEqualTo(header(get, "PAYMENT-REQUIRED"));
    assertThat(header(head, "Location")).isNull();
    assertThat(header(head, "X-Upstream")).isNull();
    assertThat(upstreamSaw.size()).as("nothing reached the upstream").isEqualTo(before);
  }

  @Test
  void aPaidHeadIsForwardedAsHeadAndSettlesLikeGet() throws Exception {
    BigInteger before = market.sellerBalance();

    HttpResponse<String> response = paid("HEAD", "/download", null);

    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(response.headers().firstValue("Location"))
        .hasValue("https://cdn.example/file?sig=secret");
    assertThat(
            HEADERS
                .decodePaymentResponse(
                    response.headers().firstValue("PAYMENT-RESPONSE").orElseThrow())
                .success())
        .isTrue();
    assertThat(upstreamSaw).contains("HEAD /download");
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }

  @Test
  void anOptionsThatIsNoPreflightIsPricedByTheRouteOfItsPath() throws Exception {
    RawHttp http = new RawHttp("127.0.0.1", gateway.port());
    int before = upstreamSaw.size();

    String plain = http.exchangeWhole(raw("OPTIONS", "/download"));
    String originOnly =
        http.exchangeWhole(raw("OPTIONS", "/download", "Origin", "https://shop.example"));

    assertThat(plain).startsWith("HTTP/1.1 402 ");
    assertThat(originOnly).startsWith("HTTP/1.1 402 ");
    assertThat(header(plain, "Location")).isNull();
    assertThat(upstreamSaw.size()).as("nothing reached the upstream").isEqualTo(before);
  }

  @Test
  void aPreflightIsForwardedAsAPreflightAndAnsweredWithCorsHeadersOnly() throws Exception {
    RawHttp http = new RawHttp("127.0.0.1", gateway.port());
    int before = upstreamSaw.size();

    String answer =
        http.exchangeWhole(
            raw(
                "OPTIONS",
                "/download",
                "Origin",
                "https://shop.example",
                "Access-Control-Request-Method",
                "GET",
                "PAYMENT-SIGNATURE",
                "not a payment"));

    assertThat(upstreamSaw.subList(before, upstreamSaw.size()))
        .containsExactly("OPTIONS /download");
    assertThat(header(answer, "Access-Control-Allow-Origin")).isEqualTo("https://shop.example");
    assertThat(header(answer, "Vary")).isEqualTo("Origin");
    assertThat(header(answer, "Location")).as("no signed link for free").isNull();
    assertThat(header(answer, "X-Upstream")).isNull();
    assertThat(header(answer, "PAYMENT-REQUIRED")).as("not priced").isNull();
    assertThat(body(answer)).isEmpty();
  }

  @Test
  void aPathThatServersReadDifferentlyIsRefusedAndNeverForwarded() throws Exception {
    RawHttp http = new RawHttp("127.0.0.1", gateway.port());
    int before = upstreamSaw.size();
    // refused by the gateway, which names the problem
    Map<String, String> named =
        Map.of(
            "/download/x/../../free", "dot segment (..)",
            "/free/../download", "dot segment (..)",
            "/download/./", "dot segment (.)",
            "/download;x=1", "path parameter",
            "/download%3Bx", "encoded semicolon");
    for (Map.Entry<String, String> e : named.entrySet()) {
      String answer = http.exchangeWhole(raw("GET", e.getKey()));
      assertThat(answer).as(e.getKey()).startsWith("HTTP/1.1 400 ");
      assertThat(body(answer)).as(e.getKey()).contains(e.getValue());
    }
    // refused by Jetty before the gateway sees them; refused all the same
    for (String path :
        List.of(
            "/download/%2e%2e/free",
            "//download",
            "/download%2fx",
            "/free/..;/download",
            "/download%5cx",
            "/download%00",
            "/download/%252e%252e/free")) {
      assertThat(http.exchangeWhole(raw("GET", path))).as(path).startsWith("HTTP/1.1 400 ");
    }
    // other spellings of a priced path are priced
    for (String path : List.of("/DOWNLOAD", "/%64ownload", "/download/")) {
      assertThat(http.exchangeWhole(raw("GET", path))).as(path).startsWith("HTTP/1.1 402 ");
    }
    assertThat(upstreamSaw.subList(before, upstreamSaw.size()))
        .as("nothing reached the upstream")
        .isEmpty();
  }

  @Test
  void theUpstreamGetsExactlyThePathThatWasPriced() throws Exception {
    RawHttp http = new RawHttp("127.0.0.1", gateway.port());

    String answer = http.exchangeWhole(raw("GET", "/%66ree/a%20b%7e/?q=%2e%2e"));

    assertThat(answer).startsWith("HTTP/1.1 200 ");
    JsonNode seen = JSON.readTree(body(answer));
    assertThat(seen.path("rawPath").asText()).isEqualTo("/free/a%20b~/");
    assertThat(seen.path("query").asText()).isEqualTo("q=%2e%2e");
  }
}
