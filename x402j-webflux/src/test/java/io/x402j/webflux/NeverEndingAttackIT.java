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
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/** A paid handler that never finishes is cut off at the hold limit, and nothing is charged. */
class NeverEndingAttackIT {
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
                    .route("GET /events", PaidRoute.of("$0.01", market.network(), market.payTo()))
                    .build())
            .build();
    server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .handle(
                new ReactorHttpHandlerAdapter(
                    WebHttpHandlerBuilder.webHandler(
                            RouterFunctions.toWebHandler(
                                RouterFunctions.route(
                                    RequestPredicates.path("/events"),
                                    r ->
                                        ServerResponse.ok()
                                            .contentType(MediaType.TEXT_EVENT_STREAM)
                                            .body(Flux.<String>never(), String.class))))
                        .filter(
                            new PaymentWebFilter(
                                gate,
                                64 * 1024,
                                Schedulers.boundedElastic(),
                                Duration.ofSeconds(1)))
                        .build()))
            .bindNow();
    base = "http://127.0.0.1:" + server.port();
  }

  @AfterAll
  static void stop() {
    server.disposeNow();
    market.close();
  }

  @Test
  void aPaidStreamThatNeverEndsGetsAClearErrorAndIsNotCharged() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> unpaid =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/events")).build(),
            HttpResponse.BodyHandlers.ofString());
    String payment = market.payV2(unpaid.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
    BigInteger before = market.sellerBalance();
    HttpResponse<String> paid =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/events"))
                .header("PAYMENT-SIGNATURE", payment)
                .timeout(Duration.ofSeconds(20))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(paid.statusCode()).isEqualTo(504);
    assertThat(paid.body()).contains("did not complete within 1 seconds").contains("not charged");
    assertThat(market.sellerBalance()).isEqualTo(before);
  }
}
