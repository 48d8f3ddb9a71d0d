package io.x402j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.server.PaidRoute;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official TypeScript clients (the v2 {@code @x402/fetch} and the v1 {@code x402-fetch}) pay an
 * x402j servlet application, on a devnet that mirrors Base Sepolia so that both know the network.
 */
class OfficialClientIT {
  static ServletShop shop;
  static TestMarket market;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    shop = ServletShop.start();
    market = shop.market;
    base = shop.base;
  }

  @AfterAll
  static void stop() throws Exception {
    shop.close();
  }

  static Map<String, String> buyerEnv() {
    return shop.buyerEnv();
  }

  @Test
  void theOfficialDecoderReadsOur402() throws Exception {
    JsonNode result =
        Node.project().run("decode-402.mjs", Map.of(), Duration.ofSeconds(60), base + "/weather");

    assertThat(result.path("status").asInt()).isEqualTo(402);
    assertThat(result.path("error").isNull()).as(result.toString()).isTrue();
    JsonNode decoded = result.path("decoded");
    assertThat(decoded.path("x402Version").asInt()).isEqualTo(2);
    assertThat(decoded.path("resource").path("url").asText()).isEqualTo(base + "/weather");
    assertThat(decoded.path("resource").path("description").asText()).isEqualTo("Today's weather");
    JsonNode offer = decoded.path("accepts").get(0);
    assertThat(offer.path("scheme").asText()).isEqualTo("exact");
    assertThat(offer.path("network").asText()).isEqualTo("eip155:84532");
    assertThat(offer.path("amount").asText()).isEqualTo("10000");
    assertThat(offer.path("asset").asText())
        .isEqualTo("0x036CbD53842c5426634e7929541eC2318f3dCF7e");
    assertThat(offer.path("payTo").asText()).isEqualTo(market.seller().toString());
    assertThat(offer.path("extra").path("name").asText()).isEqualTo("USDC");
    assertThat(offer.path("extra").path("version").asText()).isEqualTo("2");
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
    assertThat(receipt.path("payer").asText())
        .isEqualToIgnoringCase(market.buyer().address().toString());
    String tx = receipt.path("transaction").asText();
    assertThat(market.devnet().awaitReceipt(tx).path("status").asText()).isEqualTo("0x1");
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }

  @Test
  void theOfficialV2ClientPaysForAPost() throws Exception {
    JsonNode result =
        Node.project()
            .run(
                "pay.mjs",
                buyerEnv(),
                Duration.ofSeconds(90),
                "v2",
                base + "/translate",
                "POST",
                "{\"text\":\"hola\"}");

    assertThat(result.path("status").asInt()).as(result.toString()).isEqualTo(200);
    assertThat(result.path("body").asText()).isEqualTo("{\"translated\":{\"text\":\"hola\"}}");
    assertThat(result.path("receipt").path("success").asBoolean()).isTrue();
  }

  @Test
  void theOfficialClientsPayThroughTheX402jGateway() throws Exception {
    com.sun.net.httpserver.HttpServer upstream =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          byte[] body = "{\"from\":\"upstream\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    upstream.start();
    io.x402j.server.PaymentGate gate =
        io.x402j.server.PaymentGate.builder()
            .facilitator(
                io.x402j.core.facilitator.HttpFacilitatorClient.builder(market.facilitatorUrl())
                    .build())
            .networks(market.networks())
            .routes(
                io.x402j.server.RouteTable.builder()
                    .route("GET /data", PaidRoute.of("$0.01", market.network(), market.payTo()))
                    .build())
            .build();
    try (io.x402j.gateway.Gateway gateway =
        io.x402j.gateway.Gateway.builder(
                gate, URI.create("http://127.0.0.1:" + upstream.getAddress().getPort()))
            .port(0)
            .start()) {
      BigInteger before = market.sellerBalance();
      for (String version : new String[] {"v2", "v1"}) {
        JsonNode result =
            Node.project()
                .run(
                    "pay.mjs",
                    buyerEnv(),
                    Duration.ofSeconds(90),
                    version,
                    gateway.url() + "/data");
        assertThat(result.path("status").asInt()).as(version + " " + result).isEqualTo(200);
        assertThat(result.path("body").asText()).isEqualTo("{\"from\":\"upstream\"}");
        assertThat(result.path("receipt").path("success").asBoolean()).isTrue();
      }
      assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(20_000)));
    } finally {
      upstream.stop(0);
    }
  }

  @Test
  void theOfficialV1ClientPays() throws Exception {

    BigInteger before = market.sellerBalance();

    JsonNode result =
        Node.project().run("pay.mjs", buyerEnv(), Duration.ofSeconds(90), "v1", base + "/weather");

    assertThat(result.path("status").asInt()).as(result.toString()).isEqualTo(200);
    JsonNode receipt = result.path("receipt");
    assertThat(receipt.path("success").asBoolean()).as(result.toString()).isTrue();
    assertThat(receipt.path("network").asText()).isEqualTo("base-sepolia");
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }
}
