package io.x402j.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.client.testing.TestShop;
import io.x402j.core.Network;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The paying client against x402j's own gate on the devnet. */
class X402ClientIT {
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

  static X402Client client(Payer payer) {
    return X402Client.builder(payer).build();
  }

  static HttpRequest get(TestShop at, String path) {
    return HttpRequest.newBuilder(URI.create(at.url() + path)).build();
  }

  @Test
  void aV2ServerIsPaidOnceAndTheReceiptComesBack() throws Exception {
    BigInteger before = market.sellerBalance();
    List<String> hooks = new ArrayList<>();
    Payer payer =
        payer()
            .listener(
                new PayerListener() {
                  @Override
                  public void beforePayment(PlannedPayment payment) {
                    hooks.add("before " + payment.describe());
                  }

                  @Override
                  public void afterPayment(
                      PlannedPayment payment,
                      int status,
                      io.x402j.core.wire.SettleResponse receipt) {
                    hooks.add("after " + status + " " + receipt.success());
                  }
                })
            .build();
    int requests = shop.requests.get();

    PaidResponse<String> response =
        client(payer).send(get(shop, "/weather"), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("/weather");
    assertThat(response.settled()).isTrue();
    assertThat(response.paid().orElseThrow().x402Version()).isEqualTo(2);
    assertThat(response.receipt().transaction()).matches("0x[0-9a-f]{64}");
    assertThat(shop.requests.get() - requests).as("the request, then the paid retry").isEqualTo(2);
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
    assertThat(hooks)
        .containsExactly(
            "before 0.01 TUSD on eip155:31337 to " + market.seller(), "after 200 true");
    assertThat(payer.spendLog().spends()).hasSize(1);
  }

  @Test
  void aV1ServerIsPaidInV1() throws Exception {
    BigInteger before = market.sellerBalance();

    PaidResponse<String> response =
        client(payer().build()).send(get(v1Shop, "/weather"), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.paid().orElseThrow().x402Version()).isEqualTo(1);
    assertThat(response.receipt().success()).isTrue();
    assertThat(response.receipt().network()).isEqualTo("x402j-devnet");
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }

  @Test
  void fromSeveralOptionsOnlyAPayableOneIsChosen() throws Exception {
    BigInteger before = market.sellerBalance();

    PaidResponse<String> response =
        client(
                payer()
                    .selector(
                        RequirementSelector.preferNetworks(
                            Network.parse("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1")))
                    .build())
            .send(get(shop, "/choice"), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.paid().orElseThrow().requirements().network()).isEqualTo(market.network());
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(20_000)));
  }

  @Test
  void aServerThatKeepsAsking402IsPaidOnceAndNotAgain() throws Exception {
    int requests = shop.requests.get();
    Payer payer = payer().build();

    PaidResponse<String> response =
        client(payer).send(get(shop, "/forever"), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(402);
    assertThat(response.paid()).isPresent();
    assertThat(response.settled()).isFalse();
    assertThat(shop.requests.get() - requests).isEqualTo(2);
    assertThat(payer.spendLog().spends()).as("a signed payment counts as spent").hasSize(1);
  }

  @Test
  void anErrorAfterPaymentIsReportedNotRetried() throws Exception {
    BigInteger before = market.sellerBalance();
    int requests = shop.requests.get();
    List<String> failures = new ArrayList<>();
    Payer payer =
        payer()
            .listener(
                new PayerListener() {
                  @Override
                  public void onFailure(PlannedPayment payment, String reason) {
                    failures.add(reason);
                  }
                })
            .build();

    PaidResponse<String> response =
        client(payer).send(get(shop, "/broken"), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.settled()).isFalse();
    assertThat(shop.requests.get() - requests).isEqualTo(2);
    assertThat(failures).containsExactly("the paid request was answered with HTTP 500");
    assertThat(market.sellerBalance())
        .as("the gate does not charge a failed handler")
        .isEqualTo(before);
  }

  @Test
  void theRequestBodyIsSentAgainWithThePayment() throws Exception {
    PaidResponse<String> response =
        client(payer().build())
            .send(
                HttpRequest.newBuilder(URI.create(shop.url() + "/echo"))
                    .POST(
                        HttpRequest.BodyPublishers.ofInputStream(
                            () -> new java.io.ByteArrayInputStream("{\"q\":\"once\"}".getBytes())))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"q\":\"once\"}");
    assertThat(response.settled()).isTrue();
  }

  @Test
  void aRequestThatAlreadyCarriesAPaymentIsNotPaidAgain() throws Exception {
    Payer payer = payer().build();
    HttpResponse<String> unpaid =
        java.net.http.HttpClient.newHttpClient()
            .send(get(shop, "/weather"), HttpResponse.BodyHandlers.ofString());
    String payment = market.payV2(unpaid.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());

    PaidResponse<String> response =
        client(payer)
            .send(
                HttpRequest.newBuilder(URI.create(shop.url() + "/weather"))
                    .header("PAYMENT-SIGNATURE", payment)
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.paid()).isEmpty();
    assertThat(response.receipt().success()).isTrue();
    assertThat(payer.spendLog().spends()).isEmpty();
  }

  @Test
  void spendControlsRefuseBeforeAnythingIsSigned() throws Exception {
    BigInteger before = market.sellerBalance();
    Payer payer =
        payer().spendControls(SpendControls.builder().maxPerPaymentUsd("1.00").build()).build();

    assertThatThrownBy(
            () -> client(payer).send(get(shop, "/pricey"), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(PaymentRefusedException.class)
        .hasMessageContaining("$5 exceeds the maximum of $1.00 per payment");
    assertThat(payer.spendLog().spends()).isEmpty();
    assertThat(market.sellerBalance()).isEqualTo(before);
  }

  @Test
  void aDryRunSaysWhatWouldBePaid() throws Exception {
    BigInteger before = market.sellerBalance();
    Payer payer = payer().build();

    PaidResponse<String> response =
        X402Client.builder(payer)
            .dryRun(true)
            .build()
            .send(get(shop, "/weather"), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(402);
    assertThat(response.wouldPay().orElseThrow().usd()).hasValue(new java.math.BigDecimal("0.01"));
    assertThat(response.paid()).isEmpty();
    assertThat(payer.spendLog().spends()).isEmpty();
    assertThat(market.sellerBalance()).isEqualTo(before);
  }

  @Test
  void freeResourcesAndPlain402sPassThrough() throws Exception {
    PaidResponse<String> free =
        client(payer().build()).send(get(shop, "/free"), HttpResponse.BodyHandlers.ofString());
    assertThat(free.statusCode()).isEqualTo(200);
    assertThat(free.body()).isEqualTo("free");
    assertThat(free.paid()).isEmpty();
    assertThat(HeaderCodec.standard()).isNotNull();
  }
}
