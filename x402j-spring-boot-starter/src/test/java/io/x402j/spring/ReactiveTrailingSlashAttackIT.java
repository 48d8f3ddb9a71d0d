package io.x402j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.NetworkRegistry;
import io.x402j.spring.reactiveslash.SlashApplication;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A filter that rewrites the request after the payment filter (Spring's {@code UrlHandlerFilter}
 * stripping a trailing slash) cannot carry it to a priced handler unpaid: the starter's guard
 * resolves the rewritten request again.
 */
@SpringBootTest(
    classes = {SlashApplication.class, ReactiveTrailingSlashAttackIT.Beans.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.main.web-application-type=reactive"})
class ReactiveTrailingSlashAttackIT {
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static TestMarket market;

  @LocalServerPort int port;

  @DynamicPropertySource
  static void market(DynamicPropertyRegistry registry) throws Exception {
    if (market == null) {
      market = TestMarket.start();
    }
    registry.add("x402j.facilitator-url", market::facilitatorUrl);
    registry.add("x402j.pay-to", () -> market.seller().toString());
    registry.add("x402j.network", () -> market.network().toString());
  }

  @AfterAll
  static void stop() {
    market.close();
  }

  @TestConfiguration
  static class Beans {
    @Bean
    NetworkRegistry devnetNetworks() {
      return market.networks();
    }
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aTrailingSlashStrippedAfterThePaymentFilterDoesNotReachThePaidHandlerUnpaid()
      throws Exception {
    HttpResponse<String> unpaid = get("/paid/");
    assertThat(unpaid.body()).doesNotContain("paid annotated content");
    assertThat(unpaid.statusCode()).isEqualTo(402);
    assertThat(unpaid.headers().firstValue("PAYMENT-REQUIRED")).isPresent();
  }

  @Test
  void aPaymentSentToTheSlashedPathIsTakenForTheRouteItReachesAndChargedOnce() throws Exception {
    String payment =
        market.payV2(get("/paid/").headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
    BigInteger before = market.sellerBalance();
    HttpResponse<String> paid = get("/paid/", "PAYMENT-SIGNATURE", payment);
    assertThat(paid.statusCode()).isEqualTo(200);
    assertThat(paid.body()).isEqualTo("paid annotated content");
    assertThat(paid.headers().firstValue("PAYMENT-RESPONSE")).isPresent();
    assertThat(market.sellerBalance().subtract(before)).isEqualTo(BigInteger.valueOf(10_000));
    HttpResponse<String> replay = get("/paid/", "PAYMENT-SIGNATURE", payment);
    assertThat(replay.body()).doesNotContain("paid annotated content");
    assertThat(replay.statusCode()).isEqualTo(402);
  }
}
