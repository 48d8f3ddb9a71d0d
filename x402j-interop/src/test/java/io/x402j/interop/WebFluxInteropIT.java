package io.x402j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.PaymentOption;
import io.x402j.server.RouteTable;
import io.x402j.testkit.TestMarket;
import io.x402j.webflux.PaymentWebFilter;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The official TypeScript clients (the v2 {@code @x402/fetch} and the v1 {@code x402-fetch}) pay an
 * x402j Spring WebFlux application (the {@link PaymentWebFilter} on reactor-netty), on a devnet
 * that mirrors Base Sepolia so that both know the network.
 */
class WebFluxInteropIT {
  static TestMarket market;
  static DisposableServer server;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.startMirroringBaseSepolia();
    PaymentGate gate =
        PaymentGate.builder()
            .facilitator(HttpFacilitatorClient.builder(market.facilitatorUrl()).build())
            .networks(market.networks())
            .routes(
                RouteTable.builder()
                    .route(
                        "GET /weather",
                        PaidRoute.builder()
                            .accept(
                                PaymentOption.builder(market.network())
                                    .price("$0.01")
                                    .payTo(market.payTo())
                                    .build())
                            .description("Today's weather")
                            .mimeType("application/json")
                            .build())
                    .build())
            .build();
    server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .handle(
                new ReactorHttpHandlerAdapter(
                    WebHttpHandlerBuilder.webHandler(
                            RouterFunctions.toWebHandler(
                                RouterFunctions.route()
                                    .GET(
                                        "/weather",
                                        r ->
                                            ServerResponse.ok()
                                                .contentType(MediaType.APPLICATION_JSON)
                                                .bodyValue("{\"weather\":\"sunny\"}"))
                                    .build()))
                        .filter(new PaymentWebFilter(gate))
                        .build()))
            .bindNow();
    base = "http://127.0.0.1:" + server.port();
  }

  @AfterAll
  static void stop() {
    server.disposeNow();
    market.close();
  }

  static Map<String, String> buyerEnv() {
    return Map.of(
        "X402J_TEST_KEY", market.info().requireAccount("buyer").privateKey(),
        "X402J_TEST_RPC", market.info().rpcUrl());
  }

  @Test
  void theOfficialV2ClientPays() throws Exception {
    BigInteger before = market.sellerBalance();

    JsonNode result =
        Node.project().run("pay.mjs", buyerEnv(), Duration.ofSeconds(90), "v2", base + "/weather");

    assertThat(result.path("status").asInt()).as(result.toString()).isEqualTo(200);
    assertThat(result.path("body").asText()).isEqualTo("{\"weather\":\"sunny\"}");
    JsonNode receipt = result.path("receipt");
    assertThat(receipt.path("success").asBoolean()).isTrue();
    assertThat(receipt.path("network").asText()).isEqualTo("eip155:84532");
    String tx = receipt.path("transaction").asText();
    assertThat(market.devnet().awaitReceipt(tx).path("status").asText()).isEqualTo("0x1");
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }

  @Test
  void theOfficialV1ClientPays() throws Exception {
    BigInteger before = market.sellerBalance();

    JsonNode result =
        Node.project().run("pay.mjs", buyerEnv(), Duration.ofSeconds(90), "v1", base + "/weather");

    assertThat(result.path("status").asInt()).as(result.toString()).isEqualTo(200);
    assertThat(result.path("body").asText()).isEqualTo("{\"weather\":\"sunny\"}");
    JsonNode receipt = result.path("receipt");
    assertThat(receipt.path("success").asBoolean()).as(result.toString()).isTrue();
    assertThat(receipt.path("network").asText()).isEqualTo("base-sepolia");
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }
}
