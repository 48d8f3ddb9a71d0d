package io.x402j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.client.PaidResponse;
import io.x402j.client.Payer;
import io.x402j.client.SpendControls;
import io.x402j.client.X402Client;
import io.x402j.devnet.NodeProject.Service;
import io.x402j.evm.EvmAddress;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Official Express servers: paid by the x402j client through the official facilitator, and paid by
 * the official clients through the x402j facilitator. v2 and v1 each.
 */
class OfficialServerIT {
  static final BigInteger PRICE = BigInteger.valueOf(10_000);

  static TestMarket market;
  static Service officialFacilitator;
  static Service withOfficialFacilitator;
  static Service withX402jFacilitator;

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.startMirroringBaseSepolia();
    officialFacilitator = OfficialStack.facilitator(market);
    withOfficialFacilitator = OfficialStack.expressServer(market, officialFacilitator.url());
    withX402jFacilitator = OfficialStack.expressServer(market, market.facilitatorUrl());
  }

  @AfterAll
  static void stop() {
    withX402jFacilitator.close();
    withOfficialFacilitator.close();
    officialFacilitator.close();
    market.close();
  }

  /** Balances of buyer and seller, to check that exactly the price moved. */
  record Balances(BigInteger buyer, BigInteger seller) {
    static Balances now() {
      return new Balances(market.balance(market.buyer().address()), market.sellerBalance());
    }

    void assertMovedOnePrice() {
      Balances after = now();
      assertThat(after.buyer()).isEqualTo(buyer.subtract(PRICE));
      assertThat(after.seller()).isEqualTo(seller.add(PRICE));
    }
  }

  static PaidResponse<String> x402jPays(String url) throws Exception {
    Payer payer =
        Payer.builder()
            .signer(market.buyer())
            .networks(market.networks())
            .spendControls(SpendControls.builder().maxPerPaymentUsd("0.10").build())
            .build();
    return X402Client.builder(payer)
        .build()
        .send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theX402jClientPaysAnOfficialV2ServerThroughTheOfficialFacilitator() throws Exception {
    Balances before = Balances.now();

    PaidResponse<String> response = x402jPays(withOfficialFacilitator.url() + "/weather");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"weather\":\"sunny\",\"server\":\"official v2\"}");
    assertThat(response.paid().orElseThrow().x402Version()).isEqualTo(2);
    assertThat(response.receipt().success()).isTrue();
    assertThat(response.receipt().network()).isEqualTo("eip155:84532");
    assertThat(EvmAddress.parse(response.receipt().payer())).isEqualTo(market.buyer().address());
    assertThat(market.devnet().awaitReceipt(response.receipt().transaction()).path("from").asText())
        .as("settled by the official facilitator's key")
        .isEqualToIgnoringCase(
            market.info().requireAccount("other-facilitator").address().toLowerHex());
    before.assertMovedOnePrice();
  }

  @Test
  void theX402jClientPaysAnOfficialV1ServerThroughTheOfficialFacilitator() throws Exception {
    Balances before = Balances.now();

    PaidResponse<String> response = x402jPays(withOfficialFacilitator.url() + "/v1/weather");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("official v1");
    assertThat(response.paid().orElseThrow().x402Version()).isEqualTo(1);
    assertThat(response.receipt().success()).isTrue();
    assertThat(response.receipt().network()).isEqualTo("base-sepolia");
    before.assertMovedOnePrice();
  }

  static JsonNode officialPays(String version, String url) throws Exception {
    return Node.project()
        .run(
            "pay.mjs",
            Map.of(
                "X402J_TEST_KEY", market.info().requireAccount("buyer").privateKey(),
                "X402J_TEST_RPC", market.info().rpcUrl()),
            Duration.ofSeconds(90),
            version,
            url);
  }

  @Test
  void anOfficialV2ServerSettlesThroughTheX402jFacilitator() throws Exception {
    Balances before = Balances.now();

    JsonNode result = officialPays("v2", withX402jFacilitator.url() + "/weather");

    assertThat(result.path("status").asInt()).as(result.toString()).isEqualTo(200);
    assertThat(result.path("body").asText()).contains("official v2");
    JsonNode receipt = result.path("receipt");
    assertThat(receipt.path("success").asBoolean()).isTrue();
    assertThat(
            market
                .devnet()
                .awaitReceipt(receipt.path("transaction").asText())
                .path("from")
                .asText())
        .as("settled by the x402j facilitator's key")
        .isEqualToIgnoringCase(market.info().requireAccount("facilitator").address().toLowerHex());
    before.assertMovedOnePrice();
  }

  @Test
  void anOfficialV1ServerSettlesThroughTheX402jFacilitator() throws Exception {
    Balances before = Balances.now();

    JsonNode result = officialPays("v1", withX402jFacilitator.url() + "/v1/weather");

    assertThat(result.path("status").asInt()).as(result.toString()).isEqualTo(200);
    assertThat(result.path("receipt").path("success").asBoolean()).isTrue();
    assertThat(result.path("receipt").path("network").asText()).isEqualTo("base-sepolia");
    before.assertMovedOnePrice();
  }
}
