package io.x402j.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.RouteTable;
import io.x402j.testkit.PaymentHeaderCopies;
import io.x402j.testkit.ScriptedFacilitator;
import io.x402j.testkit.TestPayments;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Attacks on "one payment buys one response" and "nothing for nothing", with the real gateway in
 * front of an upstream. No payment is made here, so a scripted facilitator stands in for a chain.
 * Every test here states the promise; those marked BREAK in their Javadoc fail on the code they
 * were written against.
 */
class GatewayAttackIT {
  static final String SELLER = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
  static ScriptedFacilitator facilitator;

  @BeforeAll
  static void start() {
    facilitator = ScriptedFacilitator.start();
  }

  @AfterAll
  static void stop() {
    facilitator.close();
  }

  static PaymentGate.Builder gate(String route) {
    return PaymentGate.builder()
        .facilitator(HttpFacilitatorClient.builder(facilitator.url()).build())
        .networks(NetworkRegistry.defaults())
        .routes(
            RouteTable.builder()
                .route(route, PaidRoute.of("$0.01", Network.evm(84532), SELLER))
                .build());
  }

  static final AtomicInteger jobsWritten = new AtomicInteger();

  /**
   * An upstream that honours method overrides as Rack::MethodOverride (on by default in Rails),
   * Laravel, Symfony and ASP.NET Core's UseHttpMethodOverride do: a POST carrying {@code
   * X-HTTP-Method-Override} (or a {@code _method} form field) runs the handler of that method.
   */
  static void methodOverridingUpstream(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String override = exchange.getRequestHeaders().getFirst("X-HTTP-Method-Override");
    String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    if (method.equals("POST") && override != null) {
      method = override.toUpperCase(java.util.Locale.ROOT);
    } else if (method.equals("POST") && form.startsWith("_method=")) {
      method = form.substring("_method=".length()).toUpperCase(java.util.Locale.ROOT);
    }
    byte[] body;
    if (method.equals("PUT") && exchange.getRequestURI().getPath().startsWith("/jobs/")) {
      jobsWritten.incrementAndGet();
      body = "job stored (a paid write)".getBytes(StandardCharsets.UTF_8);
    } else {
      body = "nothing here".getBytes(StandardCharsets.UTF_8);
    }
    exchange.sendResponseHeaders(200, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  /**
   * Found by review: the gateway priced the request-line method and forwarded method overrides, so
   * an upstream that honours them (Rack::MethodOverride, Laravel, Symfony, ASP.NET Core's
   * UseHttpMethodOverride) ran the paid {@code PUT} for a free {@code POST}. Every override is now
   * refused with a 400 naming it.
   */
  @Test
  void methodOverridesAreRefusedSoAFreePostCannotRunAPaidPut() throws Exception {
    HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext("/", GatewayAttackIT::methodOverridingUpstream);
    upstream.start();
    PaymentGate gate = gate("PUT /jobs/:id").build();
    try (Gateway gateway =
        Gateway.builder(gate, URI.create("http://127.0.0.1:" + upstream.getAddress().getPort()))
            .port(0)
            .start()) {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> put =
          http.send(
              HttpRequest.newBuilder(URI.create(gateway.url() + "/jobs/7"))
                  .PUT(HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).as("PUT /jobs/7 is priced").isEqualTo(402);

      List<HttpRequest> overrides =
          List.of(
              post(gateway, "/jobs/7", "{}", "X-HTTP-Method-Override", "PUT"),
              post(gateway, "/jobs/7", "{}", "X_HTTP_Method_Override", "PUT"),
              post(gateway, "/jobs/7", "{}", "X-Method-Override", "PUT"),
              post(
                  gateway,
                  "/jobs/7",
                  "_method=PUT",
                  "Content-Type",
                  "application/x-www-form-urlencoded"),
              post(
                  gateway,
                  "/jobs/7",
                  "a=1&%5Fmethod=PUT",
                  "Content-Type",
                  "application/x-www-form-urlencoded"),
              post(gateway, "/jobs/7?_method=PUT", "{}", "Content-Type", "application/json"),
              post(gateway, "/jobs/7", "{\"_method\":\"PUT\"}", "Content-Type", "application/json"),
              post(
                  gateway,
                  "/jobs/7",
                  "--b\r\nContent-Disposition: form-data; name=\"_method\"\r\n\r\nPUT\r\n--b--\r\n",
                  "Content-Type",
                  "multipart/form-data; boundary=b"));
      for (HttpRequest override : overrides) {
        HttpResponse<String> refused = http.send(override, HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).as("%s %s", override, override.headers()).isEqualTo(400);
        assertThat(refused.body()).contains("method override");
      }
      HttpResponse<String> plainPost =
          http.send(
              post(
                  gateway,
                  "/jobs/7",
                  "{\"name\":\"not an override\"}",
                  "Content-Type",
                  "application/json"),
              HttpResponse.BodyHandlers.ofString());
      assertThat(plainPost.statusCode()).as("a free POST still passes").isEqualTo(200);
      assertThat(jobsWritten.get()).as("the paid PUT handler never ran unpaid").isZero();
    } finally {
      upstream.stop(0);
    }
  }

  static HttpRequest post(Gateway gateway, String path, String body, String header, String value) {
    return HttpRequest.newBuilder(URI.create(gateway.url() + path))
        .header(header, value)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  /**
   * Headers that re-route an upstream or that only the gateway may set never pass, in any spelling:
   * CGI-style servers read {@code X_Payment_Payer} as {@code X-Payment-Payer}.
   */
  @Test
  void reroutingAndGatewayOwnedHeadersAreNotForwardedInAnySpelling() throws Exception {
    List<com.sun.net.httpserver.Headers> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          seen.add(exchange.getRequestHeaders());
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    upstream.start();
    PaymentGate gate = gate("GET /paid").build();
    try (Gateway gateway =
        Gateway.builder(gate, URI.create("http://127.0.0.1:" + upstream.getAddress().getPort()))
            .port(0)
            .start()) {
      HttpResponse<String> free =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(gateway.url() + "/free"))
                      .header("X-Original-URL", "/paid")
                      .header("X-Rewrite-URL", "/paid")
                      .header("Forwarded", "for=1.2.3.4;host=paid.example")
                      .header("X_Payment_Payer", "0x857b06519E91e3A54538791bDbb0E22373e36b66")
                      .header("X-Payment_Payer", "0x857b06519E91e3A54538791bDbb0E22373e36b66")
                      .header("X402j-Settlement-Id", "client-chosen-attempt-1")
                      .header("X-Custom", "kept")
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(free.statusCode()).isEqualTo(200);
      com.sun.net.httpserver.Headers forwarded = seen.get(0);
      assertThat(forwarded.keySet())
          .map(name -> name.toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
          .doesNotContain(
              "x-original-url",
              "x-rewrite-url",
              "forwarded",
              "x-payment-payer",
              "x402j-settlement-id")
          .contains("x-custom");
    } finally {
      upstream.stop(0);
    }
  }

  /**
   * A payment is sent once, in one header. Found by attack (on the servlet filter, which read the
   * first copy): a payment header sent twice lets the gate read one while the upstream reads
   * another. The gateway refused two copies of one name but let one PAYMENT-SIGNATURE with one
   * X-PAYMENT through (each name was counted alone), and the gate paid with the first. The gate now
   * refuses every form on a priced route with 400 naming the headers, before its facilitator is
   * asked and before anything is forwarded; sent once, the same payment buys the response.
   */
  @Test
  void aPaymentSentMoreThanOnceIsRefusedBeforeAnythingIsVerified() throws Exception {
    AtomicInteger forwarded = new AtomicInteger();
    HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          forwarded.incrementAndGet();
          byte[] body = "paid content".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    upstream.start();
    PaymentHeaderCopies.Counting counting =
        new PaymentHeaderCopies.Counting(HttpFacilitatorClient.builder(facilitator.url()).build());
    try (Gateway gateway =
        Gateway.builder(
                gate("GET /paid").facilitator(counting).build(),
                URI.create("http://127.0.0.1:" + upstream.getAddress().getPort()))
            .port(0)
            .start()) {
      HttpResponse<String> unpaid =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(gateway.url() + "/paid")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(unpaid.statusCode()).isEqualTo(402);
      String payment =
          TestPayments.v2(
              unpaid.headers().firstValue("PAYMENT-REQUIRED").orElseThrow(),
              PrivateKeySigner.fromHex("0x" + "11".repeat(32)));
      PaymentHeaderCopies.assertRefusedEveryWay(
          gateway.port(), "/paid", payment, "paid content", counting);
      assertThat(forwarded).hasValue(0);

      PaymentHeaderCopies.assertBoughtOnce(
          gateway.port(), "/paid", payment, "paid content", counting);
      assertThat(counting.settles()).isEqualTo(1);
    } finally {
      upstream.stop(0);
    }
  }
}
