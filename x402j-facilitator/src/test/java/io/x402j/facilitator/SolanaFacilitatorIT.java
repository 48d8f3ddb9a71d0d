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

      ch.qos.logback.classic.Logger serviceLog =
          (ch.qos.logback.classic.Logger)
              org.slf4j.LoggerFactory.getLogger("io.x402j.facilitator.payments");
      ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
          new ch.qos.logback.core.read.ListAppender<>();
      lines.start();
      serviceLog.addAppender(lines);
      SettleResponse settled;
      try {
        settled = WIRE.decodeSettleResponse(post(app, "/settle", body).body());
      } finally {
        serviceLog.detachAppender(lines);
      }
      assertThat(settled.success()).as("%s", settled).isTrue();
      // The request names no payer (it is inside the transaction): the line shows the derived one.
      assertThat(lines.list)
          .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
          .anySatisfy(
              line ->
                  assertThat(line)
                      .contains("outcome=success")
                      .contains("payer='" + buyer.address() + "'"));
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

  /**
   * Hostile and odd Solana requests get a clear refusal, never a 500, a trace or a valid. (An
   * {@code extra.memo} that was not a string used to be skipped, so the payment was valid and
   * settled without the memo rule.)
   */
  @Test
  void oddSolanaRequestsAreRefusedClearly() throws Exception {
    PaymentRequirements req = requirements(77);
    String valid = WIRE.toJson(FacilitatorRequest.of(pay(req), req));
    String tx =
        JSON.readTree(valid).path("paymentPayload").path("payload").path("transaction").asText();
    Map<String, java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode>> cases =
        new java.util.LinkedHashMap<>();
    cases.put("payload null", b -> pp(b).putNull("payload"));
    cases.put(
        "transaction number",
        b ->
            ((com.fasterxml.jackson.databind.node.ObjectNode) pp(b).path("payload"))
                .put("transaction", 123));
    cases.put(
        "transaction empty",
        b ->
            ((com.fasterxml.jackson.databind.node.ObjectNode) pp(b).path("payload"))
                .put("transaction", ""));
    cases.put(
        "transaction url-safe",
        b ->
            ((com.fasterxml.jackson.databind.node.ObjectNode) pp(b).path("payload"))
                .put("transaction", tx.replace('+', '-').replace('/', '_')));
    cases.put(
        "transaction whitespace",
        b ->
            ((com.fasterxml.jackson.databind.node.ObjectNode) pp(b).path("payload"))
                .put("transaction", tx.substring(0, 8) + "\n" + tx.substring(8)));
    cases.put(
        "transaction garbage",
        b ->
            ((com.fasterxml.jackson.databind.node.ObjectNode) pp(b).path("payload"))
                .put("transaction", java.util.Base64.getEncoder().encodeToString(new byte[1232])));
    cases.put(
        "feePayer number",
        b ->
            both(
                b,
                r ->
                    ((com.fasterxml.jackson.databind.node.ObjectNode) r.path("extra"))
                        .put("feePayer", 123)));
    cases.put("extra null", b -> both(b, r -> r.putNull("extra")));
    cases.put(
        "memo number",
        b ->
            both(
                b,
                r ->
                    ((com.fasterxml.jackson.databind.node.ObjectNode) r.path("extra"))
                        .put("memo", 5)));
    cases.put(
        "asset fullwidth",
        b -> both(b, r -> r.put("asset", "\uff14zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU")));
    cases.put("asset null", b -> both(b, r -> r.putNull("asset")));
    cases.put("payTo bad", b -> both(b, r -> r.put("payTo", "0OIl")));
    cases.put("payTo null", b -> both(b, r -> r.putNull("payTo")));
    cases.put("amount fullwidth", b -> both(b, r -> r.put("amount", "\uff17\uff17")));
    cases.put("amount arabic", b -> both(b, r -> r.put("amount", "\u0667\u0667")));
    cases.put("amount overflow", b -> both(b, r -> r.put("amount", "184467440737095516160")));
    cases.put("amount negative", b -> both(b, r -> r.put("amount", "-77")));
    cases.put("network v1 name in v2", b -> both(b, r -> r.put("network", "solana-devnet")));
    cases.put(
        "network other solana",
        b -> both(b, r -> r.put("network", "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp")));
    cases.put("scheme null", b -> both(b, r -> r.putNull("scheme")));
    StringBuilder report = new StringBuilder();
    try (FacilitatorApp app = app(dir.resolve("odd.db"), Duration.ofSeconds(5))) {
      for (var c : cases.entrySet()) {
        com.fasterxml.jackson.databind.node.ObjectNode body =
            (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(valid);
        c.getValue().accept(body);
        for (String path : new String[] {"/verify", "/settle"}) {
          HttpResponse<String> r = post(app, path, JSON.writeValueAsString(body));
          report
              .append(c.getKey())
              .append(' ')
              .append(path)
              .append(" -> ")
              .append(r.statusCode())
              .append(' ')
              .append(r.body())
              .append('\n');
        }
      }
    }
    assertThat(report.toString())
        .doesNotContain("-> 500")
        .doesNotContain("\"isValid\":true")
        .doesNotContain("\"success\":true")
        .doesNotContain("Exception");
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode pp(
      com.fasterxml.jackson.databind.node.ObjectNode body) {
    return (com.fasterxml.jackson.databind.node.ObjectNode) body.path("paymentPayload");
  }

  private static void both(
      com.fasterxml.jackson.databind.node.ObjectNode body,
      java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> change) {
    change.accept(
        (com.fasterxml.jackson.databind.node.ObjectNode) body.path("paymentRequirements"));
    change.accept((com.fasterxml.jackson.databind.node.ObjectNode) pp(body).path("accepted"));
  }

  /** One transaction settles once whether it arrives in the v1 or the v2 request form. */
  @Test
  void theSameTransactionInV1AndV2FormsSettlesOnce() throws Exception {
    PaymentRequirements req = requirements(55);
    PaymentPayload payload = pay(req);
    String v2 = WIRE.toJson(FacilitatorRequest.of(payload, req));
    String tx = (String) payload.payload().get("transaction");
    String v1Requirements =
        "{\"scheme\":\"exact\",\"network\":\"solana-devnet\",\"maxAmountRequired\":\"55\","
            + "\"resource\":\"https://example.com/r\",\"description\":\"\",\"mimeType\":\"\","
            + "\"payTo\":\""
            + seller
            + "\",\"maxTimeoutSeconds\":60,\"asset\":\""
            + SolanaDevnet.USDC_DEVNET_MINT
            + "\",\"extra\":{\"feePayer\":\""
            + feePayer
            + "\"}}";
    String v1 =
        "{\"x402Version\":1,\"paymentPayload\":{\"x402Version\":1,\"scheme\":\"exact\","
            + "\"network\":\"solana-devnet\",\"payload\":{\"transaction\":\""
            + tx
            + "\"}},\"paymentRequirements\":"
            + v1Requirements
            + "}";
    BigInteger before = sellerBalance();
    try (FacilitatorApp app = app(dir.resolve("v1v2.db"), Duration.ofSeconds(10))) {
      HttpResponse<String> verified = post(app, "/verify", v1);
      assertThat(verified.body()).contains("\"isValid\":true");
      HttpResponse<String> first = post(app, "/settle", v1);
      assertThat(first.body()).contains("\"success\":true");
      HttpResponse<String> second = post(app, "/settle", v2);
      assertThat(second.body()).contains("duplicate_settlement");
      assertThat(post(app, "/settle", v1).body()).contains("duplicate_settlement");
      HttpResponse<String> mainnet = post(app, "/settle", v1.replace("solana-devnet", "solana"));
      assertThat(mainnet.statusCode()).as(mainnet.body()).isIn(200, 400);
      assertThat(mainnet.body()).doesNotContain("\"success\":true");
    }
    assertThat(sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(55)));
  }
}
