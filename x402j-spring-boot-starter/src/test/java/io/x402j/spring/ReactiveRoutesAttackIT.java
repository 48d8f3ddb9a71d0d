package io.x402j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.TokenAmount;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.spring.reactiveattack.RouteAttackApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Attacks on how the reactive starter finds the price of what WebFlux dispatches: the price must
 * follow the handler that actually runs, whatever wraps it or shadows it. Only unpaid requests are
 * sent, so no chain is needed: a priced handler must answer 402 and never run.
 */
@SpringBootTest(
    classes = RouteAttackApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.main.web-application-type=reactive",
      "x402j.facilitator-url=http://127.0.0.1:9",
      "x402j.pay-to=0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
      "x402j.network=eip155:84532"
    })
class ReactiveRoutesAttackIT {
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final HeaderCodec HEADERS = HeaderCodec.standard();

  @LocalServerPort int port;

  HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  PaymentRequired required(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(402);
    return HEADERS.decodePaymentRequired(
        response.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
  }

  @Test
  void aPricedFunctionalRouteBehindABuilderFilterIsStillPriced() throws Exception {
    int runs = RouteAttackApplication.filteredRuns.get();

    HttpResponse<String> unpaid = get("/fn/filtered");

    assertThat(unpaid.body()).doesNotContain("paid filtered content");
    assertThat(required(unpaid).accepts().get(0).amount()).isEqualTo(TokenAmount.of(20_000));
    assertThat(RouteAttackApplication.filteredRuns.get()).isEqualTo(runs);
    assertThat(get("/fn/open").body()).isEqualTo("free fn");
  }

  @Test
  void aPricedFunctionalRouteIsPricedWhenAnUnpricedControllerMapsTheSamePath() throws Exception {
    int runs = RouteAttackApplication.shadowingRuns.get();

    HttpResponse<String> unpaid = get("/report");

    assertThat(unpaid.body()).doesNotContain("paid functional report");
    assertThat(required(unpaid).accepts().get(0).amount()).isEqualTo(TokenAmount.of(30_000));
    assertThat(RouteAttackApplication.shadowingRuns.get()).isEqualTo(runs);
    assertThat(required(get("/paid")).accepts().get(0).amount()).isEqualTo(TokenAmount.of(10_000));
  }

  @Test
  void aPriceOnANestOfRoutesStopsTheStartInsteadOfLeavingThemFree() {
    assertThatThrownBy(
            () ->
                new SpringApplicationBuilder(PricedNest.class)
                    .web(WebApplicationType.REACTIVE)
                    .properties(
                        "server.port=0",
                        "x402j.facilitator-url=http://127.0.0.1:9",
                        "x402j.pay-to=0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
                        "x402j.network=eip155:84532")
                    .run()
                    .close())
        .hasStackTraceContaining(X402RoutePrice.ATTRIBUTE)
        .hasStackTraceContaining("/api");
  }

  /** Routes nested under {@code /api}, the price put on the nest. */
  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class PricedNest {
    @Bean
    RouterFunction<ServerResponse> api() {
      return RouterFunctions.route()
          .path(
              "/api",
              b -> b.GET("/report", r -> ServerResponse.ok().bodyValue("paid nested report")))
          .withAttribute(X402RoutePrice.ATTRIBUTE, "$0.05")
          .build();
    }
  }
}
