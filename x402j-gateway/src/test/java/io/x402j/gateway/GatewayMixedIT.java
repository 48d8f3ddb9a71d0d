package io.x402j.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.x402j.client.PaidResponse;
import io.x402j.client.Payer;
import io.x402j.client.PaymentAuthorization;
import io.x402j.client.PaymentChallenge;
import io.x402j.client.SpendControls;
import io.x402j.client.X402Client;
import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.devnet.SolanaDevnet;
import io.x402j.facilitator.FacilitatorApp;
import io.x402j.facilitator.FacilitatorConfig;
import io.x402j.facilitator.FacilitatorConfig.NetworkSettings;
import io.x402j.svm.SolanaKeypair;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15's mixed gateway, all parts real: a YAML selling {@code GET /weather} on a devnet that
 * mirrors Base Sepolia (USDC, anvil) and, through {@code alsoAccept}, on the Solana devnet (USDC
 * mint); an x402j facilitator serving both networks; a real upstream. One 402 offers both; an EVM
 * payer and a Solana payer each buy exactly one response, and a replayed payment buys nothing.
 */
class GatewayMixedIT {
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final Network SOLANA = Network.parse(SolanaDevnet.NETWORK);

  static TestMarket market;
  static SolanaDevnet solana;
  static FacilitatorApp facilitator;
  static HttpServer upstream;
  static Gateway gateway;
  static final AtomicInteger upstreamHits = new AtomicInteger();
  static String solSeller;

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.startMirroringBaseSepolia();
    solana = SolanaDevnet.start();
    solSeller = solana.info().requireAccount("seller").address();
    Path dir = Files.createTempDirectory("x402j-gateway-mixed");
    facilitator =
        FacilitatorApp.start(
            FacilitatorConfig.builder()
                .port(0)
                .database("jdbc:sqlite:" + dir.resolve("ledger.db"))
                .network(
                    NetworkSettings.builder(market.network())
                        .rpcUrl(market.info().rpcUrl())
                        .signersFromEnv("EVM_KEYS")
                        .asset(market.info().token())
                        .pollInterval(Duration.ofMillis(50))
                        .blockTime(Duration.ofMillis(200))
                        .build())
                .network(
                    NetworkSettings.builder(SOLANA)
                        .rpcUrl(solana.info().rpcUrl())
                        .signersFromEnv("SOL_KEYS")
                        .mint(SolanaDevnet.USDC_DEVNET_MINT)
                        .receiptTimeout(Duration.ofSeconds(10))
                        .build())
                .build(),
            Map.of(
                "EVM_KEYS", market.info().requireAccount("facilitator").privateKey(),
                "SOL_KEYS", solana.info().requireAccount("facilitator").privateKey()),
            NetworkRegistry.defaults());
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          upstreamHits.incrementAndGet();
          byte[] body = "{\"weather\":\"sunny\"}".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    upstream.start();
    Path yaml = dir.resolve("gateway.yaml");
    Files.writeString(
        yaml,
        String.join(
            "\n",
            "port: 0",
            "upstream: http://127.0.0.1:" + upstream.getAddress().getPort(),
            "facilitator: {url: '" + facilitator.url() + "'}",
            "network: eip155:84532",
            "payTo: '" + market.payTo() + "'",
            "paywall: {enabled: false}",
            "routes:",
            "  - {route: GET /weather, price: $0.001}",
            "alsoAccept:",
            "  - network: " + SolanaDevnet.NETWORK,
            "    asset: {address: " + SolanaDevnet.USDC_DEVNET_MINT + "}",
            "    payTo: " + solSeller,
            ""));
    gateway = GatewayConfig.load(yaml, Map.of()).start(Map.of());
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (upstream != null) {
      upstream.stop(0);
    }
    if (facilitator != null) {
      facilitator.close();
    }
    if (solana != null) {
      solana.close();
    }
    if (market != null) {
      market.close();
    }
  }

  static URI weather() {
    return URI.create(gateway.url() + "/weather");
  }

  static HttpResponse<String> get(Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(weather());
    headers.forEach(b::header);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Pays the 402 with {@code payer}, then sends the same payment once more. */
  static void buysExactlyOneResponse(Payer payer, Network expected) throws Exception {
    int before = upstreamHits.get();
    HttpResponse<String> unpaid = get(Map.of());
    assertThat(unpaid.statusCode()).isEqualTo(402);
    PaymentAuthorization auth =
        payer.authorize(
            new PaymentChallenge(
                weather(), unpaid.headers().map(), unpaid.body().getBytes(StandardCharsets.UTF_8)));
    assertThat(auth.payment().requirements().network()).isEqualTo(expected);

    HttpResponse<String> paid = get(Map.of(auth.headerName(), auth.headerValue()));
    assertThat(paid.statusCode()).as(paid.body()).isEqualTo(200);
    assertThat(paid.body()).isEqualTo("{\"weather\":\"sunny\"}");
    assertThat(paid.headers().firstValue("PAYMENT-RESPONSE")).isPresent();
    assertThat(upstreamHits).hasValue(before + 1);

    HttpResponse<String> again = get(Map.of(auth.headerName(), auth.headerValue()));
    assertThat(again.statusCode()).isEqualTo(402);
    assertThat(upstreamHits).hasValue(before + 1);
  }

  @Test
  void oneOfferPerNetworkInOne402() throws Exception {
    HttpResponse<String> unpaid = get(Map.of());

    assertThat(unpaid.statusCode()).isEqualTo(402);
    PaymentRequired required =
        HEADERS.decodePaymentRequired(
            unpaid.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
    assertThat(required.accepts())
        .extracting(PaymentRequirements::network)
        .containsExactly(market.network(), SOLANA);
    PaymentRequirements evm = required.accepts().get(0);
    PaymentRequirements svm = required.accepts().get(1);
    assertThat(evm.amount().toString()).isEqualTo("1000");
    assertThat(evm.payTo()).isEqualToIgnoringCase(market.payTo());
    assertThat(svm.amount().toString()).isEqualTo("1000");
    assertThat(svm.asset()).isEqualTo(SolanaDevnet.USDC_DEVNET_MINT);
    assertThat(svm.payTo()).isEqualTo(solSeller);
    assertThat(svm.extra().get("feePayer"))
        .isEqualTo(solana.info().requireAccount("facilitator").address());
  }

  @Test
  void anEvmPayerBuysOneResponse() throws Exception {
    BigInteger before = market.sellerBalance();
    Payer evm =
        Payer.builder()
            .signer(market.buyer())
            .networks(NetworkRegistry.defaults())
            .spendControls(SpendControls.unlimited())
            .build();

    buysExactlyOneResponse(evm, market.network());

    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(1000)));
  }

  @Test
  void aSolanaPayerBuysOneResponse() throws Exception {
    BigInteger before = solana.controls().tokenBalance(solSeller).amount();
    Payer svm =
        Payer.builder()
            .svmSigner(
                SolanaKeypair.fromBase58Secret(solana.info().requireAccount("buyer").privateKey()))
            .solanaRpcUrl(solana.info().rpcUrl())
            .spendControls(SpendControls.unlimited())
            .build();

    buysExactlyOneResponse(svm, SOLANA);

    assertThat(solana.controls().tokenBalance(solSeller).amount())
        .isEqualTo(before.add(BigInteger.valueOf(1000)));
  }

  @Test
  void theX402ClientPaysTooWithWhicheverNetworkItCan() throws Exception {
    Payer svm =
        Payer.builder()
            .svmSigner(
                SolanaKeypair.fromBase58Secret(solana.info().requireAccount("buyer").privateKey()))
            .solanaRpcUrl(solana.info().rpcUrl())
            .spendControls(SpendControls.unlimited())
            .build();
    PaidResponse<String> response =
        X402Client.builder(svm)
            .build()
            .send(HttpRequest.newBuilder(weather()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.settled()).isTrue();
  }
}
