package io.x402j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.NetworkRegistry;
import io.x402j.spring.servletslash.ServletSlashApplication;
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
 * On the servlet side, a filter that rewrites the request after the payment filter (Spring's {@code
 * UrlHandlerFilter} stripping a trailing slash) cannot carry it to a priced handler unpaid: the
 * starter's handler interceptor resolves the rewritten request again.
 */
@SpringBootTest(
    classes = {ServletSlashApplication.class, ServletTrailingSlashAttackIT.Beans.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.main.web-application-type=servlet"})
class ServletTrailingSlashAttackIT {
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
  void aPaymentSentToTheSlashedPathIsRefusedAndNotCharged() throws Exception {
    String payment =
        market.payV2(get("/paid/").headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
    BigInteger before = market.sellerBalance();
    HttpResponse<String> paid = get("/paid/", "PAYMENT-SIGNATURE", payment);
    assertThat(paid.body())
        .doesNotContain("paid annotated content")
        .contains("the request changed after the payment check");
    assertThat(paid.statusCode()).isEqualTo(500);
    assertThat(market.sellerBalance()).isEqualTo(before);
    // The payment was left unused: the same one buys the route at its own path.
    HttpResponse<String> direct = get("/paid", "PAYMENT-SIGNATURE", payment);
    assertThat(direct.statusCode()).isEqualTo(200);
    assertThat(direct.body()).isEqualTo("paid annotated content");
  }

  @Test
  void aPaymentSentToTheSlashedPathOfARouteSettledFirstIsRefusedBeforeItIsSettled()
      throws Exception {
    String payment =
        market.payV2(get("/paid-first/").headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
    BigInteger before = market.sellerBalance();
    HttpResponse<String> paid = get("/paid-first/", "PAYMENT-SIGNATURE", payment);
    // Settling it here and then refusing would keep the buyer's money and give nothing back.
    assertThat(paid.body())
        .doesNotContain("content paid before it ran")
        .contains("the request changed after the payment check");
    assertThat(paid.statusCode()).isEqualTo(500);
    assertThat(market.sellerBalance()).isEqualTo(before);
    HttpResponse<String> direct = get("/paid-first", "PAYMENT-SIGNATURE", payment);
    assertThat(direct.statusCode()).isEqualTo(200);
    assertThat(direct.body()).isEqualTo("content paid before it ran");
  }

  @Test
  void aPaymentAdmittedForOneRouteIsNotSpentOnTheRouteTheRequestWasRewrittenTo() throws Exception {
    String payment =
        market.payV2(get("/old").headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
    BigInteger before = market.sellerBalance();
    HttpResponse<String> paid = get("/old", "PAYMENT-SIGNATURE", payment);
    assertThat(paid.body())
        .doesNotContain("paid new content")
        .contains("the request changed after the payment check");
    assertThat(paid.statusCode()).isEqualTo(500);
    assertThat(market.sellerBalance()).isEqualTo(before);
  }
}
