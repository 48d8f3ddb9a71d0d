package io.x402j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.x402j.client.PaidResponse;
import io.x402j.client.Payer;
import io.x402j.client.SpendControls;
import io.x402j.client.X402Client;
import io.x402j.core.NetworkPattern;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.scheme.SchemeRegistry;
import io.x402j.core.scheme.SchemeServer;
import io.x402j.devnet.NodeProject.Service;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.ExactEvmServer;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.UptoEvmServer;
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
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Permit2 {@code exact} and {@code upto} across implementations, on a devnet mirroring Base Sepolia
 * with Permit2 and both x402 proxies at their canonical addresses: the official client (@x402/fetch
 * with @x402/evm) pays an x402j servlet gate and the x402j gateway that settle through the x402j
 * facilitator; the x402j client pays the official Express server that settles through the official
 * facilitator. Each payment moves exactly its price (exact) or what the handler says it used
 * (upto), once; the receipt decodes on the other side.
 */
class Permit2InteropIT {
  static final BigInteger PRICE = BigInteger.valueOf(10_000);
  static final BigInteger CEILING = BigInteger.valueOf(100_000);
  static final BigInteger PER_TOKEN = BigInteger.valueOf(100);

  static TestMarket market;
  static ServletShop shop;
  static HttpServer upstream;
  static Gateway gateway;
  static Service officialFacilitator;
  static Service express;

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.startMirroringBaseSepolia();
    market.devnet().approvePermit2(market.buyer().address(), market.info().token());
    PaymentGate gate = gate();
    shop = ServletShop.serve(market, gate);
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          byte[] body;
          if (path.equals("/infer")) {
            String request =
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            long tokens = Long.parseLong(request.replaceAll("\\D", ""));
            exchange
                .getResponseHeaders()
                .add("Settlement-Overrides", "{\"amount\":\"" + tokens * 100 + "\"}");
            body = ("{\"tokens\":" + tokens + ",\"from\":\"upstream\"}").getBytes();
          } else {
            body = "{\"from\":\"upstream\"}".getBytes(StandardCharsets.UTF_8);
          }
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    upstream.start();
    gateway =
        Gateway.builder(gate(), URI.create("http://127.0.0.1:" + upstream.getAddress().getPort()))
            .port(0)
            .start();
    officialFacilitator = OfficialStack.facilitator(market);
    express = OfficialStack.expressServer(market, officialFacilitator.url(), true);
  }

  /** Exact by Permit2 ($0.01) and upto ($0.10 ceiling), settled by the x402j facilitator. */
  static PaymentGate gate() {
    return PaymentGate.builder()
        .facilitator(HttpFacilitatorClient.builder(market.facilitatorUrl()).build())
        .networks(market.networks())
        .schemes(
            SchemeRegistry.<SchemeServer>builder()
                .registerBothVersions(
                    "exact",
                    NetworkPattern.namespace("eip155"),
                    new ExactEvmServer(market.networks()).withPermit2())
                .register(
                    2,
                    "upto",
                    NetworkPattern.namespace("eip155"),
                    new UptoEvmServer(market.networks()))
                .build())
        .routes(
            RouteTable.builder()
                .route("GET /weather", PaidRoute.of("$0.01", market.network(), market.payTo()))
                .route(
                    "POST /infer",
                    PaidRoute.builder()
                        .accept(
                            PaymentOption.builder(market.network())
                                .upto("$0.10")
                                .payTo(market.payTo())
                                .build())
                        .build())
                .build())
        .build();
  }

  @AfterAll
  static void stop() {
    if (express != null) {
      express.close();
    }
    if (officialFacilitator != null) {
      officialFacilitator.close();
    }
    if (gateway != null) {
      gateway.close();
    }
    if (upstream != null) {
      upstream.stop(0);
    }
    shop.close();
  }

  record Balances(BigInteger buyer, BigInteger seller) {
    static Balances of(EvmAddress buyer) {
      return new Balances(market.balance(buyer), market.sellerBalance());
    }

    void assertMoved(EvmAddress buyerAddress, BigInteger amount) {
      Balances after = of(buyerAddress);
      assertThat(after.buyer()).as("buyer").isEqualTo(buyer.subtract(amount));
      assertThat(after.seller()).as("seller").isEqualTo(seller.add(amount));
    }
  }

  static Map<String, String> env(String key) {
    Map<String, String> env = new HashMap<>();
    env.put("X402J_TEST_KEY", key);
    env.put("X402J_TEST_RPC", market.info().rpcUrl());
    return env;
  }

  static JsonNode officialPays(String key, String url, String method, String body)
      throws Exception {
    return method.equals("GET")
        ? Node.project().run("pay.mjs", env(key), Duration.ofSeconds(90), "v2", url)
        : Node.project().run("pay.mjs", env(key), Duration.ofSeconds(90), "v2", url, method, body);
  }

  static String buyerKey() {
    return market.info().requireAccount("buyer").privateKey();
  }

  void assertSettledBy(String transaction, String account) throws Exception {
    assertThat(market.devnet().awaitReceipt(transaction).path("from").asText())
        .isEqualToIgnoringCase(market.info().requireAccount(account).address().toLowerHex());
  }

  @Test
  void theOfficialClientPaysAPermit2ExactOfferAtTheX402jGateAndGateway() throws Exception {
    for (String base : new String[] {shop.base, gateway.url()}) {
      EvmAddress buyer = market.buyer().address();
      Balances before = Balances.of(buyer);

      JsonNode result = officialPays(buyerKey(), base + "/weather", "GET", null);

      assertThat(result.path("status").asInt()).as(base + " " + result).isEqualTo(200);
      JsonNode receipt = result.path("receipt");
      assertThat(receipt.path("success").asBoolean()).as(result.toString()).isTrue();
      assertThat(receipt.path("payer").asText()).isEqualToIgnoringCase(buyer.toString());
      assertSettledBy(receipt.path("transaction").asText(), "facilitator");
      before.assertMoved(buyer, PRICE);
    }
  }

  @Test
  void theOfficialUptoClientIsChargedWhatTheHandlerSaysItUsed() throws Exception {
    for (String base : new String[] {shop.base, gateway.url()}) {
      EvmAddress buyer = market.buyer().address();
      Balances before = Balances.of(buyer);

      JsonNode result = officialPays(buyerKey(), base + "/infer", "POST", "{\"tokens\":25}");

      assertThat(result.path("status").asInt()).as(base + " " + result).isEqualTo(200);
      assertThat(result.path("body").asText()).contains("\"tokens\":25");
      JsonNode receipt = result.path("receipt");
      assertThat(receipt.path("success").asBoolean()).as(result.toString()).isTrue();
      assertThat(receipt.path("amount").asText()).isEqualTo("2500");
      assertSettledBy(receipt.path("transaction").asText(), "facilitator");
      before.assertMoved(buyer, BigInteger.valueOf(2500));
    }
  }

  @Test
  void anUptoHandlerThatUsedNothingChargesNothingAndSendsNoTransaction() throws Exception {
    EvmAddress buyer = market.buyer().address();
    Balances before = Balances.of(buyer);

    JsonNode result = officialPays(buyerKey(), shop.base + "/infer", "POST", "{\"tokens\":0}");

    assertThat(result.path("status").asInt()).as(result.toString()).isEqualTo(200);
    JsonNode receipt = result.path("receipt");
    assertThat(receipt.path("success").asBoolean()).as(result.toString()).isTrue();
    assertThat(receipt.path("amount").asText()).isEqualTo("0");
    assertThat(receipt.path("transaction").asText()).isEmpty();
    before.assertMoved(buyer, BigInteger.ZERO);
  }

  /**
   * A payer without a Permit2 allowance (and without ETH): the x402j gate declares {@code
   * eip2612GasSponsoring} because the x402j facilitator lists it, the official client signs an
   * EIP-2612 permit for Permit2 beside its payment, and the x402j facilitator submits both.
   */
  @Test
  void withoutAPermit2AllowanceTheOfficialClientPaysThroughEip2612Sponsoring() throws Exception {
    PrivateKeySigner fresh = PrivateKeySigner.generate(new SecureRandom());
    market.devnet().mint(fresh.address(), BigInteger.valueOf(1_000_000));
    Balances before = Balances.of(fresh.address());

    JsonNode result =
        officialPays(fresh.exportPrivateKeyHex(), shop.base + "/weather", "GET", null);

    assertThat(result.path("status").asInt()).as(result.toString()).isEqualTo(200);
    assertSettledBy(result.path("receipt").path("transaction").asText(), "facilitator");
    before.assertMoved(fresh.address(), PRICE);
  }

  static Payer x402jPayer() {
    return Payer.builder()
        .signer(market.buyer())
        .networks(market.networks())
        .spendControls(SpendControls.builder().maxPerPaymentUsd("0.10").build())
        .build();
  }

  @Test
  void theX402jClientPaysTheOfficialExpressServerByPermit2ThroughTheOfficialFacilitator()
      throws Exception {
    EvmAddress buyer = market.buyer().address();
    Balances before = Balances.of(buyer);

    PaidResponse<String> response =
        X402Client.builder(x402jPayer())
            .build()
            .send(
                HttpRequest.newBuilder(URI.create(express.url() + "/permit2/weather")).build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).contains("official permit2");
    assertThat(response.receipt().success()).isTrue();
    assertSettledBy(response.receipt().transaction(), "other-facilitator");
    before.assertMoved(buyer, PRICE);
  }

  @Test
  void theX402jUptoClientIsChargedWhatTheOfficialExpressHandlerUsed() throws Exception {
    EvmAddress buyer = market.buyer().address();
    Balances before = Balances.of(buyer);

    PaidResponse<String> response =
        X402Client.builder(x402jPayer())
            .build()
            .send(
                HttpRequest.newBuilder(URI.create(express.url() + "/infer"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"tokens\":37}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).contains("official upto");
    assertThat(response.paid().orElseThrow().requirements().amount().value())
        .as("authorised the ceiling")
        .isEqualTo(CEILING);
    assertThat(response.receipt().success()).isTrue();
    assertThat(response.receipt().amount().value()).isEqualTo(BigInteger.valueOf(3700));
    assertSettledBy(response.receipt().transaction(), "other-facilitator");
    before.assertMoved(buyer, BigInteger.valueOf(37).multiply(PER_TOKEN));
  }
}
