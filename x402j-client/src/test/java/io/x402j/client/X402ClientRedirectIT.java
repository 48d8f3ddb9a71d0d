package io.x402j.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.client.testing.TwoOrigins;
import io.x402j.client.testing.TwoOrigins.Received;
import io.x402j.evm.PrivateKeySigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redirects around a payment, with two real servers: the payment goes only to the URL that asked
 * for it, and that URL's host is the one whose budget is spent.
 */
class X402ClientRedirectIT {
  TwoOrigins servers;
  final HttpClient following =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

  @BeforeEach
  void start() throws Exception {
    servers = TwoOrigins.start();
  }

  @AfterEach
  void stop() {
    servers.close();
  }

  static Payer payer(SpendControls controls) {
    return Payer.builder()
        .signer(PrivateKeySigner.generate(new SecureRandom()))
        .spendControls(controls)
        .build();
  }

  static HttpRequest get(String url) {
    return HttpRequest.newBuilder(URI.create(url)).build();
  }

  @Test
  void aPaymentNeverFollowsARedirectToAnotherServer() throws Exception {
    X402Client client =
        X402Client.builder(payer(SpendControls.unlimited())).httpClient(following).build();

    PaidResponse<String> response =
        client.send(get(servers.shop() + "/away"), HttpResponse.BodyHandlers.ofString());

    assertThat(response.paid()).isPresent();
    assertThat(response.statusCode()).as("the paid answer, as it is").isEqualTo(302);
    assertThat(response.response().headers().firstValue("Location"))
        .hasValue(servers.elsewhere() + "/landing");
    assertThat(servers.atShop)
        .extracting(Received::payment)
        .as("unpaid, then paid")
        .hasSize(2)
        .containsOnlyOnce((String) null);
    assertThat(servers.atElsewhere).as("the payment went nowhere else").isEmpty();
  }

  @Test
  void aPaymentTheCallerAddedDoesNotFollowARedirectEither() throws Exception {
    X402Client client =
        X402Client.builder(payer(SpendControls.unlimited())).httpClient(following).build();

    PaidResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create(servers.shop() + "/away"))
                .header("PAYMENT-SIGNATURE", "the-callers-own")
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(servers.atShop).extracting(Received::payment).containsExactly("the-callers-own");
    assertThat(servers.atElsewhere).isEmpty();
  }

  @Test
  void theHostThatAnsweredIsPaidAndItsBudgetSpent() throws Exception {
    // elsewhere (localhost) /hop redirects to the shop (127.0.0.1), whose 402 names
    // trusted.example.
    Payer payer =
        payer(
            SpendControls.builder()
                .hostBudgetUsd("127.0.0.1", "0.01", Duration.ofHours(1))
                .hostBudgetUsd("trusted.example", "1", Duration.ofHours(1))
                .hostBudgetUsd("localhost", "1", Duration.ofHours(1))
                .build());
    X402Client client = X402Client.builder(payer).httpClient(following).build();

    PaidResponse<String> paid =
        client.send(get(servers.elsewhere() + "/hop"), HttpResponse.BodyHandlers.ofString());

    assertThat(paid.statusCode()).isEqualTo(200);
    assertThat(paid.body()).isEqualTo("paid");
    assertThat(payer.spendLog().spends()).extracting(Spend::host).containsExactly("127.0.0.1");
    assertThat(servers.atShop)
        .as("the paid request went straight to the URL that asked")
        .extracting(Received::path)
        .containsExactly("/weather", "/weather");
    assertThat(servers.atElsewhere)
        .as("the server that redirected never saw the payment")
        .extracting(Received::path, Received::payment)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("/hop", null));

    assertThatThrownBy(
            () ->
                client.send(
                    get(servers.elsewhere() + "/hop"), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(PaymentRefusedException.class)
        .hasMessageContaining("would exceed the budget of $0.01 per hour for 127.0.0.1");
  }
}
