package io.x402j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.NetworkRegistry;
import io.x402j.core.TokenAmount;
import io.x402j.core.facilitator.Facilitator;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.SettleResponse;
import io.x402j.sales.JdbcSalesRecord;
import io.x402j.server.GateExtension;
import io.x402j.server.GateRequest;
import io.x402j.server.PaymentEvent;
import io.x402j.server.PaymentListener;
import io.x402j.server.RouteResolver;
import io.x402j.server.Sale;
import io.x402j.server.SaleState;
import io.x402j.spring.internal.GateAssembly;
import io.x402j.spring.shop.ShopApplication;
import io.x402j.testkit.PaymentHeaderCopies;
import io.x402j.testkit.RawHttp;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The starter in a real Spring Boot application on embedded Tomcat, paid on the devnet. */
@SpringBootTest(
    classes = {ShopApplication.class, SpringStarterIT.DevnetNetworks.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "x402j.routes[0].pattern=GET /configured",
      "x402j.routes[0].price=$0.04",
      "x402j.routes[0].description=configured route",
      "x402j.routes[1].pattern=GET /files/*",
      "x402j.routes[1].price=$0.05",
      "x402j.paywall.app-name=Test Shop",
      "x402j.discovery.service-name=Test Shop",
      "x402j.discovery.tags=shop"
    })
class SpringStarterIT {
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static TestMarket market;
  static PaymentHeaderCopies.Counting facilitator;
  static final List<String> settled = new CopyOnWriteArrayList<>();

  @TempDir static Path salesDir;

  @LocalServerPort int port;
  @Autowired JdbcSalesRecord salesRecord;

  @DynamicPropertySource
  static void market(DynamicPropertyRegistry registry) throws Exception {
    if (market == null) {
      market = TestMarket.start();
    }
    registry.add("x402j.facilitator-url", market::facilitatorUrl);
    registry.add("x402j.pay-to", () -> market.seller().toString());
    registry.add("x402j.network", () -> market.network().toString());
    registry.add("x402j.sales.db", () -> "jdbc:sqlite:" + salesDir.resolve("sales.db"));
  }

  @AfterAll
  static void stop() {
    market.close();
  }

  /** The devnet as a known network, and a hook that records settlements. */
  @TestConfiguration
  static class DevnetNetworks {
    @Bean
    NetworkRegistry devnetNetworks() {
      return market.networks();
    }

    /** The starter's own facilitator client, counting what it is asked. */
    @Bean
    Facilitator countingFacilitator(X402jProperties properties) {
      facilitator = new PaymentHeaderCopies.Counting(GateAssembly.facilitator(properties));
      return facilitator;
    }

    /** A seller's own extension: every GateExtension bean is registered on the gate. */
    @Bean
    GateExtension hello() {
      return new GateExtension() {
        @Override
        public String key() {
          return "x-hello";
        }

        @Override
        public Optional<Object> declare(RouteResolver.ResolvedRoute route, GateRequest request) {
          return Optional.of(Map.of("route", route.pattern()));
        }
      };
    }

    @Bean
    PaymentListener recorder() {
      return new PaymentListener() {
        @Override
        public void afterSettle(PaymentEvent event, SettleResponse result) {
          settled.add(event.route() + " " + result.success());
        }
      };
    }
  }

  HttpResponse<String> send(String method, String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
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

  HttpResponse<String> paid(String method, String path, String body) throws Exception {
    HttpResponse<String> unpaid = send(method, path, body);
    assertThat(unpaid.statusCode()).as(path).isEqualTo(402);
    String payment = market.payV2(unpaid.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
    return send(method, path, body, "PAYMENT-SIGNATURE", payment);
  }

  @Test
  void anAnnotatedEndpointAsksAndIsPaid() throws Exception {
    HttpResponse<String> unpaid = send("GET", "/weather", null);
    assertThat(unpaid.statusCode()).isEqualTo(402);
    PaymentRequired required =
        HEADERS.decodePaymentRequired(
            unpaid.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
    assertThat(required.resource().description()).isEqualTo("Today's weather");
    assertThat(required.resource().mimeType()).isEqualTo("application/json");
    assertThat(required.accepts().get(0).amount()).isEqualTo(TokenAmount.of(10_000));

    BigInteger before = market.sellerBalance();
    HttpResponse<String> response = paid("GET", "/weather", null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("sunny");
    assertThat(
            HEADERS
                .decodePaymentResponse(
                    response.headers().firstValue("PAYMENT-RESPONSE").orElseThrow())
                .success())
        .isTrue();
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
    assertThat(settled).contains("GET /weather true");
  }

  /**
   * A payment is sent once, in one header, on Tomcat too (which keeps repeated header lines apart).
   * One PAYMENT-SIGNATURE with one X-PAYMENT passed the filter before (each name was counted
   * alone); the gate now refuses every form with 400 naming the headers, before its facilitator is
   * asked, and the same payment sent once buys the response.
   */
  @Test
  void aPaymentSentMoreThanOnceIsRefusedBeforeAnythingIsVerified() throws Exception {
    HttpResponse<String> unpaid = send("GET", "/configured", null);
    assertThat(unpaid.statusCode()).isEqualTo(402);
    String payment = market.payV2(unpaid.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
    String content = "priced in application properties";
    PaymentHeaderCopies.assertRefusedEveryWay(port, "/configured", payment, content, facilitator);
    PaymentHeaderCopies.assertBoughtOnce(port, "/configured", payment, content, facilitator);
  }

  @Test
  void aRealPaymentIsInTheSalesRecordSettledWithItsPayerAndTransaction() throws Exception {
    HttpResponse<String> response = paid("GET", "/configured", null);
    assertThat(response.statusCode()).isEqualTo(200);
    SettleResponse receipt =
        HEADERS.decodePaymentResponse(
            response.headers().firstValue("PAYMENT-RESPONSE").orElseThrow());
    assertThat(receipt.transaction()).isNotBlank();

    // Recorded by the gate on the request's thread, before the response was sent.
    List<Sale> settledSales =
        salesRecord.latest(500).stream()
            .filter(s -> s.state() == SaleState.SETTLED)
            .filter(s -> receipt.transaction().equalsIgnoreCase(s.transaction()))
            .toList();
    assertThat(settledSales)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.route()).isEqualTo("GET /configured");
              assertThat(s.payer()).isEqualToIgnoringCase(market.buyer().address().toString());
              assertThat(s.payTo()).isEqualToIgnoringCase(market.seller().toString());
              assertThat(s.amount()).isEqualTo(TokenAmount.of(40_000));
              assertThat(s.network()).isEqualTo(market.network());
            });
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> at(Object root, String... path) {
    Object node = root;
    for (String p : path) {
      node = ((Map<String, Object>) node).get(p);
    }
    return (Map<String, Object>) node;
  }

  PaymentRequired required(HttpResponse<String> response) {
    assertThat(response.statusCode()).isEqualTo(402);
    return HEADERS.decodePaymentRequired(
        response.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
  }

  @Test
  void aDiscoverableGetDeclaresItsTemplatePathAndQueryParameters() throws Exception {
    PaymentRequired required = required(send("GET", "/forecast/lisbon?days=2", null));

    Map<String, Object> bazaar = at(required.extensions(), "bazaar");
    assertThat(bazaar).containsEntry("routeTemplate", "/forecast/:city");
    assertThat(at(bazaar, "info", "input"))
        .containsEntry("type", "http")
        .containsEntry("method", "GET")
        .containsEntry("pathParams", Map.of("city", "lisbon"))
        .containsEntry("queryParams", Map.of("units", "metric"));
    assertThat(at(bazaar, "info", "output")).containsEntry("example", Map.of("temperature", 21L));
    Map<String, Object> input = at(bazaar, "schema", "properties", "input", "properties");
    assertThat(at(input, "queryParams"))
        .containsEntry(
            "properties",
            Map.of("units", Map.of("type", "string"), "days", Map.of("type", "integer")))
        .containsEntry("required", List.of("days"));
    assertThat(at(input, "pathParams"))
        .containsEntry("properties", Map.of("city", Map.of("type", "string")));
    assertThat(required.resource().description()).isEqualTo("Forecast by city");
    assertThat(required.resource().additionalFields())
        .isEqualTo(Map.of("serviceName", "Test Shop", "tags", List.of("weather")));
    assertThat(at(required.extensions(), "x-hello"))
        .isEqualTo(Map.of("route", "GET /forecast/{city}"));
  }

  @Test
  void aDiscoverablePostDeclaresItsBodyFromTheRecord() throws Exception {
    PaymentRequired required =
        required(
            send(
                "POST",
                "/orders",
                "{\"item\":\"tea\",\"quantity\":2}",
                "Content-Type",
                "application/json"));

    Map<String, Object> bazaar = at(required.extensions(), "bazaar");
    assertThat(bazaar).doesNotContainKey("routeTemplate");
    assertThat(at(bazaar, "info", "input"))
        .containsEntry("method", "POST")
        .containsEntry("bodyType", "json");
    assertThat(at(bazaar, "schema", "properties", "input", "properties", "body"))
        .isEqualTo(
            Map.of(
                "type",
                "object",
                "properties",
                Map.of(
                    "item", Map.of("type", "string"),
                    "quantity", Map.of("type", "integer"),
                    "notes", Map.of("type", "array", "items", Map.of("type", "string")))));
    assertThat(required.resource().additionalFields())
        .isEqualTo(Map.of("serviceName", "Test Shop", "tags", List.of("shop")));

    assertThat(at(required(send("GET", "/weather", null)).extensions(), "bazaar"))
        .as("a handler without @X402Discoverable declares nothing")
        .isNull();
  }

  @Test
  void pathVariablesAndConfiguredRoutes() throws Exception {
    BigInteger before = market.sellerBalance();

    HttpResponse<String> report = paid("GET", "/users/42/report", null);
    HttpResponse<String> configured = paid("GET", "/configured", null);

    assertThat(report.statusCode()).isEqualTo(200);
    assertThat(report.body()).isEqualTo("report for 42");
    assertThat(configured.statusCode()).isEqualTo(200);
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(60_000)));
  }

  @Test
  void settlingBeforeAHandlerWithSideEffects() throws Exception {
    HttpResponse<String> response = paid("POST", "/translate", "hello");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("HELLO");
  }

  @Test
  void aFailingHandlerIsNotCharged() throws Exception {
    BigInteger before = market.sellerBalance();
    HttpResponse<String> response = paid("GET", "/broken", null);
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.headers().firstValue("PAYMENT-RESPONSE")).isEmpty();
    assertThat(market.sellerBalance()).isEqualTo(before);
  }

  @Test
  void freeEndpointsUnknownPathsAndBrowsers() throws Exception {
    assertThat(send("GET", "/free", null).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/nowhere", null).statusCode()).isEqualTo(404);
    assertThat(send("DELETE", "/weather", null).statusCode())
        .as("no handler would run, so nothing is charged")
        .isEqualTo(405);
    HttpResponse<String> browser =
        send("GET", "/weather", null, "Accept", "text/html", "User-Agent", "Mozilla/5.0");
    assertThat(browser.statusCode()).isEqualTo(402);
    assertThat(browser.body()).contains("Test Shop");
  }

  // ---------------------------- what is priced is what Spring MVC dispatches, on embedded Tomcat

  String raw(String method, String target, String... headers) throws Exception {
    StringBuilder request =
        new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (int i = 0; i < headers.length; i += 2) {
      request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    request.append("Connection: close\r\n\r\n");
    return new RawHttp("127.0.0.1", port)
        .exchangeWhole(request.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  static String status(String answer) {
    return answer.lines().findFirst().orElse("");
  }

  @Test
  void aPathSpringReadsOtherwiseThanTomcatIsRefused() throws Exception {
    // Tomcat normalises these to /free or /weather; Spring MVC matches the raw URI, and would run
    // the /files/** handler for the first one, priced in the properties, unpaid.
    for (String path :
        List.of(
            "/files/x/../../free",
            "/free/../files/x",
            "/weather;x=y",
            "/free/..;/weather",
            "/files/x/..;/..;/free",
            "//weather",
            "/./weather",
            "/files/%2e%2e/free")) {
      String answer = raw("GET", path);
      assertThat(answer).as(path).doesNotContain("a priced file").doesNotContain("sunny");
      assertThat(status(answer)).as(path).contains(" 400 ");
    }
    assertThat(raw("GET", "/files/x/../../free")).contains("dot segment (..)");
  }

  @Test
  void headIsChargedWhereGetIs() throws Exception {
    for (String path : List.of("/weather", "/configured", "/files/a.pdf")) {
      assertThat(status(raw("HEAD", path))).as(path).contains(" 402 ");
    }
    HttpResponse<String> paid = paid("HEAD", "/configured", null);
    assertThat(paid.statusCode()).isEqualTo(200);
    assertThat(paid.headers().firstValue("PAYMENT-RESPONSE")).isPresent();
  }

  @Test
  void optionsRunsNoAnnotatedHandlerSoItIsFree() throws Exception {
    // Spring MVC answers OPTIONS itself (Allow), and preflights with its CORS handling.
    String plain = raw("OPTIONS", "/weather");
    String preflight =
        raw(
            "OPTIONS",
            "/weather",
            "Origin",
            "https://shop.example",
            "Access-Control-Request-Method",
            "GET");

    assertThat(status(plain)).contains(" 200 ");
    assertThat(plain).doesNotContain("sunny").doesNotContain("PAYMENT-REQUIRED");
    assertThat(preflight).doesNotContain("sunny").doesNotContain("PAYMENT-REQUIRED");
    assertThat(status(raw("OPTIONS", "/configured")))
        .as("a configured route prices OPTIONS on its path")
        .contains(" 402 ");
  }
}
