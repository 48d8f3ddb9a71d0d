package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.x402j.core.testing.RawHttp;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.SettleResponse;
import io.x402j.server.gateway.Gateway;
import io.x402j.server.testing.TestMarket;
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
                    .route("GET /weather", market.route("$0.01"))
                    .route("POST /echo", market.route("$0.01"))
                    .route("GET /error", market.route("$0.01"))
                    .route("GET /big", market.route("$0.01"))
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
    byte[] request = exchange.getRequestBody().readAllBytes();
    int status = 200;
    byte[] body;
    switch (path) {
      case "/error" -> {
        status = 500;
        body = "upstream broke".getBytes(StandardCharsets.UTF_8);
      }
      case "/big" -> body = new byte[64 * 1024];
      case "/spoof" -> {
        exchange.getResponseHeaders().add("PAYMENT-RESPONSE", "forged");
        body = "free".getBytes(StandardCharsets.UTF_8);
      }
      default -> {
        var seen = JSON.createObjectNode();
        seen.put("method", exchange.getRequestMethod());
        seen.put("path", path);
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
    assertThat(tooBig.body()).contains("not charged");
    assertThat(market.sellerBalance()).isEqualTo(before);
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
            .routes(RouteTable.builder().route("POST /echo", market.route("$0.01")).build())
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
        for (int i = 0; i < 36; i++) {
          trickles.add(clients.submit(() -> raw.trickle("/echo", 1024)));
        }
        Thread.sleep(500);
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
            .routes(RouteTable.builder().route("GET /weather", market.route("$0.01")).build())
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
}
