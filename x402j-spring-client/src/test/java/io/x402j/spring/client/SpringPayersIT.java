package io.x402j.spring.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.client.Payer;
import io.x402j.client.PaymentRefusedException;
import io.x402j.client.SpendControls;
import io.x402j.client.SpendLog;
import io.x402j.core.TokenAmount;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.blockhound.BlockHound;

/**
 * RestClient, RestTemplate and WebClient pay x402j's servlet filter in Jetty, settled by the x402j
 * facilitator on the devnet. WebClient runs on Reactor Netty's event loop with BlockHound
 * installed: a blocking call there (signing, the spend log's file) fails the test.
 */
class SpringPayersIT {
  static TestMarket market;
  static JettyShop shop;
  static JettyShop v1Shop;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    BlockHound.install();
    market = TestMarket.start();
    shop = JettyShop.start(market);
    v1Shop = JettyShop.startV1Only(market);
  }

  @AfterAll
  static void stop() throws Exception {
    shop.close();
    v1Shop.close();
    market.close();
  }

  static Payer payer(SpendControls controls, SpendLog log) {
    return Payer.builder()
        .signer(market.buyer())
        .networks(market.networks())
        .spendControls(controls)
        .spendLog(log)
        .build();
  }

  static RestClient restClient(Payer payer) {
    return RestClient.builder()
        .requestFactory(new JdkClientHttpRequestFactory())
        .requestInterceptor(X402ClientHttpRequestInterceptor.of(payer))
        .build();
  }

  static WebClient webClient(Payer payer) {
    return WebClient.builder()
        .clientConnector(new ReactorClientHttpConnector())
        .filter(
            X402ExchangeFilterFunction.builder(payer)
                .paidConnector(new ReactorClientHttpConnector())
                .build())
        .build();
  }

  @Test
  void restClientPaysV2AndV1SellersAndWritesTheSpendLog() throws Exception {
    Path logFile = dir.resolve("spend.log");
    BigInteger before = market.sellerBalance();
    try (SpendLog log = SpendLog.open(logFile)) {
      RestClient http = restClient(payer(SpendControls.unlimited(), log));

      ResponseEntity<String> v2 =
          http.get().uri(shop.url() + "/weather").retrieve().toEntity(String.class);
      ResponseEntity<String> v1 =
          http.get().uri(v1Shop.url() + "/weather").retrieve().toEntity(String.class);

      assertThat(v2.getStatusCode().value()).isEqualTo(200);
      assertThat(v2.getBody()).isEqualTo("{\"weather\":\"sunny\"}");
      assertThat(v2.getHeaders().getFirst("PAYMENT-RESPONSE")).isNotNull();
      assertThat(v1.getStatusCode().value()).isEqualTo(200);
      assertThat(v1.getHeaders().getFirst("X-PAYMENT-RESPONSE")).isNotNull();
      assertThat(log.spends()).hasSize(2);
    }
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(20_000)));
    assertThat(Files.readAllLines(logFile)).hasSize(2);
  }

  @Test
  void restTemplateResendsAPostBodyIntactOnce() throws Exception {
    Payer payer = payer(SpendControls.unlimited(), SpendLog.inMemory());
    RestTemplate http = new RestTemplate(new JdkClientHttpRequestFactory());
    http.getInterceptors().add(X402ClientHttpRequestInterceptor.of(payer));
    int received = shop.received.get();
    String body = "{\"q\":\"caf\u00e9\",\"n\":[1,2,3]}";

    ResponseEntity<String> echo =
        http.postForEntity(
            shop.url() + "/echo",
            new org.springframework.http.HttpEntity<>(body, jsonHeaders()),
            String.class);

    assertThat(echo.getStatusCode().value()).isEqualTo(200);
    assertThat(echo.getBody()).isEqualTo(body);
    assertThat(echo.getHeaders().getContentType().isCompatibleWith(MediaType.APPLICATION_JSON))
        .isTrue();
    assertThat(shop.received.get() - received).as("the 402, then the paid request").isEqualTo(2);
    assertThat(payer.spendLog().spends()).hasSize(1);
  }

  static org.springframework.http.HttpHeaders jsonHeaders() {
    org.springframework.http.HttpHeaders h = new org.springframework.http.HttpHeaders();
    h.setContentType(MediaType.APPLICATION_JSON);
    return h;
  }

  @Test
  void webClientPaysV2AndV1AndAPostWithoutBlockingTheEventLoop() throws Exception {
    Path logFile = dir.resolve("web.log");
    BigInteger before = market.sellerBalance();
    try (SpendLog log = SpendLog.open(logFile)) {
      WebClient http = webClient(payer(SpendControls.unlimited(), log));

      // Subscribed from an event-loop thread's point of view: the whole exchange, payment
      // included, runs on Reactor Netty's threads and the payer's scheduler.
      String v2 =
          http.get().uri(shop.url() + "/weather").retrieve().bodyToMono(String.class).block();
      ResponseEntity<String> v1 =
          http.get().uri(v1Shop.url() + "/weather").retrieve().toEntity(String.class).block();
      String echo =
          http.post()
              .uri(shop.url() + "/echo")
              .contentType(MediaType.APPLICATION_JSON)
              .bodyValue(java.util.Map.of("q", "sunny"))
              .retrieve()
              .bodyToMono(String.class)
              .block();

      assertThat(v2).isEqualTo("{\"weather\":\"sunny\"}");
      assertThat(v1.getHeaders().getFirst("X-PAYMENT-RESPONSE")).isNotNull();
      assertThat(echo).isEqualTo("{\"q\":\"sunny\"}");
      assertThat(log.spends()).hasSize(3);
    }
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(30_000)));
    assertThat(Files.readAllLines(logFile)).hasSize(3);
  }

  @Test
  void blockHoundCatchesABlockingPayerOnTheEventLoop() {
    // The guard itself: the same filter, told to run the payer on the calling thread (the event
    // loop) instead of its scheduler, is caught blocking (the spend log's file, the key's
    // randomness).
    Path logFile = dir.resolve("blocked.log");
    try (SpendLog log = SpendLog.open(logFile)) {
      WebClient blocking =
          WebClient.builder()
              .clientConnector(new ReactorClientHttpConnector())
              .filter(
                  X402ExchangeFilterFunction.builder(payer(SpendControls.unlimited(), log))
                      .paidConnector(new ReactorClientHttpConnector())
                      .scheduler(reactor.core.scheduler.Schedulers.immediate())
                      .build())
              .build();
      assertThatThrownBy(
              () ->
                  blocking
                      .get()
                      .uri(shop.url() + "/weather")
                      .retrieve()
                      .bodyToMono(String.class)
                      .block())
          .hasMessageContaining("Blocking call");
    }
  }

  @Test
  void aWalletThatPaidSignsInTheNextTimeAndSpendsNothing() throws Exception {
    try (JettyShop siwx = JettyShop.startWithSignIn(market)) {
      BigInteger before = market.sellerBalance();
      Payer restPayer =
          Payer.builder()
              .signer(market.buyer())
              .networks(market.networks())
              .spendControls(SpendControls.unlimited())
              .signIn(io.x402j.client.SignInChoice.whenPaidWithin(Duration.ofDays(1)))
              .build();
      RestClient rest = restClient(restPayer);
      WebClient web = webClient(restPayer);

      assertThat(rest.get().uri(siwx.url() + "/weather").retrieve().body(String.class))
          .contains("sunny");
      assertThat(siwx.signIns).as("nothing paid before: no sign-in").hasValue(0);
      assertThat(rest.get().uri(siwx.url() + "/weather").retrieve().body(String.class))
          .contains("sunny");
      assertThat(web.get().uri(siwx.url() + "/weather").retrieve().bodyToMono(String.class).block())
          .contains("sunny");

      assertThat(siwx.signIns).hasValue(2);
      assertThat(restPayer.spendLog().spends()).hasSize(1);
      assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
    }
  }

  @Test
  void theReadmeSnippetsPay() {
    BigInteger before = market.sellerBalance();
    Payer payer = payer(SpendControls.unlimited(), SpendLog.inMemory());

    assertThat(ReadmeSnippets.buy(payer, shop.url() + "/weather"))
        .containsOnly("{\"weather\":\"sunny\"}")
        .hasSize(3);
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(30_000)));
  }

  @Test
  void limitsAndBudgetsRefuseWithNothingSignedOrPaid() {
    BigInteger before = market.sellerBalance();
    SpendControls tooLow = SpendControls.builder().maxPerPayment(TokenAmount.of(5_000)).build();

    Payer restPayer = payer(tooLow, SpendLog.inMemory());
    assertThatThrownBy(
            () ->
                restClient(restPayer)
                    .get()
                    .uri(shop.url() + "/weather")
                    .retrieve()
                    .body(String.class))
        .isInstanceOf(PaymentRefusedException.class)
        .hasMessageContaining("no payment was made for " + shop.url() + "/weather")
        .hasMessageContaining("5000");
    Payer webPayer = payer(tooLow, SpendLog.inMemory());
    assertThatThrownBy(
            () ->
                webClient(webPayer)
                    .get()
                    .uri(shop.url() + "/weather")
                    .retrieve()
                    .bodyToMono(String.class)
                    .block())
        .isInstanceOf(PaymentRefusedException.class)
        .hasMessageContaining("5000");
    assertThat(restPayer.spendLog().spends()).isEmpty();
    assertThat(webPayer.spendLog().spends()).isEmpty();

    // A budget of 1.5 cents an hour: one payment of a cent, then a refusal.
    SpendControls budget = SpendControls.builder().budgetUsd("0.015", Duration.ofHours(1)).build();
    Payer budgeted = payer(budget, SpendLog.inMemory());
    RestTemplate template = new RestTemplate(new JdkClientHttpRequestFactory());
    template.getInterceptors().add(X402ClientHttpRequestInterceptor.of(budgeted));
    assertThat(template.getForObject(shop.url() + "/weather", String.class)).contains("sunny");
    assertThatThrownBy(() -> template.getForObject(shop.url() + "/weather", String.class))
        .isInstanceOf(PaymentRefusedException.class)
        .hasMessageContaining("budget");
    WebClient web = webClient(budgeted);
    assertThatThrownBy(
            () -> web.get().uri(shop.url() + "/weather").retrieve().toBodilessEntity().block())
        .isInstanceOf(PaymentRefusedException.class)
        .hasMessageContaining("budget");
    assertThat(budgeted.spendLog().spends()).hasSize(1);
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }

  @Test
  void aPaidRequestAnswered402IsNotPaidAgain() {
    // The v1-only shop refuses a v2 payment header: the caller's own payment is sent as it is,
    // once, and its 402 comes back without a second payment.
    Payer payer = payer(SpendControls.unlimited(), SpendLog.inMemory());
    int received = shop.received.get();
    ResponseEntity<String> answer =
        restClient(payer)
            .get()
            .uri(shop.url() + "/weather")
            .header("PAYMENT-SIGNATURE", "not-a-payment")
            .retrieve()
            .onStatus(s -> true, (req, res) -> {})
            .toEntity(String.class);
    assertThat(answer.getStatusCode().value()).isIn(400, 402);
    assertThat(shop.received.get() - received).isEqualTo(1);
    assertThat(payer.spendLog().spends()).isEmpty();
  }
}
