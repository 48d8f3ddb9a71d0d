package io.x402j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.x402j.core.Network;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.support.Base58;
import io.x402j.devnet.SolanaDevnet;
import io.x402j.facilitator.FacilitatorApp;
import io.x402j.gateway.Gateway;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.PaymentOption;
import io.x402j.server.RouteTable;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official TypeScript clients ({@code @x402/fetch} with {@code @x402/svm}, and the v1 {@code
 * x402-fetch}) pay on Solana an x402j servlet application and the x402j gateway, both settling
 * through x402j's facilitator (SQLite) on x402j's local Solana devnet; a payment used once is
 * refused the second time. One 402 of the gateway offers EVM and Solana, and the official client
 * chooses Solana.
 */
class SolanaOfficialClientIT {
  static final BigInteger PRICE = BigInteger.valueOf(10_000);
  static final String EVM_SELLER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";

  static SolanaDevnet devnet;
  static FacilitatorApp facilitator;
  static ServletShop shop;
  static HttpServer upstream;
  static Gateway gateway;
  static String seller;

  @BeforeAll
  static void start() throws Exception {
    devnet = SolanaDevnet.start();
    seller = SolanaStack.account(devnet, "seller").address();
    facilitator = SolanaStack.x402jFacilitator(devnet, "facilitator", SolanaStack.tempDir());
    HttpFacilitatorClient client = HttpFacilitatorClient.builder(facilitator.url()).build();
    shop =
        ServletShop.serve(
            null,
            PaymentGate.builder()
                .facilitator(client)
                .routes(
                    RouteTable.builder()
                        .route(
                            "GET /weather",
                            PaidRoute.builder()
                                .accept(solana())
                                .description("Today's weather")
                                .mimeType("application/json")
                                .build())
                        .route(
                            "GET /v1/weather",
                            PaidRoute.builder().accept(solana()).protocolV2(false).build())
                        .build())
                .build());
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          byte[] body = "{\"from\":\"upstream\"}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    upstream.start();
    gateway =
        Gateway.builder(
                PaymentGate.builder()
                    .facilitator(client)
                    .routes(
                        RouteTable.builder()
                            .route("GET /data", PaidRoute.builder().accept(solana()).build())
                            .route(
                                "GET /mixed",
                                PaidRoute.builder()
                                    .accept(
                                        PaymentOption.builder(Network.evm(84532))
                                            .price("$0.01")
                                            .payTo(EVM_SELLER)
                                            .build())
                                    .accept(solana())
                                    .build())
                            .build())
                    .build(),
                URI.create("http://127.0.0.1:" + upstream.getAddress().getPort()))
            .port(0)
            .start();
  }

  static PaymentOption solana() {
    return PaymentOption.builder(SolanaStack.NETWORK).price("$0.01").payTo(seller).build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    if (upstream != null) {
      upstream.stop(0);
    }
    if (shop != null) {
      shop.close();
    }
    if (facilitator != null) {
      facilitator.close();
    }
    if (devnet != null) {
      devnet.close();
    }
  }

  /**
   * Pays {@code url} with the official client {@code version}, checks the paid 200 and its receipt
   * (a landed Solana signature), that the seller got the price, and that the same payment sent
   * again is refused without moving money.
   */
  static JsonNode paysOnceAndOnlyOnce(String version, String url, String body) throws Exception {
    BigInteger before = SolanaStack.balance(devnet, seller);

    JsonNode result = SolanaStack.officialPay(devnet, version, url);

    assertThat(result.path("status").asInt()).as(result.toString()).isEqualTo(200);
    assertThat(result.path("body").asText()).isEqualTo(body);
    JsonNode receipt = result.path("receipt");
    assertThat(receipt.path("success").asBoolean()).as(result.toString()).isTrue();
    assertThat(receipt.path("network").asText())
        .isEqualTo(version.equals("v2") ? SolanaDevnet.NETWORK : "solana-devnet");
    assertThat(receipt.path("payer").asText())
        .isEqualTo(SolanaStack.account(devnet, "buyer").address());
    String signature = receipt.path("transaction").asText();
    assertThat(Base58.decode(signature)).hasSize(64);
    JsonNode status = devnet.controls().signatureStatus(signature);
    assertThat(status).as("status of %s", signature).isNotNull();
    assertThat(status.path("err").isNull()).as(status.toString()).isTrue();
    assertThat(SolanaStack.balance(devnet, seller)).isEqualTo(before.add(PRICE));

    String payment = result.path("payment").asText();
    HttpResponse<String> replay =
        SolanaStack.HTTP.send(
            HttpRequest.newBuilder(URI.create(url))
                .header(version.equals("v2") ? "PAYMENT-SIGNATURE" : "X-PAYMENT", payment)
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(replay.statusCode())
        .as("the same payment again: %s %s", replay.headers().map(), replay.body())
        .isEqualTo(402);
    String refusal =
        version.equals("v2")
            ? new String(
                Base64.getDecoder()
                    .decode(replay.headers().firstValue("PAYMENT-REQUIRED").orElseThrow()),
                StandardCharsets.UTF_8)
            : replay.body();
    assertThat(SolanaStack.JSON.readTree(refusal).path("error").asText())
        .as(refusal)
        .isEqualTo("this payment has already been used");
    assertThat(SolanaStack.balance(devnet, seller)).isEqualTo(before.add(PRICE));
    return result;
  }

  @Test
  void theOfficialV2ClientPaysTheServletShopOnce() throws Exception {
    paysOnceAndOnlyOnce("v2", shop.base + "/weather", "{\"weather\":\"sunny\"}");
  }

  @Test
  void theOfficialV2ClientPaysTheGatewayOnce() throws Exception {
    paysOnceAndOnlyOnce("v2", gateway.url() + "/data", "{\"from\":\"upstream\"}");
  }

  @Test
  void theOfficialV1ClientPaysTheServletShopOnce() throws Exception {
    paysOnceAndOnlyOnce("v1", shop.base + "/v1/weather", "{\"weather\":\"sunny\"}");
  }

  @Test
  void theOfficialClientChoosesSolanaInAMixed402OfTheGateway() throws Exception {
    JsonNode decoded =
        Node.project()
            .run("decode-402.mjs", Map.of(), Duration.ofSeconds(60), gateway.url() + "/mixed")
            .path("decoded");
    List<String> networks =
        decoded.path("accepts").findValuesAsText("network").stream().distinct().toList();
    assertThat(networks).containsExactly("eip155:84532", SolanaDevnet.NETWORK);
    JsonNode offer = decoded.path("accepts").get(1);
    assertThat(offer.path("asset").asText()).isEqualTo(SolanaDevnet.USDC_DEVNET_MINT);
    assertThat(offer.path("payTo").asText()).isEqualTo(seller);
    assertThat(offer.path("extra").path("feePayer").asText())
        .isEqualTo(SolanaStack.account(devnet, "facilitator").address());

    JsonNode result =
        paysOnceAndOnlyOnce("v2", gateway.url() + "/mixed", "{\"from\":\"upstream\"}");

    String payment =
        new String(
            Base64.getDecoder().decode(result.path("payment").asText()), StandardCharsets.UTF_8);
    assertThat(SolanaStack.JSON.readTree(payment).path("accepted").path("network").asText())
        .isEqualTo(SolanaDevnet.NETWORK);
  }
}
