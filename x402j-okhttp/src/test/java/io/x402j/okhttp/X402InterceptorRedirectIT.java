package io.x402j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.x402j.client.Payer;
import io.x402j.client.Spend;
import io.x402j.client.SpendControls;
import io.x402j.client.testing.TwoOrigins;
import io.x402j.client.testing.TwoOrigins.Received;
import io.x402j.evm.PrivateKeySigner;
import java.security.SecureRandom;
import java.time.Duration;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redirects around a payment in OkHttp, with two real servers: the payment header never reaches
 * another origin, and the host that answered the 402 is the one whose budget is spent.
 */
class X402InterceptorRedirectIT {
  TwoOrigins servers;

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

  static Request get(String url) {
    return new Request.Builder().url(url).build();
  }

  @Test
  void aRedirectToAnotherOriginLosesThePaymentHeader() throws Exception {
    Payer payer = payer(SpendControls.unlimited());
    OkHttpClient http = X402Interceptor.of(payer).addTo(new OkHttpClient.Builder()).build();

    try (Response response = http.newCall(get(servers.shop() + "/away")).execute()) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.body().string()).isEqualTo("elsewhere");
      assertThat(X402Interceptor.payment(response)).isPresent();
    }
    assertThat(servers.atShop)
        .extracting(Received::payment)
        .hasSize(2)
        .containsOnlyOnce((String) null);
    assertThat(servers.atElsewhere)
        .extracting(Received::path, Received::payment)
        .containsExactly(tuple("/landing", null));

    // A payment the caller added is kept to its origin too.
    try (Response response =
        http.newCall(
                new Request.Builder()
                    .url(servers.shop() + "/away")
                    .header("PAYMENT-SIGNATURE", "the-callers-own")
                    .build())
            .execute()) {
      assertThat(response.code()).isEqualTo(200);
    }
    assertThat(servers.atElsewhere)
        .extracting(Received::path, Received::payment)
        .containsExactly(tuple("/landing", null), tuple("/landing", null));
  }

  @Test
  void aSignInTheCallerAddedIsKeptToItsOriginToo() throws Exception {
    Payer payer = payer(SpendControls.unlimited());
    OkHttpClient http = X402Interceptor.of(payer).addTo(new OkHttpClient.Builder()).build();

    // A proof for 'elsewhere' (the caller signed it itself); elsewhere's /hop redirects to the
    // shop, which must not receive it: it could replay it at elsewhere as this wallet.
    try (Response response =
        http.newCall(
                new Request.Builder()
                    .url(servers.elsewhere() + "/hop")
                    .header("SIGN-IN-WITH-X", "the-callers-proof-for-elsewhere")
                    .build())
            .execute()) {
      assertThat(response.code()).isEqualTo(200);
    }
    assertThat(servers.atShop).isNotEmpty();
    assertThat(servers.signInsAtShop).isEmpty();
  }

  @Test
  void withoutItsNetworkHalfItRefusesToPayOnAClientThatFollowsRedirects() throws Exception {
    Payer payer = payer(SpendControls.unlimited());
    OkHttpClient halfInstalled =
        new OkHttpClient.Builder().addInterceptor(X402Interceptor.of(payer)).build();

    assertThatThrownBy(() -> halfInstalled.newCall(get(servers.shop() + "/away")).execute())
        .isInstanceOf(PaymentRefusedIOException.class)
        .hasMessageContaining("X402Interceptor.addTo(builder)");
    assertThat(payer.spendLog().spends()).as("nothing signed").isEmpty();

    OkHttpClient notFollowing =
        new OkHttpClient.Builder()
            .followRedirects(false)
            .addInterceptor(X402Interceptor.of(payer))
            .build();
    try (Response response = notFollowing.newCall(get(servers.shop() + "/away")).execute()) {
      assertThat(response.code()).as("the paid answer, as it is").isEqualTo(302);
    }
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
    OkHttpClient http = X402Interceptor.of(payer).addTo(new OkHttpClient.Builder()).build();

    try (Response response = http.newCall(get(servers.elsewhere() + "/hop")).execute()) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.body().string()).isEqualTo("paid");
    }
    assertThat(payer.spendLog().spends()).extracting(Spend::host).containsExactly("127.0.0.1");
    assertThat(servers.atShop).extracting(Received::path).containsExactly("/weather", "/weather");
    assertThat(servers.atElsewhere)
        .extracting(Received::path, Received::payment)
        .containsExactly(tuple("/hop", null));

    assertThatThrownBy(() -> http.newCall(get(servers.elsewhere() + "/hop")).execute())
        .isInstanceOf(PaymentRefusedIOException.class)
        .hasMessageContaining("would exceed the budget of $0.01 per hour for 127.0.0.1");
  }
}
