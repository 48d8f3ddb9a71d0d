package io.x402j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.client.Payer;
import io.x402j.client.SpendControls;
import io.x402j.client.testing.TestShop;
import io.x402j.core.Network;
import io.x402j.testkit.TestMarket;
import java.math.BigDecimal;
import java.math.BigInteger;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OkHttp interceptor against x402j's own gate on the devnet: the client's scenarios. */
class X402InterceptorIT {
  static TestMarket market;
  static TestShop shop;
  static TestShop v1Shop;

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.start();
    shop = TestShop.start(market);
    v1Shop = TestShop.startV1Only(market);
  }

  @AfterAll
  static void stop() {
    shop.close();
    v1Shop.close();
    market.close();
  }

  static Payer.Builder payer() {
    return Payer.builder()
        .signer(market.buyer())
        .networks(market.networks())
        .spendControls(SpendControls.unlimited());
  }

  static OkHttpClient http(Payer payer) {
    return X402Interceptor.of(payer).addTo(new OkHttpClient.Builder()).build();
  }

  static Request get(TestShop at, String path) {
    return new Request.Builder().url(at.url() + path).build();
  }

  @Test
  void v2AndV1ServersArePaid() throws Exception {
    BigInteger before = market.sellerBalance();
    OkHttpClient http = http(payer().build());

    try (Response v2 = http.newCall(get(shop, "/weather")).execute();
        Response v1 = http.newCall(get(v1Shop, "/weather")).execute()) {
      assertThat(v2.code()).isEqualTo(200);
      assertThat(X402Interceptor.payment(v2).orElseThrow().x402Version()).isEqualTo(2);
      assertThat(X402Interceptor.receipt(v2).orElseThrow().success()).isTrue();
      assertThat(v1.code()).isEqualTo(200);
      assertThat(X402Interceptor.payment(v1).orElseThrow().x402Version()).isEqualTo(1);
      assertThat(X402Interceptor.receipt(v1).orElseThrow().network()).isEqualTo("x402j-devnet");
    }
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(20_000)));
  }

  @Test
  void aPayableOptionIsChosenAndTheBodyIsSentTwice() throws Exception {
    OkHttpClient http = http(payer().build());
    try (Response choice = http.newCall(get(shop, "/choice")).execute();
        Response echo =
            http.newCall(
                    new Request.Builder()
                        .url(shop.url() + "/echo")
                        .post(RequestBody.create("{\"q\":1}", MediaType.get("application/json")))
                        .build())
                .execute()) {
      assertThat(choice.code()).isEqualTo(200);
      assertThat(X402Interceptor.payment(choice).orElseThrow().requirements().network())
          .isEqualTo(market.network());
      assertThat(echo.code()).isEqualTo(200);
      assertThat(echo.body().string()).isEqualTo("{\"q\":1}");
    }
  }

  @Test
  void noSecondPaymentForA402OrAnErrorAfterPayment() throws Exception {
    Payer payer = payer().build();
    OkHttpClient http = http(payer);
    int requests = shop.requests.get();
    BigInteger before = market.sellerBalance();

    try (Response forever = http.newCall(get(shop, "/forever")).execute();
        Response broken = http.newCall(get(shop, "/broken")).execute()) {
      assertThat(forever.code()).isEqualTo(402);
      assertThat(broken.code()).isEqualTo(500);
    }
    assertThat(shop.requests.get() - requests).isEqualTo(4);
    assertThat(payer.spendLog().spends()).hasSize(2);
    assertThat(market.sellerBalance()).isEqualTo(before);
  }

  @Test
  void aRefusalFailsTheCallAndADryRunOnlyReports() throws Exception {
    Payer strict =
        payer()
            .spendControls(SpendControls.builder().denyNetworks(Network.evm(31337)).build())
            .build();
    assertThatThrownBy(() -> http(strict).newCall(get(shop, "/weather")).execute())
        .isInstanceOf(PaymentRefusedIOException.class)
        .hasMessageContaining("network eip155:31337 is denied");

    Payer payer = payer().build();
    OkHttpClient dry =
        new OkHttpClient.Builder().addInterceptor(X402Interceptor.dryRun(payer)).build();
    try (Response response = dry.newCall(get(shop, "/weather")).execute()) {
      assertThat(response.code()).isEqualTo(402);
      assertThat(X402Interceptor.payment(response).orElseThrow().usd())
          .hasValue(new BigDecimal("0.01"));
    }
    assertThat(payer.spendLog().spends()).isEmpty();
  }
}
