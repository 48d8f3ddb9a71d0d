package io.x402j.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.RouteTable;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * {@link PaymentWebFilter#guard()} behind a filter that rewrites the request after the payment
 * filter: {@code /alias} (free) becomes {@code /a}, {@code /a} becomes {@code /b} (another price).
 */
class GuardIT {
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static TestMarket market;
  static DisposableServer server;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.start();
    PaymentGate gate =
        PaymentGate.builder()
            .facilitator(HttpFacilitatorClient.builder(market.facilitatorUrl()).build())
            .networks(market.networks())
            .routes(
                RouteTable.builder()
                    .route("GET /a", PaidRoute.of("$0.01", market.network(), market.payTo()))
                    .route("GET /b", PaidRoute.of("$0.02", market.network(), market.payTo()))
                    .build())
            .build();
    WebFilter rewrite =
        (exchange, chain) -> {
          String path = exchange.getRequest().getPath().value();
          String to = path.equals("/alias") ? "/a" : path.equals("/a") ? "/b" : null;
          return chain.filter(
              to == null ? exchange : exchange.mutate().request(r -> r.path(to)).build());
        };
    PaymentWebFilter payment = new PaymentWebFilter(gate);
    server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .handle(
                new ReactorHttpHandlerAdapter(
                    WebHttpHandlerBuilder.webHandler(
                            RouterFunctions.toWebHandler(
                                RouterFunctions.route(
                                        RequestPredicates.path("/a"),
                                        r -> ServerResponse.ok().bodyValue("paid a"))
                                    .andRoute(
                                        RequestPredicates.path("/b"),
                                        r -> ServerResponse.ok().bodyValue("paid b"))))
                        .filter(payment, rewrite, payment.guard())
                        .build()))
            .bindNow();
    base = "http://127.0.0.1:" + server.port();
  }

  @AfterAll
  static void stop() {
    server.disposeNow();
    market.close();
  }

  static HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aFreePathRewrittenToAPricedOneIsAnsweredThatRoutes402AndItsPaymentIsTaken()
      throws Exception {
    HttpResponse<String> unpaid = get("/alias");
    assertThat(unpaid.statusCode()).isEqualTo(402);
    assertThat(unpaid.body()).doesNotContain("paid a");
    String payment = market.payV2(unpaid.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
    BigInteger before = market.sellerBalance();
    HttpResponse<String> paid = get("/alias", "PAYMENT-SIGNATURE", payment);
    assertThat(paid.statusCode()).isEqualTo(200);
    assertThat(paid.body()).isEqualTo("paid a");
    assertThat(market.sellerBalance().subtract(before)).isEqualTo(BigInteger.valueOf(10_000));
  }

  @Test
  void aPaymentAdmittedForOneRouteIsNotSpentOnTheRouteTheRequestWasRewrittenTo() throws Exception {
    HttpResponse<String> unpaid = get("/a");
    assertThat(unpaid.statusCode()).isEqualTo(402);
    String payment = market.payV2(unpaid.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
    BigInteger before = market.sellerBalance();
    HttpResponse<String> paid = get("/a", "PAYMENT-SIGNATURE", payment);
    assertThat(paid.statusCode()).isEqualTo(500);
    assertThat(paid.body())
        .contains("the request changed after the payment check")
        .doesNotContain("paid b");
    assertThat(market.sellerBalance()).isEqualTo(before);
  }
}
