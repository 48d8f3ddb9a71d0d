package io.x402j.spring.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.x402j.client.Payer;
import io.x402j.client.SpendControls;
import io.x402j.client.testing.TwoOrigins;
import io.x402j.client.testing.TwoOrigins.Received;
import io.x402j.evm.PrivateKeySigner;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Redirects around a payment, with two real servers and clients whose own transports follow
 * redirects: the payment header never reaches another origin.
 */
class SpringPayersRedirectIT {
  TwoOrigins servers;

  @BeforeEach
  void start() throws Exception {
    servers = TwoOrigins.start();
  }

  @AfterEach
  void stop() {
    servers.close();
  }

  static Payer payer() {
    return Payer.builder()
        .signer(PrivateKeySigner.generate(new SecureRandom()))
        .spendControls(SpendControls.unlimited())
        .build();
  }

  @Test
  void restClientNeverCarriesAPaymentToAnotherOrigin() {
    Payer payer = payer();
    RestClient http =
        RestClient.builder()
            // The application's transport follows every redirect, re-sending every header.
            .requestFactory(
                new JdkClientHttpRequestFactory(
                    HttpClient.newBuilder().followRedirects(HttpClient.Redirect.ALWAYS).build()))
            .requestInterceptor(X402ClientHttpRequestInterceptor.of(payer))
            .build();

    ResponseEntity<Void> paid =
        http.get()
            .uri(servers.shop() + "/away")
            .retrieve()
            .onStatus(s -> true, (req, res) -> {})
            .toBodilessEntity();
    ResponseEntity<Void> callers =
        http.get()
            .uri(servers.shop() + "/away")
            .header("PAYMENT-SIGNATURE", "the-callers-own")
            .retrieve()
            .onStatus(s -> true, (req, res) -> {})
            .toBodilessEntity();

    assertThat(paid.getStatusCode().value()).as("the paid answer, as it is").isEqualTo(302);
    assertThat(callers.getStatusCode().value()).isEqualTo(302);
    assertThat(servers.atElsewhere).isEmpty();
    assertThat(servers.atShop)
        .extracting(Received::path, r -> r.payment() != null)
        .containsExactly(tuple("/away", false), tuple("/away", true), tuple("/away", true));
    assertThat(payer.spendLog().spends()).hasSize(1);
  }

  @Test
  void webClientNeverCarriesAPaymentToAnotherOrigin() {
    Payer payer = payer();
    WebClient http =
        WebClient.builder()
            .clientConnector(
                new ReactorClientHttpConnector(
                    reactor.netty.http.client.HttpClient.create().followRedirect(true)))
            .filter(X402ExchangeFilterFunction.of(payer))
            .build();

    ResponseEntity<Void> paid =
        http.get()
            .uri(servers.shop() + "/away")
            .retrieve()
            .onStatus(s -> true, res -> reactor.core.publisher.Mono.empty())
            .toBodilessEntity()
            .block();
    ResponseEntity<Void> callers =
        http.get()
            .uri(servers.shop() + "/away")
            .header("X-PAYMENT", "the-callers-own")
            .retrieve()
            .onStatus(s -> true, res -> reactor.core.publisher.Mono.empty())
            .toBodilessEntity()
            .block();

    assertThat(paid.getStatusCode().value()).isEqualTo(302);
    assertThat(callers.getStatusCode().value()).isEqualTo(302);
    assertThat(servers.atElsewhere).isEmpty();
    assertThat(servers.atShop)
        .extracting(Received::path, r -> r.payment() != null)
        .containsExactly(tuple("/away", false), tuple("/away", true), tuple("/away", true));
    assertThat(payer.spendLog().spends()).hasSize(1);
  }
}
