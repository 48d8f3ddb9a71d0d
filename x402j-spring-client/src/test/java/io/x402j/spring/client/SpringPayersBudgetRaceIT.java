package io.x402j.spring.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.client.Payer;
import io.x402j.client.PaymentRefusedException;
import io.x402j.client.SpendControls;
import io.x402j.client.testing.TwoOrigins;
import io.x402j.evm.PrivateKeySigner;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Many calls at once against a budget for one payment: exactly one is paid, on every client. */
class SpringPayersBudgetRaceIT {
  static final int CALLS = 8;

  TwoOrigins servers;

  @BeforeEach
  void start() throws Exception {
    servers = TwoOrigins.start();
  }

  @AfterEach
  void stop() {
    servers.close();
  }

  /** A payer whose budget ($0.015 a day) covers one of the shop's $0.01 payments. */
  static Payer payer() {
    return Payer.builder()
        .signer(PrivateKeySigner.generate(new SecureRandom()))
        .spendControls(
            SpendControls.builder()
                .maxPerPaymentUsd("1")
                .budgetUsd("0.015", Duration.ofDays(1))
                .build())
        .build();
  }

  long paidAtShop() {
    return servers.atShop.stream().filter(r -> r.payment() != null).count();
  }

  @Test
  void parallelRestClientCallsPayOnce() throws Exception {
    Payer payer = payer();
    RestClient http =
        RestClient.builder()
            .requestFactory(new org.springframework.http.client.JdkClientHttpRequestFactory())
            .requestInterceptor(X402ClientHttpRequestInterceptor.of(payer))
            .build();
    ExecutorService pool = Executors.newFixedThreadPool(CALLS);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<CompletableFuture<String>> calls =
          IntStream.range(0, CALLS)
              .mapToObj(
                  i ->
                      CompletableFuture.supplyAsync(
                          () -> {
                            try {
                              go.await();
                              return http.get()
                                  .uri(servers.shop() + "/weather")
                                  .retrieve()
                                  .body(String.class);
                            } catch (PaymentRefusedException e) {
                              return "refused";
                            } catch (InterruptedException e) {
                              Thread.currentThread().interrupt();
                              return "interrupted";
                            }
                          },
                          pool))
              .toList();
      go.countDown();
      List<String> outcomes = calls.stream().map(CompletableFuture::join).toList();

      assertThat(outcomes).filteredOn("paid"::equals).hasSize(1);
      assertThat(outcomes).filteredOn("refused"::equals).hasSize(CALLS - 1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(payer.spendLog().spends()).hasSize(1);
    assertThat(paidAtShop()).isEqualTo(1);
  }

  @Test
  void parallelWebClientCallsPayOnce() {
    Payer payer = payer();
    WebClient http = WebClient.builder().filter(X402ExchangeFilterFunction.of(payer)).build();

    List<String> outcomes =
        Flux.range(0, CALLS)
            .flatMap(
                i ->
                    http.get()
                        .uri(servers.shop() + "/weather")
                        .retrieve()
                        .bodyToMono(String.class)
                        .onErrorResume(PaymentRefusedException.class, e -> Mono.just("refused")),
                CALLS)
            .collectList()
            .block();

    assertThat(outcomes).filteredOn("paid"::equals).hasSize(1);
    assertThat(outcomes).filteredOn("refused"::equals).hasSize(CALLS - 1);
    assertThat(payer.spendLog().spends()).hasSize(1);
    assertThat(paidAtShop()).isEqualTo(1);
  }
}
