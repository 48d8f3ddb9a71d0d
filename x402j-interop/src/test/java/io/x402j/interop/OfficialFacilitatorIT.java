package io.x402j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.x402j.client.PaidResponse;
import io.x402j.client.Payer;
import io.x402j.client.SpendControls;
import io.x402j.client.X402Client;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.devnet.NodeProject.Service;
import io.x402j.gateway.Gateway;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.PaymentOption;
import io.x402j.server.RouteTable;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The x402j client pays an x402j server that settles through the official facilitator. */
class OfficialFacilitatorIT {
  static TestMarket market;
  static Service officialFacilitator;
  static HttpServer upstream;
  static Gateway gateway;

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.startMirroringBaseSepolia();
    officialFacilitator = OfficialStack.facilitator(market);
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          byte[] body =
              "{\"weather\":\"sunny\",\"server\":\"x402j\"}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    upstream.start();
    PaymentGate gate =
        PaymentGate.builder()
            .facilitator(HttpFacilitatorClient.builder(officialFacilitator.url()).build())
            .networks(market.networks())
            .routes(
                RouteTable.builder()
                    .route("GET /weather", PaidRoute.of("$0.01", market.network(), market.payTo()))
                    .route(
                        "GET /v1/weather",
                        PaidRoute.builder()
                            .accept(
                                PaymentOption.builder(market.network())
                                    .price("$0.01")
                                    .payTo(market.payTo())
                                    .build())
                            .protocolV2(false)
                            .build())
                    .build())
            .build();
    gateway =
        Gateway.builder(gate, URI.create("http://127.0.0.1:" + upstream.getAddress().getPort()))
            .port(0)
            .start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
    upstream.stop(0);
    officialFacilitator.close();
    market.close();
  }

  static PaidResponse<String> pay(String path) throws Exception {
    Payer payer =
        Payer.builder()
            .signer(market.buyer())
            .networks(market.networks())
            .spendControls(SpendControls.builder().maxPerPaymentUsd("0.10").build())
            .build();
    return X402Client.builder(payer)
        .build()
        .send(
            HttpRequest.newBuilder(URI.create(gateway.url() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void v2AndV1PaymentsSettleThroughTheOfficialFacilitator() throws Exception {
    BigInteger seller = market.sellerBalance();
    BigInteger buyer = market.balance(market.buyer().address());

    PaidResponse<String> v2 = pay("/weather");
    PaidResponse<String> v1 = pay("/v1/weather");

    for (PaidResponse<String> r : java.util.List.of(v2, v1)) {
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("x402j");
      assertThat(r.receipt().success()).as("%s", r.receipt()).isTrue();
      assertThat(market.devnet().awaitReceipt(r.receipt().transaction()).path("from").asText())
          .isEqualToIgnoringCase(
              market.info().requireAccount("other-facilitator").address().toLowerHex());
    }
    assertThat(v2.paid().orElseThrow().x402Version()).isEqualTo(2);
    assertThat(v1.paid().orElseThrow().x402Version()).isEqualTo(1);
    assertThat(v1.receipt().network()).isEqualTo("base-sepolia");
    assertThat(market.sellerBalance()).isEqualTo(seller.add(BigInteger.valueOf(20_000)));
    assertThat(market.balance(market.buyer().address()))
        .isEqualTo(buyer.subtract(BigInteger.valueOf(20_000)));
  }
}
