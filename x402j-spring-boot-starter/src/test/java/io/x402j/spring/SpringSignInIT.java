package io.x402j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.NetworkRegistry;
import io.x402j.core.extensions.siwx.SignInWithX;
import io.x402j.core.extensions.siwx.SiwxDeclaration;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.evm.SiweSigner;
import io.x402j.server.GateExtension;
import io.x402j.server.PaymentWaiver;
import io.x402j.server.siwx.SignInWithXExtension;
import io.x402j.servlet.PaymentFilter;
import io.x402j.spring.shop.ShopApplication;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring handler learns who signed in: a {@link SignInWithXExtension} bean on the starter's gate;
 * the buyer pays on the devnet, then signs in, and the handler's {@code @RequestAttribute(name =
 * PaymentFilter.SIGNED_IN_ATTRIBUTE, required = false) PaymentWaiver.Granted} names the wallet.
 */
@SpringBootTest(
    classes = {ShopApplication.class, SpringSignInIT.SignIn.class},
    webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
class SpringSignInIT {
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static TestMarket market;
  static int port;

  @DynamicPropertySource
  static void market(DynamicPropertyRegistry registry) throws Exception {
    if (market == null) {
      market = TestMarket.start();
      try (ServerSocket probe = new ServerSocket(0)) {
        port = probe.getLocalPort(); // the sign-in origin names the port, so it is fixed
      }
    }
    registry.add("server.port", () -> port);
    registry.add("server.address", () -> "127.0.0.1");
    registry.add("x402j.facilitator-url", market::facilitatorUrl);
    registry.add("x402j.pay-to", () -> market.seller().toString());
    registry.add("x402j.network", () -> market.network().toString());
    registry.add("x402j.routes[0].pattern", () -> "GET /me");
    registry.add("x402j.routes[0].price", () -> "$0.01");
  }

  @AfterAll
  static void stop() {
    market.close();
  }

  /** The devnet, the sign-in extension, and a handler that says who it serves. */
  @TestConfiguration
  static class SignIn {
    @Bean
    NetworkRegistry devnetNetworks() {
      return market.networks();
    }

    @Bean
    GateExtension signInWithX() {
      return SignInWithXExtension.builder().origin("http://127.0.0.1:" + port).build();
    }

    @Bean
    Me me() {
      return new Me();
    }
  }

  /** Answers with the signed-in wallet, or "paid". */
  @RestController
  static class Me {
    @GetMapping("/me")
    String me(
        @RequestAttribute(name = PaymentFilter.SIGNED_IN_ATTRIBUTE, required = false)
            PaymentWaiver.Granted signedIn) {
      return signedIn == null ? "paid" : "signed in as " + signedIn.account();
    }
  }

  HttpResponse<String> get(String header, String value) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/me"));
    if (header != null) {
      b.header(header, value);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theHandlerIsToldWhichWalletSignedIn() throws Exception {
    HttpResponse<String> unpaid = get(null, null);
    assertThat(unpaid.statusCode()).isEqualTo(402);
    BigInteger before = market.sellerBalance();
    String payment = market.payV2(unpaid.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
    HttpResponse<String> paid = get("PAYMENT-SIGNATURE", payment);
    assertThat(paid.statusCode()).isEqualTo(200);
    assertThat(paid.body()).isEqualTo("paid");
    BigInteger afterPayment = market.sellerBalance();
    assertThat(afterPayment).isGreaterThan(before);

    PaymentRequired again =
        HEADERS.decodePaymentRequired(
            get(null, null).headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
    SiwxDeclaration d = SiwxDeclaration.fromJson(again.extensions().get(SignInWithX.KEY));
    String signIn =
        new SiweSigner(market.buyer()).sign(d.info(), d.supportedChains().get(0)).toHeader();
    HttpResponse<String> signedIn = get(SignInWithX.HEADER, signIn);

    assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(200);
    assertThat(signedIn.body())
        .isEqualTo("signed in as " + market.network() + ":" + market.buyer().address());
    assertThat(market.sellerBalance()).isEqualTo(afterPayment);
  }
}
