package io.x402j.interop;

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
import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetInfo;
import io.x402j.devnet.DevnetOptions;
import io.x402j.devnet.SolanaDevnet;
import io.x402j.evm.ExactEvmClient;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.facilitator.FacilitatorApp;
import io.x402j.facilitator.FacilitatorConfig;
import io.x402j.facilitator.FacilitatorConfig.NetworkSettings;
import io.x402j.svm.ExactSvmClient;
import io.x402j.svm.SolanaKeypair;
import io.x402j.svm.rpc.SolanaRpcClient;
import io.x402j.testkit.RawHttp;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The facilitator's operations console after real payments: two on the anvil devnet, one on the
 * Solana devnet (LiteSVM) and one refused, all through the facilitator's HTTP API. Raw HTTP shows
 * the console exists only on its own port; its JSON and search answer what happened; headless
 * Chromium shows it to a person and writes {@code target/facilitator-console.png} (and, with {@code
 * X402J_SCREENSHOT_DIR} set, a copy there: see the README's "Facilitator console").
 *
 * <p>Chromium as in {@link PaywallBrowserIT}: {@code X402J_CHROMIUM}, and {@code
 * X402J_REQUIRE_BROWSER} makes a missing browser a failure.
 */
class FacilitatorConsoleIT {
  private static final BigInteger ETH = BigInteger.TEN.pow(18);
  private static final WireCodec WIRE = WireCodec.standard();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Network SOLANA = Network.parse(SolanaDevnet.NETWORK);

  static Devnet evm;
  static DevnetInfo info;
  static SolanaDevnet solana;
  static FacilitatorApp app;
  static PrivateKeySigner buyer;
  static String seller;
  static String gasSigner;
  static String solanaFeePayer;
  static final List<String> transactions = new ArrayList<>();
  static String refusedReason;

  @BeforeAll
  static void start() throws Exception {
    evm =
        Devnet.start(
            DevnetOptions.builder()
                .account("gas", ETH, BigInteger.ZERO)
                .account("buyer", ETH, BigInteger.valueOf(1_000_000_000))
                .account("seller", BigInteger.ZERO, BigInteger.ZERO)
                .build());
    info = evm.info();
    solana = SolanaDevnet.start();
    buyer = info.requireAccount("buyer").signer();
    seller = info.requireAccount("seller").address().toString();
    gasSigner = info.requireAccount("gas").address().toString();
    solanaFeePayer = solana.info().requireAccount("facilitator").address();
    Path dir = Files.createTempDirectory("x402j-console-it");
    FacilitatorConfig config =
        FacilitatorConfig.builder()
            .port(0)
            .database("jdbc:sqlite:" + dir.resolve("ledger.db"))
            .network(
                NetworkSettings.builder(info.network())
                    .rpcUrl(info.rpcUrl())
                    .signersFromEnv("KEYS_EVM")
                    .asset(info.token())
                    .pollInterval(Duration.ofMillis(50))
                    .blockTime(Duration.ofMillis(200))
                    .build())
            .network(
                NetworkSettings.builder(SOLANA)
                    .rpcUrl(solana.info().rpcUrl())
                    .signersFromEnv("KEYS_SOL")
                    .mint(SolanaDevnet.USDC_DEVNET_MINT)
                    .build())
            // The gas signer holds 1 ETH: a 2 ETH threshold flags it; the Solana default does not.
            .admin(
                new FacilitatorConfig.AdminSettings(
                    0, null, null, Map.of("eip155", new BigDecimal("2"))))
            .build();
    app =
        FacilitatorApp.start(
            config,
            Map.of(
                "KEYS_EVM", info.requireAccount("gas").privateKey(),
                "KEYS_SOL", solana.info().requireAccount("facilitator").privateKey()),
            NetworkRegistry.defaults());

    for (int i = 0; i < 2; i++) {
      String body = evmBody(requirements(seller));
      if (i == 0) {
        assertThat(WIRE.decodeVerifyResponse(post("/verify", body)).isValid()).isTrue();
      }
      transactions.add(settle(body).transaction());
    }
    SolanaRpcClient rpc = SolanaRpcClient.connect(solana.info().rpcUrl());
    SolanaKeypair solBuyer =
        SolanaKeypair.fromBase58Secret(solana.info().requireAccount("buyer").privateKey());
    PaymentRequirements sol =
        PaymentRequirements.builder()
            .scheme("exact")
            .network(SOLANA)
            .amount(TokenAmount.of(5_000))
            .asset(SolanaDevnet.USDC_DEVNET_MINT)
            .payTo(solana.info().requireAccount("seller").address())
            .maxTimeoutSeconds(60)
            .extra("feePayer", solanaFeePayer)
            .build();
    PaymentPayload solPayload =
        PaymentPayload.of(null, sol, ExactSvmClient.of(solBuyer, rpc, rpc).createPayload(2, sol));
    transactions.add(settle(WIRE.toJson(FacilitatorRequest.of(solPayload, sol))).transaction());

    // Signed for another recipient than required: refused, with a reason.
    PaymentPayload wrong =
        PaymentPayload.of(
            null,
            requirements(seller),
            ExactEvmClient.of(buyer)
                .createPayload(2, requirements(info.requireAccount("buyer").address().toString())));
    SettleResponse refused =
        WIRE.decodeSettleResponse(
            post("/settle", WIRE.toJson(FacilitatorRequest.of(wrong, requirements(seller)))));
    assertThat(refused.success()).isFalse();
    refusedReason = refused.errorReason();
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
    if (solana != null) {
      solana.close();
    }
    if (evm != null) {
      evm.close();
    }
  }

  private static PaymentRequirements requirements(String payTo) {
    return PaymentRequirements.builder()
        .network(info.network())
        .amount(TokenAmount.of(10_000))
        .asset(info.token().toString())
        .payTo(payTo)
        .extra("name", info.tokenName())
        .extra("version", info.tokenVersion())
        .build();
  }

  private static String evmBody(PaymentRequirements required) {
    PaymentPayload payload =
        PaymentPayload.of(null, required, ExactEvmClient.of(buyer).createPayload(2, required));
    return WIRE.toJson(FacilitatorRequest.of(payload, required));
  }

  private static SettleResponse settle(String body) throws Exception {
    SettleResponse settled = WIRE.decodeSettleResponse(post("/settle", body));
    assertThat(settled.success()).as("%s", settled).isTrue();
    return settled;
  }

  private static String post(String path, String body) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(app.url() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static HttpResponse<String> admin(String pathAndQuery) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(app.adminUrl() + pathAndQuery)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The overview once the signers' balances have been read (the first read is asynchronous). */
  private static JsonNode overviewWithBalances() {
    return org.awaitility.Awaitility.await("the signers' balances in the console")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> JSON.readTree(admin("/api/overview").body()),
            overview -> {
              for (JsonNode signer : overview.path("signers")) {
                if (signer.path("balance").isNull()) {
                  return false;
                }
              }
              return true;
            });
  }

  private static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Test
  void theConsoleIsOnlyOnItsOwnPortAndTheApiIsNotOnIt() throws Exception {
    assertThat(app.adminUrl()).startsWith("http://127.0.0.1:");
    assertThat(app.adminPort()).isNotEqualTo(app.port());
    RawHttp publicPort = new RawHttp("127.0.0.1", app.port());
    for (String path :
        List.of("/", "/api/overview", "/api/settlements", "/assets/x402j.css", "/admin")) {
      assertThat(publicPort.get(path)).as(path).contains(" 404");
    }
    // The public /settlements is the API's JSON list, not the console's page.
    String listed =
        publicPort.exchangeWhole(
            "GET /settlements HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
    assertThat(listed).contains("application/json").doesNotContain("<html");

    RawHttp adminPort = new RawHttp("127.0.0.1", app.adminPort());
    for (String path : List.of("/verify", "/settle", "/supported", "/health", "/metrics")) {
      assertThat(adminPort.get(path)).as(path).contains(" 404");
    }
    String settle =
        adminPort.exchangeWhole(
            ("POST /settle HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 2\r\nConnection: close\r\n\r\n{}")
                .getBytes(StandardCharsets.ISO_8859_1));
    assertThat(settle).startsWith("HTTP/1.1 405").contains("Content-Security-Policy");
  }

  @Test
  void theOverviewShowsSettlementsSignersLanesAndFailures() throws Exception {
    JsonNode o = overviewWithBalances();
    assertThat(o.path("totals").path("confirmed").asLong()).as(o.toString()).isEqualTo(3);
    assertThat(o.path("totals").path("unresolved").asLong()).isZero();
    assertThat(o.path("byNetwork").findValuesAsText("network"))
        .containsExactlyInAnyOrder(info.network().toString(), SolanaDevnet.NETWORK);
    assertThat(o.path("window").path("settles").asLong()).isEqualTo(4);
    assertThat(o.path("failures").findValuesAsText("reason")).contains("settle: " + refusedReason);
    assertThat(o.path("reconciled").path("passes").asLong()).isPositive();
    assertThat(o.path("recent").findValuesAsText("transaction")).containsAll(transactions);

    Map<String, JsonNode> signers = new HashMap<>();
    o.path("signers").forEach(s -> signers.put(s.path("signer").asText(), s));
    JsonNode gas = signers.get(gasSigner);
    assertThat(gas).as(o.path("signers").toString()).isNotNull();
    assertThat(gas.path("currency").asText()).isEqualTo("ETH");
    assertThat(new BigDecimal(gas.path("balance").asText()))
        // read every 30 s: before or after the settlements' gas
        .isLessThanOrEqualTo(BigDecimal.ONE)
        .isGreaterThan(new BigDecimal("0.9"));
    assertThat(gas.path("low").asBoolean()).isTrue();
    assertThat(gas.path("status").asText()).isEqualTo("LOW: below 2 ETH");
    JsonNode fee = signers.get(solanaFeePayer);
    assertThat(fee.path("currency").asText()).isEqualTo("SOL");
    assertThat(fee.path("low").asBoolean()).isFalse();
    assertThat(fee.path("status").asText()).isEqualTo("ok");

    JsonNode lane = o.path("lanes").get(0);
    assertThat(lane.path("signer").asText()).isEqualTo(gasSigner);
    assertThat(lane.path("nextNonce").asText()).isEqualTo("2");
    assertThat(lane.path("inFlight").asInt()).isZero();
    assertThat(lane.path("held").asInt()).isZero();
    assertThat(o.path("latency").path("series").get(0).path("label").asText())
        .isEqualTo("settle p50 ms");
  }

  @Test
  void settlementsAreSearchableAndBadInputIsA400NamingTheParameter() throws Exception {
    String payer = buyer.address().toString();
    for (String spelling : List.of(payer, payer.toLowerCase(java.util.Locale.ROOT))) {
      JsonNode found = JSON.readTree(admin("/api/settlements?payer=" + q(spelling)).body());
      assertThat(found.path("settlements").size()).as(spelling).isEqualTo(2);
    }
    JsonNode byTx =
        JSON.readTree(admin("/api/settlements?transaction=" + q(transactions.get(2))).body());
    assertThat(byTx.path("settlements").size()).isEqualTo(1);
    assertThat(byTx.path("settlements").get(0).path("network").asText())
        .isEqualTo(SolanaDevnet.NETWORK);
    JsonNode byPayTo =
        JSON.readTree(admin("/api/settlements?payTo=" + q(seller) + "&state=confirmed").body());
    assertThat(byPayTo.path("settlements").size()).isEqualTo(2);
    assertThat(
            JSON.readTree(admin("/api/settlements?state=failed").body()).path("settlements").size())
        .isZero();

    Map<String, String> bad =
        Map.of(
            "payer", "/api/settlements?payer=" + q("0x12' OR '1'='1"),
            "payTo", "/api/settlements?payTo=nobody",
            "transaction", "/api/settlements?transaction=0x1234",
            "network", "/api/settlements?network=mainnet",
            "state", "/api/settlements?state=paid",
            "limit", "/settlements?limit=0");
    for (Map.Entry<String, String> e : bad.entrySet()) {
      HttpResponse<String> answer = admin(e.getValue());
      assertThat(answer.statusCode()).as(e.getValue()).isEqualTo(400);
      assertThat(answer.body()).startsWith("bad parameter " + e.getKey() + ":");
      assertThat(answer.headers().firstValue("Content-Security-Policy")).isPresent();
    }
  }

  @Test
  void aPersonSeesTheConsoleInChromium() throws Exception {
    String chromium = chromium();
    JsonNode o = overviewWithBalances();
    Path screenshot = Path.of("target", "facilitator-console.png").toAbsolutePath();
    Files.createDirectories(screenshot.getParent());
    Files.deleteIfExists(screenshot);
    JsonNode seen =
        Node.project()
            .run(
                "console.mjs",
                Map.of("X402J_CHROMIUM", chromium),
                Duration.ofSeconds(90),
                app.adminUrl() + "/",
                screenshot.toString(),
                "transaction=" + q(transactions.get(0)));

    assertThat(seen.path("status").asInt()).isEqualTo(200);
    assertThat(seen.path("headers").path("content-security-policy").asText())
        .contains("default-src 'self'");
    assertThat(seen.path("problems").size()).as("browser complaints: %s", seen).isZero();
    assertThat(seen.path("title").asText()).isEqualTo("Overview · x402j facilitator");
    assertThat(seen.path("confirmed").asText()).isEqualTo("3");
    assertThat(seen.path("text").asText())
        .contains(info.network().toString(), SolanaDevnet.NETWORK, gasSigner, solanaFeePayer);
    assertThat(seen.path("charts").asInt()).isEqualTo(2);

    JsonNode gasRow = null;
    for (JsonNode row : seen.path("signers")) {
      if (row.get(1).path("text").asText().equals(gasSigner)) {
        gasRow = row;
      }
    }
    assertThat(gasRow).as(seen.path("signers").toString()).isNotNull();
    // The balance is re-read every 30 s: what the page shows is what the JSON said before or after.
    List<String> balanceTexts = new ArrayList<>();
    for (JsonNode overview : List.of(o, overviewWithBalances())) {
      for (JsonNode s : overview.path("signers")) {
        if (s.path("signer").asText().equals(gasSigner)) {
          balanceTexts.add(s.path("balanceText").asText());
        }
      }
    }
    assertThat(gasRow.get(2).path("text").asText()).isIn(balanceTexts).endsWith(" ETH");
    assertThat(gasRow.get(3).path("text").asText()).startsWith("LOW");
    assertThat(gasRow.get(3).path("cls").asText()).isEqualTo("bad");
    JsonNode lane = seen.path("lanes").get(0);
    assertThat(lane.get(1).path("text").asText()).isEqualTo(gasSigner);
    assertThat(lane.get(2).path("text").asText()).isEqualTo("2");

    assertThat(seen.path("phoneOverflow").asInt()).as("wider than a phone").isLessThanOrEqualTo(0);
    assertThat(seen.path("searchStatus").asInt()).isEqualTo(200);
    assertThat(seen.path("search").size()).isEqualTo(1);
    assertThat(seen.path("search").get(0).toString()).contains(transactions.get(0));

    byte[] png = Files.readAllBytes(screenshot);
    assertThat(png.length).isGreaterThan(10_000);
    assertThat(new String(png, 1, 3, StandardCharsets.ISO_8859_1)).isEqualTo("PNG");
    String copyTo = System.getenv("X402J_SCREENSHOT_DIR");
    if (copyTo != null && !copyTo.isBlank()) {
      Path target = Path.of(copyTo).resolve("facilitator-console.png");
      Files.createDirectories(target.getParent());
      Files.copy(screenshot, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Test
  void theGrafanaDashboardQueriesOnlyMetricsTheFacilitatorExports() throws Exception {
    JsonNode dashboard =
        JSON.readTree(Path.of("..", "docs", "grafana", "facilitator.json").toFile());
    List<String> queries = new ArrayList<>();
    dashboard
        .path("panels")
        .forEach(p -> p.path("targets").forEach(t -> queries.add(t.path("expr").asText())));
    dashboard
        .path("templating")
        .path("list")
        .forEach(v -> queries.add(v.path("query").path("query").asText()));
    java.util.Set<String> names = new java.util.TreeSet<>();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\\b(?:x402j|jvm|process)_[a-z0-9_]+\\b")
            .matcher(String.join("\n", queries));
    while (m.find()) {
      names.add(m.group());
    }
    assertThat(names)
        .contains(
            "x402j_facilitator_settle_seconds_bucket",
            "x402j_facilitator_verify_seconds_count",
            "x402j_facilitator_signer_balance_eth",
            "x402j_facilitator_signer_balance_sol");
    String metrics =
        HTTP.send(
                HttpRequest.newBuilder(URI.create(app.url() + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    List<String> missing = new ArrayList<>();
    for (String name : names) {
      if (!java.util.regex.Pattern.compile("(?m)^" + name + "[{ ]").matcher(metrics).find()) {
        missing.add(name);
      }
    }
    assertThat(missing).as("queried by the dashboard, absent from /metrics").isEmpty();
  }

  private static String chromium() {
    String configured = System.getenv("X402J_CHROMIUM");
    String chromium =
        configured != null && !configured.isBlank() ? configured : "/usr/bin/chromium";
    boolean present = Files.isExecutable(Path.of(chromium));
    if (!present && System.getenv("X402J_REQUIRE_BROWSER") != null) {
      throw new AssertionError("Chromium is required but " + chromium + " is missing");
    }
    Assumptions.assumeTrue(present, "Chromium not found at " + chromium);
    return chromium;
  }
}
