package io.x402j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.client.PaidResponse;
import io.x402j.client.Payer;
import io.x402j.client.SpendControls;
import io.x402j.client.X402Client;
import io.x402j.core.extensions.PaymentIdentifier;
import io.x402j.core.extensions.PaymentIdentifierExtension;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.support.JsonValues;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.PaymentIdentifiers;
import io.x402j.server.RouteTable;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code payment-identifier} extension both ways with the official {@code @x402/extensions}
 * 2.27.0, on a devnet mirroring Base Sepolia: an x402j servlet gate requiring ids is paid by the
 * official client with its own id, and the same payment sent again gets the stored receipt, not a
 * second response or a second transfer; x402j's client's ids pass the official validators, and the
 * official generator's ids and declarations read as x402j's.
 */
class PaymentIdentifierInteropIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static ServletShop shop;
  static TestMarket market;

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.startMirroringBaseSepolia();
    PaymentGate gate =
        PaymentGate.builder()
            .facilitator(HttpFacilitatorClient.builder(market.facilitatorUrl()).build())
            .networks(market.networks())
            .extension(PaymentIdentifiers.required())
            .routes(
                RouteTable.builder()
                    .route("GET /weather", PaidRoute.of("$0.01", market.network(), market.payTo()))
                    .build())
            .build();
    shop = ServletShop.serve(market, gate);
  }

  @AfterAll
  static void stop() throws Exception {
    shop.close();
  }

  @Test
  void theOfficialClientsIdIsKeptAndItsRepeatGetsTheReceiptOnce() throws Exception {
    BigInteger before = market.sellerBalance();

    JsonNode result =
        Node.project()
            .run(
                "payment-id.mjs",
                shop.buyerEnv(),
                Duration.ofSeconds(90),
                "pay",
                shop.base + "/weather");

    assertThat(result.path("error").isMissingNode()).as(result.toString()).isTrue();
    assertThat(result.path("declaredIsExtension").asBoolean()).isTrue();
    assertThat(result.path("declaredRequired").asBoolean()).isTrue();
    String id = result.path("id").asText();
    assertThat(PaymentIdentifier.isValid(id)).as(id).isTrue();
    JsonNode first = result.path("answers").get(0);
    JsonNode repeat = result.path("answers").get(1);
    assertThat(first.path("status").asInt()).as(first.toString()).isEqualTo(200);
    assertThat(first.path("body").asText()).isEqualTo("{\"weather\":\"sunny\"}");
    assertThat(first.path("receipt").path("success").asBoolean()).isTrue();
    assertThat(repeat.path("status").asInt()).as(repeat.toString()).isEqualTo(409);
    assertThat(repeat.path("body").asText()).contains("payment_already_used").contains(id);
    assertThat(repeat.path("receiptHeader").asText())
        .as("the official decoder reads the stored receipt")
        .isEqualTo(first.path("receiptHeader").asText());
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }

  @Test
  void x402jsClientPaysWithAnIdTheOfficialValidatorsAccept() throws Exception {
    Payer payer =
        Payer.builder()
            .signer(PrivateKeySigner.fromHex(market.info().requireAccount("buyer").privateKey()))
            .networks(market.networks())
            .spendControls(SpendControls.unlimited())
            .build();
    X402Client client = X402Client.builder(payer).build();
    BigInteger before = market.sellerBalance();

    PaidResponse<String> paid =
        client.send(
            HttpRequest.newBuilder(URI.create(shop.base + "/weather")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(paid.response().statusCode()).isEqualTo(200);

    // The same signed header once more (what a caller does after PaymentAnswerLostException).
    String header =
        paid.response().request().headers().firstValue("PAYMENT-SIGNATURE").orElseThrow();
    HttpResponse<String> again =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(shop.base + "/weather"))
                    .header("PAYMENT-SIGNATURE", header)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.headers().firstValue("PAYMENT-RESPONSE"))
        .isEqualTo(paid.response().headers().firstValue("PAYMENT-RESPONSE"));
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));

    JsonNode check =
        Node.project().run("payment-id.mjs", Map.of(), Duration.ofSeconds(60), "check", header);
    assertThat(check.path("valid").asBoolean()).as(check.toString()).isTrue();
    assertThat(check.path("extracted").path("validation").path("valid").asBoolean()).isTrue();
    assertThat(check.path("requirement").path("valid").asBoolean()).isTrue();
    assertThat(check.path("id").asText()).startsWith("pay_");
  }

  @Test
  void theOfficialGeneratorsIdsAndDeclarationsReadAsOurs() throws Exception {
    JsonNode result =
        Node.project().run("payment-id.mjs", Map.of(), Duration.ofSeconds(60), "generate");
    for (JsonNode id : result.path("ids")) {
      assertThat(PaymentIdentifier.parse(id.asText()).value()).isEqualTo(id.asText());
    }
    for (boolean required : new boolean[] {true, false}) {
      Object official = JsonValues.fromNode(result.path(required ? "required" : "optional"));
      assertThat(official)
          .as("declarePaymentIdentifierExtension(" + required + ")")
          .isEqualTo(
              JsonValues.canonical(PaymentIdentifierExtension.declaration(required), "x402j"));
    }
  }
}
