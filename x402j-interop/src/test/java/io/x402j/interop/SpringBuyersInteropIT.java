package io.x402j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.client.Payer;
import io.x402j.client.SpendControls;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.SettleResponse;
import io.x402j.devnet.NodeProject.Service;
import io.x402j.evm.EvmAddress;
import io.x402j.spring.client.X402ClientHttpRequestInterceptor;
import io.x402j.spring.client.X402ExchangeFilterFunction;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The Spring buyers (RestClient and WebClient, over x402j's Payer) pay the official Express servers
 * — {@code @x402/express} 2.27.0 (v2) and {@code x402-express} 1.2.0 (v1) — which settle through
 * the official facilitator, on a devnet mirroring Base Sepolia.
 */
class SpringBuyersInteropIT {
  static final BigInteger PRICE = BigInteger.valueOf(10_000);
  static final HeaderCodec HEADERS = HeaderCodec.standard();

  static TestMarket market;
  static Service officialFacilitator;
  static Service express;

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.startMirroringBaseSepolia();
    officialFacilitator = OfficialStack.facilitator(market);
    express = OfficialStack.expressServer(market, officialFacilitator.url());
  }

  @AfterAll
  static void stop() {
    express.close();
    officialFacilitator.close();
    market.close();
  }

  static Payer payer() {
    return Payer.builder()
        .signer(market.buyer())
        .networks(market.networks())
        .spendControls(SpendControls.builder().maxPerPaymentUsd("0.10").build())
        .build();
  }

  /** The official facilitator's account sent the settlement. */
  static void settledByTheOfficialFacilitator(SettleResponse receipt) throws Exception {
    assertThat(receipt.success()).isTrue();
    assertThat(EvmAddress.parse(receipt.payer())).isEqualTo(market.buyer().address());
    assertThat(market.devnet().awaitReceipt(receipt.transaction()).path("from").asText())
        .isEqualToIgnoringCase(
            market.info().requireAccount("other-facilitator").address().toLowerHex());
  }

  @Test
  void restClientPaysTheOfficialV2AndV1Servers() throws Exception {
    BigInteger before = market.sellerBalance();
    Payer payer = payer();
    RestClient http =
        RestClient.builder().requestInterceptor(X402ClientHttpRequestInterceptor.of(payer)).build();

    ResponseEntity<String> v2 =
        http.get().uri(express.url() + "/weather").retrieve().toEntity(String.class);
    ResponseEntity<String> v1 =
        http.get().uri(express.url() + "/v1/weather").retrieve().toEntity(String.class);

    assertThat(v2.getBody()).isEqualTo("{\"weather\":\"sunny\",\"server\":\"official v2\"}");
    SettleResponse v2Receipt =
        HEADERS.decodePaymentResponse(v2.getHeaders().getFirst("PAYMENT-RESPONSE"));
    assertThat(v2Receipt.network()).isEqualTo("eip155:84532");
    settledByTheOfficialFacilitator(v2Receipt);
    assertThat(v1.getBody()).contains("official v1");
    SettleResponse v1Receipt =
        HEADERS.decodeXPaymentResponse(v1.getHeaders().getFirst("X-PAYMENT-RESPONSE"));
    assertThat(v1Receipt.network()).isEqualTo("base-sepolia");
    settledByTheOfficialFacilitator(v1Receipt);
    assertThat(payer.spendLog().spends()).hasSize(2);
    assertThat(market.sellerBalance()).isEqualTo(before.add(PRICE.multiply(BigInteger.TWO)));
  }

  @Test
  void webClientPaysTheOfficialV2AndV1Servers() throws Exception {
    BigInteger before = market.sellerBalance();
    Payer payer = payer();
    WebClient http = WebClient.builder().filter(X402ExchangeFilterFunction.of(payer)).build();

    ResponseEntity<String> v2 =
        http.get().uri(express.url() + "/weather").retrieve().toEntity(String.class).block();
    ResponseEntity<String> v1 =
        http.get().uri(express.url() + "/v1/weather").retrieve().toEntity(String.class).block();

    assertThat(v2.getBody()).contains("official v2");
    settledByTheOfficialFacilitator(
        HEADERS.decodePaymentResponse(v2.getHeaders().getFirst("PAYMENT-RESPONSE")));
    assertThat(v1.getBody()).contains("official v1");
    settledByTheOfficialFacilitator(
        HEADERS.decodeXPaymentResponse(v1.getHeaders().getFirst("X-PAYMENT-RESPONSE")));
    assertThat(payer.spendLog().spends()).hasSize(2);
    assertThat(market.sellerBalance()).isEqualTo(before.add(PRICE.multiply(BigInteger.TWO)));
  }
}
