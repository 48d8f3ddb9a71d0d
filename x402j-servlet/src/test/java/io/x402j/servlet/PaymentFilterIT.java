package io.x402j.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.client.PaidResponse;
import io.x402j.client.Payer;
import io.x402j.client.SpendControls;
import io.x402j.client.X402Client;
import io.x402j.core.ErrorReason;
import io.x402j.core.TokenAmount;
import io.x402j.core.extensions.bazaar.BazaarDeclaration;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.SettleResponse;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.RouteTable;
import io.x402j.testkit.PaymentHeaderCopies;
import io.x402j.testkit.RawHttp;
import io.x402j.testkit.TestMarket;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The filter in a real servlet container (Jetty 12), with the facilitator over HTTP. */
class PaymentFilterIT {
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  static TestMarket market;
  static PaymentHeaderCopies.Counting facilitator;
  static Server server;
  static String base;
  static int port;
  static final AtomicInteger handled = new AtomicInteger();
  static final AtomicReference<String> paymentSeen = new AtomicReference<>();

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.start();
    facilitator =
        new PaymentHeaderCopies.Counting(
            HttpFacilitatorClient.builder(market.facilitatorUrl()).build());
    PaymentGate gate =
        PaymentGate.builder()
            .facilitator(facilitator)
            .networks(market.networks())
            .routes(
                RouteTable.builder()
                    .route("GET /weather", PaidRoute.of("$0.01", market.network(), market.payTo()))
                    .route("/fail", PaidRoute.of("$0.01", market.network(), market.payTo()))
                    .route("/throw", PaidRoute.of("$0.01", market.network(), market.payTo()))
                    .route("/big", PaidRoute.of("$0.01", market.network(), market.payTo()))
                    .route(
                        "/big-upfront",
                        PaidRoute.of("$0.01", market.network(), market.payTo()).toBuilder()
                            .settleBeforeHandler(true)
                            .build())
                    .route(
                        "/stated-upfront",
                        PaidRoute.of("$0.01", market.network(), market.payTo()).toBuilder()
                            .settleBeforeHandler(true)
                            .build())
                    .route("/drain", PaidRoute.of("$0.01", market.network(), market.payTo()))
                    .route("POST /echo", PaidRoute.of("$0.01", market.network(), market.payTo()))
                    .route(
                        "GET /users/:id",
                        PaidRoute.of("$0.01", market.network(), market.payTo()).toBuilder()
                            .description("A user's profile")
                            .service("Test Shop", List.of("users"), null)
                            .discovery(
                                BazaarDeclaration.http()
                                    .queryParams(
                                        Map.of("fields", "name"),
                                        Map.of(
                                            "properties",
                                            Map.of("fields", Map.of("type", "string"))))
                                    .output(Map.of("name", "Ada"))
                                    .build())
                            .build())
                    .build())
            .build();
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/shop");
    context.addFilter(
        new FilterHolder(new PaymentFilter(gate, 64 * 1024)),
        "/*",
        EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new Shop()), "/*");
    server.setHandler(context);
    server.start();
    port = connector.getLocalPort();
    base = "http://127.0.0.1:" + port + "/shop";
  }

  @AfterAll
  static void stop() throws Exception {
    server.stop();
    market.close();
  }

  /** The seller's application: knows nothing about payments. */
  static final class Shop extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      handled.incrementAndGet();
      // Naive about methods, as many handlers are: HEAD and OPTIONS get the GET answer.
      if (req.getHeader("Origin") != null) {
        resp.setHeader("Access-Control-Allow-Origin", req.getHeader("Origin"));
      }
      String path = req.getPathInfo();
      switch (path) {
        case "/weather", "/free" -> {
          resp.setContentType("application/json");
          resp.setHeader("X-Shop", "weather");
          resp.getWriter().write("{\"weather\":\"sunny\",\"path\":\"" + path + "\"}");
          resp.flushBuffer(); // tries to commit early; the filter must still hold it
        }
        case "/fail" -> resp.sendError(503, "backend down");
        case "/throw" -> throw new IllegalStateException("handler bug");
        case "/big", "/big-upfront" -> {
          resp.setContentType("application/octet-stream");
          resp.getOutputStream().write(new byte[100 * 1024]);
        }
        case "/stated-upfront" -> {
          // An unreadable amount, on a route whose payment settled before this handler ran.
          resp.setHeader("Settlement-Overrides", "not json");
          resp.getWriter().write("already paid for");
        }
        case "/drain" -> {
          // While the handler runs, the buyer's money leaves: settlement must fail.
          market.drainBuyer();
          resp.getWriter().write("secret report");
        }
        case "/users/7" -> {
          paymentSeen.set(req.getHeader("PAYMENT-SIGNATURE"));
          resp.setContentType("application/json");
          resp.getWriter().write("{\"name\":\"Ada\"}");
        }
        case "/echo" -> {
          resp.setContentType("text/plain");
          resp.getOutputStream().write(req.getInputStream().readAllBytes());
        }
        default -> resp.sendError(404);
      }
    }
  }

  static HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).GET();
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String pay(String path) throws Exception {
    HttpResponse<String> unpaid = get(path, Map.of());
    assertThat(unpaid.statusCode()).isEqualTo(402);
    return market.payV2(unpaid.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
  }

  static HttpResponse<String> getPaid(String path) throws Exception {
    return get(path, Map.of("PAYMENT-SIGNATURE", pay(path)));
  }

  /**
   * A payment is sent once, in one header. Found by review: the filter refused two copies of one
   * header, but one PAYMENT-SIGNATURE with one X-PAYMENT passed (each name was counted alone), so
   * the gate paid with one while the application could read the other. The gate now refuses every
   * form with 400 naming the headers, before its facilitator is asked: the payment stays the
   * buyer's, and sent once it buys the response.
   */
  @Test
  void aPaymentSentMoreThanOnceIsRefusedBeforeAnythingIsVerified() throws Exception {
    String payment = pay("/weather");
    int before = handled.get();
    PaymentHeaderCopies.assertRefusedEveryWay(port, "/shop/weather", payment, "sunny", facilitator);
    assertThat(handled.get()).isEqualTo(before);

    PaymentHeaderCopies.assertBoughtOnce(port, "/shop/weather", payment, "sunny", facilitator);
  }

  @Test
  void unpaidRequestsGet402AndTheHandlerNeverRuns() throws Exception {
    HttpResponse<String> response = get("/weather?city=Lisbon", Map.of());

    assertThat(response.statusCode()).isEqualTo(402);
    assertThat(response.headers().firstValue("X-Shop")).isEmpty();
    PaymentRequired required =
        HEADERS.decodePaymentRequired(
            response.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
    assertThat(required.resource().url()).isEqualTo(base + "/weather?city=Lisbon");
    assertThat(required.accepts().get(0).amount()).isEqualTo(TokenAmount.of(10_000));
    assertThat(JSON.readTree(response.body()).path("x402Version").asInt()).isEqualTo(1);
    assertThat(response.headers().firstValue("Access-Control-Expose-Headers").orElse(""))
        .contains("PAYMENT-RESPONSE");
  }

  @Test
  void aPaidRequestIsServedWithItsReceiptOnlyAfterSettlement() throws Exception {
    BigInteger before = market.sellerBalance();

    HttpResponse<String> response = getPaid("/weather");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"weather\":\"sunny\",\"path\":\"/weather\"}");
    assertThat(response.headers().firstValue("X-Shop")).hasValue("weather");
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/json");
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("private");
    SettleResponse receipt =
        HEADERS.decodePaymentResponse(
            response.headers().firstValue("PAYMENT-RESPONSE").orElseThrow());
    assertThat(receipt.success()).isTrue();
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }

  @Test
  void protocolV1ClientsArePaidAndAnsweredInV1() throws Exception {
    HttpResponse<String> unpaid = get("/weather", Map.of());
    String payment = market.payV1(unpaid.body());

    HttpResponse<String> response = get("/weather", Map.of("X-PAYMENT", payment));

    assertThat(response.statusCode()).isEqualTo(200);
    SettleResponse receipt =
        HEADERS.decodeXPaymentResponse(
            response.headers().firstValue("X-PAYMENT-RESPONSE").orElseThrow());
    assertThat(receipt.network()).isEqualTo("x402j-devnet");
  }

  @Test
  void aHandlerErrorIsPassedOnAndNotCharged() throws Exception {
    BigInteger before = market.sellerBalance();

    HttpResponse<String> failed = getPaid("/fail");
    HttpResponse<String> threw = getPaid("/throw");

    assertThat(failed.statusCode()).isEqualTo(503);
    assertThat(failed.headers().firstValue("PAYMENT-RESPONSE")).isEmpty();
    assertThat(threw.statusCode()).isEqualTo(500);
    assertThat(threw.headers().firstValue("PAYMENT-RESPONSE")).isEmpty();
    assertThat(market.sellerBalance()).isEqualTo(before);
  }

  @Test
  void aResponseBeyondTheBufferIsRefusedUncharged() throws Exception {
    BigInteger before = market.sellerBalance();

    HttpResponse<String> response = getPaid("/big");

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(JSON.readTree(response.body()).path("error").asText())
        .contains("larger than the payment buffer");
    assertThat(market.sellerBalance()).isEqualTo(before);
  }

  @Test
  void aResponseBeyondTheBufferOnARouteSettledFirstDoesNotClaimTheBuyerWasNotCharged()
      throws Exception {
    BigInteger before = market.sellerBalance();

    HttpResponse<String> response = getPaid("/big-upfront");

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(JSON.readTree(response.body()).path("error").asText())
        .contains("larger than the payment buffer")
        .contains("settled before the handler ran")
        .doesNotContain("not charged");
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }

  @Test
  void anUnreadableStatedAmountOnARouteSettledFirstDoesNotRefuseTheResponseItPaidFor()
      throws Exception {
    BigInteger before = market.sellerBalance();

    HttpResponse<String> response = getPaid("/stated-upfront");

    // Settled before the handler: the amount is ignored; refusing would keep what was paid for
    // and say 'nothing was charged' while the money had moved.
    assertThat(response.body()).doesNotContain("not charged").doesNotContain("nothing was");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("already paid for");
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }

  @Test
  void aFailedSettlementNeverLetsThePaidBodyOut() throws Exception {
    BigInteger before = market.sellerBalance();
    String payment = pay("/drain");

    HttpResponse<String> response = get("/drain", Map.of("PAYMENT-SIGNATURE", payment));

    assertThat(response.statusCode()).isEqualTo(402);
    assertThat(response.body()).doesNotContain("secret");
    SettleResponse receipt =
        HEADERS.decodePaymentResponse(
            response.headers().firstValue("PAYMENT-RESPONSE").orElseThrow());
    assertThat(receipt.success()).isFalse();
    assertThat(receipt.errorReason()).isEqualTo(ErrorReason.EXACT_EVM_INSUFFICIENT_BALANCE.wire());
    assertThat(market.sellerBalance()).isEqualTo(before);
    market.fundBuyer(BigInteger.valueOf(500_000_000));
  }

  @Test
  void aDiscoverableRouteDeclaresItselfAndX402jsClientEchoesTheDeclaration() throws Exception {
    HttpResponse<String> unpaid = get("/users/7?fields=name", Map.of());
    assertThat(unpaid.statusCode()).isEqualTo(402);
    PaymentRequired required =
        HEADERS.decodePaymentRequired(
            unpaid.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
    @SuppressWarnings("unchecked")
    Map<String, Object> declared = (Map<String, Object>) required.extensions().get("bazaar");
    assertThat(declared)
        .as("the template names the URL a buyer calls, context path included")
        .containsEntry("routeTemplate", "/shop/users/:id");
    @SuppressWarnings("unchecked")
    Map<String, Object> input =
        (Map<String, Object>) ((Map<String, Object>) declared.get("info")).get("input");
    assertThat(input)
        .containsEntry("method", "GET")
        .containsEntry("pathParams", Map.of("id", "7"))
        .containsEntry("queryParams", Map.of("fields", "name"));
    assertThat(required.resource().additionalFields())
        .isEqualTo(Map.of("serviceName", "Test Shop", "tags", List.of("users")));

    Payer payer =
        Payer.builder()
            .signer(market.buyer())
            .networks(market.networks())
            .evmRpcUrl(market.network(), market.info().rpcUrl())
            .spendControls(SpendControls.unlimited())
            .build();
    PaidResponse<String> paid =
        X402Client.builder(payer)
            .build()
            .send(
                HttpRequest.newBuilder(URI.create(base + "/users/7?fields=name")).build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(paid.statusCode()).isEqualTo(200);
    assertThat(paid.settled()).isTrue();
    PaymentPayload payment = HEADERS.decodePaymentSignature(paymentSeen.get());
    assertThat(payment.extensions().get("bazaar"))
        .as("echoed as declared, so a cataloguing facilitator sees it")
        .isEqualTo(declared);
    assertThat(payment.resource().additionalFields()).containsEntry("serviceName", "Test Shop");
  }

  @Test
  void aReplayedHeaderIsRefused() throws Exception {
    String payment = pay("/weather");
    assertThat(get("/weather", Map.of("PAYMENT-SIGNATURE", payment)).statusCode()).isEqualTo(200);

    HttpResponse<String> replayed = get("/weather", Map.of("PAYMENT-SIGNATURE", payment));

    assertThat(replayed.statusCode()).isEqualTo(402);
    assertThat(replayed.body()).doesNotContain("sunny");
  }

  @Test
  void oneHeaderSentFiftyTimesAtOnceBuysOneResponse() throws Exception {
    BigInteger before = market.sellerBalance();
    String payment = pay("/weather");
    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      all.add(
          HTTP.sendAsync(
              HttpRequest.newBuilder(URI.create(base + "/weather"))
                  .header("PAYMENT-SIGNATURE", payment)
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }

    List<Integer> statuses = all.stream().map(f -> f.join().statusCode()).sorted().toList();

    assertThat(statuses).containsOnly(200, 402);
    assertThat(statuses.stream().filter(s -> s == 200)).hasSize(1);
    assertThat(all.stream().filter(f -> f.join().body().contains("sunny"))).hasSize(1);
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }

  @Test
  void invalidPaymentsAre402WithTheReason() throws Exception {
    HttpResponse<String> unpaid = get("/weather", Map.of());
    String payment =
        market.payV2(
            unpaid.headers().firstValue("PAYMENT-REQUIRED").orElseThrow(),
            market.buyer(),
            r -> r.toBuilder().payTo("0x000000000000000000000000000000000000dEaD").build());

    HttpResponse<String> response = get("/weather", Map.of("PAYMENT-SIGNATURE", payment));

    assertThat(response.statusCode()).isEqualTo(402);
    assertThat(
            HEADERS
                .decodePaymentRequired(
                    response.headers().firstValue("PAYMENT-REQUIRED").orElseThrow())
                .error())
        .isEqualTo(ErrorReason.EXACT_EVM_RECIPIENT_MISMATCH.wire());
  }

  @Test
  void hostilePaymentHeadersAreRefusedNamingTheProblem() throws Exception {
    Base64.Encoder b64 = Base64.getEncoder();
    Map<String, String> hostile =
        Map.of(
            "deeply nested",
            b64.encodeToString(
                ("{\"x402Version\":2,\"payload\":" + "[".repeat(3000))
                    .getBytes(StandardCharsets.UTF_8)),
            "huge exponent",
            b64.encodeToString(
                "{\"x402Version\":2,\"accepted\":{\"maxTimeoutSeconds\":1e999999999}}"
                    .getBytes(StandardCharsets.UTF_8)),
            "long number",
            b64.encodeToString(
                ("{\"x402Version\":" + "9".repeat(4000) + "}").getBytes(StandardCharsets.UTF_8)),
            "not base64",
            "%".repeat(6000));
    for (Map.Entry<String, String> attack : hostile.entrySet()) {
      HttpResponse<String> response =
          get("/weather", Map.of("PAYMENT-SIGNATURE", attack.getValue()));
      assertThat(response.statusCode()).as(attack.getKey()).isEqualTo(402);
      String error =
          HEADERS
              .decodePaymentRequired(
                  response.headers().firstValue("PAYMENT-REQUIRED").orElseThrow())
              .error();
      assertThat(error).as(attack.getKey()).contains("PAYMENT-SIGNATURE").hasSizeLessThan(300);
      assertThat(response.body()).doesNotContain("sunny");
    }
    // Beyond what the container reads at all: refused before any filter runs.
    HttpResponse<String> oversized =
        get("/weather", Map.of("PAYMENT-SIGNATURE", "A".repeat(64 * 1024)));
    assertThat(oversized.statusCode()).isEqualTo(431);
  }

  @Test
  void theRequestBodyReachesAPaidHandler() throws Exception {
    HttpResponse<String> unpaidPost =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/echo"))
                .POST(HttpRequest.BodyPublishers.ofString("hello"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(unpaidPost.statusCode()).isEqualTo(402);
    String postPayment =
        market.payV2(unpaidPost.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());

    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/echo"))
                .header("PAYMENT-SIGNATURE", postPayment)
                .POST(HttpRequest.BodyPublishers.ofString("hello, paid world"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("hello, paid world");
  }

  @Test
  void freePathsAndBrowsers() throws Exception {
    HttpResponse<String> free = get("/free", Map.of());
    assertThat(free.statusCode()).isEqualTo(200);
    assertThat(free.headers().firstValue("PAYMENT-REQUIRED")).isEmpty();

    HttpResponse<String> browser =
        get("/weather", Map.of("Accept", "text/html", "User-Agent", "Mozilla/5.0 Firefox/140.0"));
    assertThat(browser.statusCode()).isEqualTo(402);
    assertThat(browser.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(browser.body()).contains("Pay with browser wallet");
  }

  // ------------------------------------------ what is priced is what the container dispatches

  static String raw(String method, String target, String... headers) throws IOException {
    StringBuilder request =
        new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (int i = 0; i < headers.length; i += 2) {
      request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    request.append("Connection: close\r\n\r\n");
    return new RawHttp("127.0.0.1", port)
        .exchangeWhole(request.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

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
  void headIsPricedLikeGetAndTheHandlerNeverRunsUnpaid() throws Exception {
    int before = handled.get();

    String head = raw("HEAD", "/shop/weather");
    String get = raw("GET", "/shop/weather");

    assertThat(head).startsWith("HTTP/1.1 402 ");
    assertThat(header(head, "PAYMENT-REQUIRED"))
        .isNotNull()
        .isEqualTo(header(get, "PAYMENT-REQUIRED"));
    assertThat(header(head, "X-Shop")).isNull();
    assertThat(handled.get()).isEqualTo(before);
  }

  @Test
  void aPaidHeadSettlesLikeGet() throws Exception {
    BigInteger before = market.sellerBalance();
    String payment = pay("/weather");

    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/weather"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("PAYMENT-SIGNATURE", payment)
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Shop")).hasValue("weather");
    assertThat(
            HEADERS
                .decodePaymentResponse(
                    response.headers().firstValue("PAYMENT-RESPONSE").orElseThrow())
                .success())
        .isTrue();
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }

  @Test
  void anOptionsThatIsNoPreflightIsPriced() throws Exception {
    int before = handled.get();

    String plain = raw("OPTIONS", "/shop/weather");
    String originOnly = raw("OPTIONS", "/shop/weather", "Origin", "https://shop.example");

    assertThat(plain).startsWith("HTTP/1.1 402 ");
    assertThat(originOnly).startsWith("HTTP/1.1 402 ");
    assertThat(body(plain)).doesNotContain("sunny");
    assertThat(handled.get()).isEqualTo(before);
  }

  @Test
  void aPreflightIsFreeButOnlyItsStatusAndCorsHeadersGetOut() throws Exception {
    int before = handled.get();

    String answer =
        raw(
            "OPTIONS",
            "/shop/weather",
            "Origin",
            "https://shop.example",
            "Access-Control-Request-Method",
            "GET",
            "PAYMENT-SIGNATURE",
            "not a payment");

    assertThat(answer).startsWith("HTTP/1.1 200 ");
    assertThat(handled.get()).as("the application answers its preflights").isEqualTo(before + 1);
    assertThat(header(answer, "Access-Control-Allow-Origin")).isEqualTo("https://shop.example");
    assertThat(header(answer, "X-Shop")).isNull();
    assertThat(header(answer, "PAYMENT-REQUIRED")).isNull();
    assertThat(body(answer)).doesNotContain("sunny");
  }

  @Test
  void pathsThatServersReadDifferentlyAreRefusedBeforeAnyHandler() throws Exception {
    int before = handled.get();
    Map<String, String> named =
        Map.of(
            "/shop/weather/../free", "dot segment (..)",
            "/shop/free/../weather", "dot segment (..)",
            "/shop/./weather", "dot segment (.)",
            "/shop/weather;x=y", "path parameter",
            "/shop/weather%3Bx", "encoded semicolon");
    for (Map.Entry<String, String> e : named.entrySet()) {
      String answer = raw("GET", e.getKey());
      assertThat(answer).as(e.getKey()).startsWith("HTTP/1.1 400 ");
      assertThat(JSON.readTree(body(answer)).path("error").asText())
          .as(e.getKey())
          .contains(e.getValue());
    }
    // refused by Jetty before the filter runs; refused all the same
    for (String path :
        List.of("//shop/weather", "/shop/free/..;/weather", "/shop/free/%2e%2e/weather")) {
      assertThat(raw("GET", path)).as(path).startsWith("HTTP/1.1 400 ");
    }
    for (String path : List.of("/shop/WEATHER", "/shop/%77eather", "/shop/weather/")) {
      assertThat(raw("GET", path)).as(path).startsWith("HTTP/1.1 402 ");
    }
    assertThat(handled.get()).as("no handler ran").isEqualTo(before);
  }
}
