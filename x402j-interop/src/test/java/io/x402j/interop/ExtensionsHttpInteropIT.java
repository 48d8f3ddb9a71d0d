package io.x402j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.x402j.client.PaidResponse;
import io.x402j.client.Payer;
import io.x402j.client.SignInChoice;
import io.x402j.client.SpendControls;
import io.x402j.client.X402Client;
import io.x402j.core.extensions.PaymentIdentifierExtension;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.devnet.NodeProject.Service;
import io.x402j.evm.facilitator.EvmNetworkConfig;
import io.x402j.evm.facilitator.ExactEvmFacilitator;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.facilitator.FacilitatorServer;
import io.x402j.facilitator.FacilitatorService;
import io.x402j.facilitator.PaymentIdentifierStore;
import io.x402j.gateway.Gateway;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.RouteTable;
import io.x402j.server.siwx.SignInWithXExtension;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * sign-in-with-x and payment-identifier both ways over HTTP with real payments on a devnet
 * mirroring Base Sepolia, through the x402j facilitator. SIWX: the official client ({@code
 * @x402/fetch}, then {@code @x402/extensions}' {@code wrapFetchWithSIWx}) pays the x402j HTTP
 * gateway once and then signs in without paying; x402j's {@code Payer} pays an official Express
 * server once and then signs in to the official SIWX server side ({@code
 * createSIWxResourceServerExtension}) without paying. payment-identifier: the official client's
 * payments carrying one id go through the x402j facilitator's {@code /verify} and {@code /settle}
 * by the official {@code HTTPFacilitatorClient}, and the conflicting reuse gets 409 {@code
 * payment_identifier_conflict}; x402j's client's id reaches the official server intact.
 */
class ExtensionsHttpInteropIT {
  static final BigInteger PRICE = BigInteger.valueOf(10_000);
  static final ObjectMapper JSON = new ObjectMapper();
  static TestMarket market;
  static Service official;

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.startMirroringBaseSepolia();
    official =
        Node.project()
            .start(
                "extensions-express-server.mjs",
                Map.of(
                    "X402J_PAY_TO", market.seller().toString(),
                    "X402J_FACILITATOR_URL", market.facilitatorUrl()),
                Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() {
    official.close();
    market.close();
  }

  static Map<String, String> buyerEnv() {
    return Map.of(
        "X402J_TEST_KEY", market.info().requireAccount("buyer").privateKey(),
        "X402J_TEST_RPC", market.info().rpcUrl());
  }

  @Test
  void theOfficialClientPaysTheX402jGatewayOnceThenSignsIn() throws Exception {
    List<String> signedInSeen = new CopyOnWriteArrayList<>();
    HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          signedInSeen.add(
              String.join(
                  ",",
                  exchange.getRequestHeaders().getOrDefault("X-Payment-Signed-In", List.of())));
          byte[] body = "{\"report\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    upstream.start();
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    PaymentGate gate =
        PaymentGate.builder()
            .facilitator(HttpFacilitatorClient.builder(market.facilitatorUrl()).build())
            .networks(market.networks())
            .routes(
                RouteTable.builder()
                    .route("GET /report", PaidRoute.of("$0.01", market.network(), market.payTo()))
                    .build())
            .extension(SignInWithXExtension.builder().origin("http://127.0.0.1:" + port).build())
            .build();
    try (Gateway gateway =
        Gateway.builder(gate, URI.create("http://127.0.0.1:" + upstream.getAddress().getPort()))
            .port(port)
            .start()) {
      BigInteger before = market.sellerBalance();

      JsonNode result =
          Node.project()
              .run(
                  "siwx-client.mjs",
                  Map.of(
                      "X402J_TEST_KEY", market.info().requireAccount("buyer").privateKey(),
                      "X402J_TEST_RPC", market.info().rpcUrl()),
                  Duration.ofSeconds(90),
                  gateway.url() + "/report");

      assertThat(result.path("error").isMissingNode()).as(result.toString()).isTrue();
      assertThat(result.path("paid").path("status").asInt()).as(result.toString()).isEqualTo(200);
      assertThat(result.path("paid").path("receipt").path("success").asBoolean()).isTrue();
      assertThat(result.path("signedIn").path("status").asInt())
          .as(result.toString())
          .isEqualTo(200);
      assertThat(result.path("signedIn").path("body").asText()).isEqualTo("{\"report\":\"ok\"}");
      assertThat(market.sellerBalance()).as("paid once only").isEqualTo(before.add(PRICE));
      assertThat(signedInSeen)
          .containsExactly("", market.network() + ":" + market.buyer().address());
    } finally {
      upstream.stop(0);
    }
  }

  @Test
  void x402jsPayerPaysAnOfficialServerOnceThenSignsInToTheOfficialSiwxServerSide()
      throws Exception {
    X402Client client =
        X402Client.builder(
                Payer.builder()
                    .signer(market.buyer())
                    .networks(market.networks())
                    .spendControls(SpendControls.builder().maxPerPaymentUsd("0.10").build())
                    .signIn(SignInChoice.whenPaidWithin(Duration.ofHours(1)))
                    .build())
            .build();
    HttpRequest report = HttpRequest.newBuilder(URI.create(official.url() + "/report")).build();
    BigInteger before = market.sellerBalance();

    PaidResponse<String> paid = client.send(report, HttpResponse.BodyHandlers.ofString());
    assertThat(paid.statusCode()).as(paid.body()).isEqualTo(200);
    assertThat(paid.receipt().success()).isTrue();
    PaidResponse<String> signedIn = client.send(report, HttpResponse.BodyHandlers.ofString());

    assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(200);
    assertThat(signedIn.paid()).as("no payment the second time").isEmpty();
    assertThat(signedIn.body()).contains("\"report\":\"ok\"").contains("access_granted");
    assertThat(market.sellerBalance()).as("paid once only").isEqualTo(before.add(PRICE));
    assertThat(client.payer().spendLog().spends()).hasSize(1);
  }

  @Test
  void theOfficialClientsIdGoesThroughTheX402jFacilitatorAndItsConflictingReuseGets409()
      throws Exception {
    ObjectNode requirements = JSON.createObjectNode();
    requirements
        .put("scheme", "exact")
        .put("network", market.network().toString())
        .put("amount", "10000")
        .put("asset", "0x036CbD53842c5426634e7929541eC2318f3dCF7e")
        .put("payTo", market.seller().toString())
        .put("maxTimeoutSeconds", 60)
        .putObject("extra")
        .put("name", "USDC")
        .put("version", "2");
    // An x402j facilitator serving payment-identifier (the market's own does not), paying gas
    // from the market's second facilitator account.
    FacilitatorService withIds =
        FacilitatorService.builder()
            .scheme(
                ExactEvmFacilitator.builder()
                    .network(
                        EvmNetworkConfig.builder(
                                market.info().networkInfo(),
                                JsonRpcClient.builder(market.info().rpcUrl()).build())
                            .signer(market.info().requireAccount("other-facilitator").signer())
                            .build())
                    .build())
            .networks(market.networks())
            .paymentIdentifiers(PaymentIdentifierStore.inMemory(), ForkJoinPool.commonPool())
            .build();
    JsonNode result;
    BigInteger before = market.sellerBalance();
    try (FacilitatorServer server = FacilitatorServer.builder(withIds).port(0).build().start()) {
      Map<String, String> env = new HashMap<>(buyerEnv());
      env.put("X402J_REQUIREMENTS", requirements.toString());
      env.put("X402J_FACILITATOR_URL", server.url());
      result = Node.project().run("payment-id-facilitator.mjs", env, Duration.ofSeconds(90));
    }

    assertThat(result.path("error").isMissingNode()).as(result.toString()).isTrue();
    String id = result.path("id").asText();
    assertThat(result.path("ids").get(0).asText()).isEqualTo(id);
    assertThat(result.path("ids").get(1).asText()).isEqualTo(id);
    JsonNode first = result.path("first");
    assertThat(first.path("verify").path("ok").path("isValid").asBoolean())
        .as(first.toString())
        .isTrue();
    assertThat(first.path("settle").path("ok").path("success").asBoolean())
        .as(first.toString())
        .isTrue();
    // The same id on another payment: the official client's VerifyError / SettleError carry 409.
    JsonNode second = result.path("second");
    JsonNode verify = second.path("verify").path("error");
    assertThat(verify.path("statusCode").asInt()).as(second.toString()).isEqualTo(409);
    assertThat(verify.toString()).contains("payment_identifier_conflict");
    JsonNode settle = second.path("settle").path("error");
    assertThat(settle.path("statusCode").asInt()).as(second.toString()).isEqualTo(409);
    assertThat(settle.toString()).contains("payment_identifier_conflict");
    // The first payment settled again with its id, as the official client retries: the first
    // settlement's answer, the same transaction, and no second transfer.
    JsonNode repeat = result.path("repeat").path("settle").path("ok");
    assertThat(repeat.path("success").asBoolean()).as(result.toString()).isTrue();
    assertThat(repeat.path("transaction").asText())
        .as(result.toString())
        .isEqualTo(first.path("settle").path("ok").path("transaction").asText());
    assertThat(market.sellerBalance()).as("one payment settled").isEqualTo(before.add(PRICE));
  }

  @Test
  void x402jsClientIdReachesTheOfficialServerIntact() throws Exception {
    X402Client client =
        X402Client.builder(
                Payer.builder()
                    .signer(market.buyer())
                    .networks(market.networks())
                    .spendControls(SpendControls.builder().maxPerPaymentUsd("0.10").build())
                    .build())
            .build();

    PaidResponse<String> paid =
        client.send(
            HttpRequest.newBuilder(URI.create(official.url() + "/with-id")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(paid.statusCode()).as(paid.body()).isEqualTo(200);
    assertThat(paid.receipt().success()).isTrue();
    String header =
        paid.response().request().headers().firstValue("PAYMENT-SIGNATURE").orElseThrow();
    String sent =
        ((PaymentIdentifierExtension.Echo.Identified)
                PaymentIdentifierExtension.read(
                    HeaderCodec.standard().decodePaymentSignature(header).extensions()))
            .id()
            .value();
    JsonNode seen =
        JSON.readTree(
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create(official.url() + "/ids")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
    assertThat(seen.path("ids").toString()).contains("\"" + sent + "\"");
  }
}
