package io.x402j.facilitator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.TokenAmount;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.WireCodec;
import io.x402j.devnet.SolanaDevnet;
import io.x402j.facilitator.FacilitatorConfig.NetworkSettings;
import io.x402j.settlement.SettlementState;
import io.x402j.svm.ExactSvmClient;
import io.x402j.svm.ExactSvmPayload;
import io.x402j.svm.SolanaKeypair;
import io.x402j.svm.facilitator.SvmSettlementEngine;
import io.x402j.svm.rpc.SolanaRpcClient;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The facilitator service on a Solana network of the real SVM (the devnet over litesvm), with a
 * SQLite ledger: /supported, /verify and /settle over HTTP, duplicates, and a settlement left
 * pending then reconciled when the service starts again on the same database.
 */
class SolanaFacilitatorIT {
  private static final WireCodec WIRE = WireCodec.standard();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Network NETWORK = Network.parse(SolanaDevnet.NETWORK);

  private static SolanaDevnet devnet;
  private static SolanaRpcClient rpc;
  private static SolanaKeypair buyer;
  private static String seller;
  private static String feePayer;
  private static Map<String, String> env;
  private static Path dir;

  @BeforeAll
  static void start() throws Exception {
    devnet = SolanaDevnet.start();
    rpc = SolanaRpcClient.connect(devnet.info().rpcUrl());
    buyer = SolanaKeypair.fromBase58Secret(devnet.info().requireAccount("buyer").privateKey());
    seller = devnet.info().requireAccount("seller").address();
    feePayer = devnet.info().requireAccount("facilitator").address();
    env = Map.of("X402J_SIGNER_KEYS", devnet.info().requireAccount("facilitator").privateKey());
    dir = Files.createTempDirectory("x402j-solana-facilitator");
  }

  @AfterAll
  static void stop() {
    if (devnet != null) {
      devnet.close();
    }
  }

  private static FacilitatorConfig config(Path db, Duration confirmTimeout) {
    return FacilitatorConfig.builder()
        .port(0)
        .database("jdbc:sqlite:" + db)
        .network(
            NetworkSettings.builder(NETWORK)
                .rpcUrl(devnet.info().rpcUrl())
                .signersFromEnv("X402J_SIGNER_KEYS")
                .mint(SolanaDevnet.USDC_DEVNET_MINT)
                .receiptTimeout(confirmTimeout)
                .build())
        .build();
  }

  private static FacilitatorApp app(Path db, Duration confirmTimeout) {
    return FacilitatorApp.start(
        config(db, confirmTimeout),
        env,
        NetworkRegistry.defaults(),
        Clock.systemUTC(),
        System::nanoTime);
  }

  private static PaymentRequirements requirements(long amount) {
    return PaymentRequirements.builder()
        .scheme("exact")
        .network(NETWORK)
        .amount(TokenAmount.of(amount))
        .asset(SolanaDevnet.USDC_DEVNET_MINT)
        .payTo(seller)
        .maxTimeoutSeconds(60)
        .extra("feePayer", feePayer)
        .build();
  }

  private static PaymentPayload pay(PaymentRequirements req) {
    return PaymentPayload.of(null, req, ExactSvmClient.of(buyer, rpc, rpc).createPayload(2, req));
  }

  private static HttpResponse<String> post(FacilitatorApp app, String path, String body)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(app.url() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode get(FacilitatorApp app, String path) throws Exception {
    return JSON.readTree(
        HTTP.send(
                HttpRequest.newBuilder(URI.create(app.url() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  private static BigInteger sellerBalance() {
    return devnet.controls().tokenBalance(seller).amount();
  }

  @Test
  void supportedVerifySettleAndDuplicatesOverHttpWithASqliteLedger() throws Exception {
    try (FacilitatorApp app = app(dir.resolve("one.db"), Duration.ofSeconds(10))) {
      JsonNode supported = get(app, "/supported");
      JsonNode kinds = supported.path("kinds");
      assertThat(kinds.findValuesAsText("network")).contains(SolanaDevnet.NETWORK, "solana-devnet");
      for (JsonNode kind : kinds) {
        assertThat(kind.path("scheme").asText()).isEqualTo("exact");
        assertThat(kind.path("extra").path("feePayer").asText()).isEqualTo(feePayer);
      }
      assertThat(supported.path("signers").path("solana:*").get(0).asText()).isEqualTo(feePayer);

      PaymentRequirements req = requirements(1234);
      String body = WIRE.toJson(FacilitatorRequest.of(pay(req), req));
      BigInteger before = sellerBalance();

      HttpResponse<String> verified = post(app, "/verify", body);
      assertThat(verified.statusCode()).isEqualTo(200);
      assertThat(WIRE.decodeVerifyResponse(verified.body()).isValid()).as(verified.body()).isTrue();

      SettleResponse settled = WIRE.decodeSettleResponse(post(app, "/settle", body).body());
      assertThat(settled.success()).as("%s", settled).isTrue();
      assertThat(settled.network()).isEqualTo(SolanaDevnet.NETWORK);
      assertThat(sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(1234)));

      SettleResponse again = WIRE.decodeSettleResponse(post(app, "/settle", body).body());
      assertThat(again.errorReason()).isEqualTo("duplicate_settlement");
      assertThat(sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(1234)));

      String metrics =
          HTTP.send(
                  HttpRequest.newBuilder(URI.create(app.url() + "/metrics")).GET().build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(metrics).contains("x402j_facilitator_signer_balance").contains(feePayer);
    }
  }

  @Test
  void aPendingSettlementIsReconciledWhenTheServiceStartsAgain() throws Exception {
    Path db = dir.resolve("restart.db");
    PaymentRequirements req = requirements(4321);
    PaymentPayload payload = pay(req);
    String body = WIRE.toJson(FacilitatorRequest.of(payload, req));
    BigInteger before = sellerBalance();
    SettleResponse pending;
    devnet.controls().holdTransactions(true);
    try (FacilitatorApp app = app(db, Duration.ofMillis(300))) {
      pending = WIRE.decodeSettleResponse(post(app, "/settle", body).body());
    } finally {
      devnet.controls().holdTransactions(false);
    }
    assertThat(pending.isPending()).as("%s", pending).isTrue();
    devnet.controls().releaseTransactions();

    try (FacilitatorApp app = app(db, Duration.ofMillis(300))) {
      var key =
          SvmSettlementEngine.ledgerKey(
              NETWORK, ExactSvmPayload.parse(payload.payload()).transaction().messageBytes());
      assertThat(app.ledger().find(key).orElseThrow().state()).isEqualTo(SettlementState.CONFIRMED);
      assertThat(sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(4321)));
      SettleResponse again = WIRE.decodeSettleResponse(post(app, "/settle", body).body());
      assertThat(again.errorReason()).isEqualTo("duplicate_settlement");
      assertThat(sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(4321)));
    }
  }
}
