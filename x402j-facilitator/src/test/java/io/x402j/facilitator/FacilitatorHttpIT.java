package io.x402j.facilitator;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.NetworkPattern;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.SchemeFacilitator;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentPayloadV1;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.PaymentRequirementsV1;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.core.wire.WireCodec;
import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetInfo;
import io.x402j.devnet.DevnetOptions;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.ExactEvmClient;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.facilitator.FacilitatorConfig.NetworkSettings;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The facilitator's HTTP API on a real chain, end to end. */
class FacilitatorHttpIT {
  static final BigInteger ETH = BigInteger.TEN.pow(18);
  static final WireCodec WIRE = WireCodec.standard();
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  static Devnet devnet;
  static DevnetInfo info;
  static PrivateKeySigner buyer;
  static PrivateKeySigner otherBuyer;
  static EvmAddress seller;
  static Path dir;
  static FacilitatorApp app;

  @BeforeAll
  static void start() throws Exception {
    devnet =
        Devnet.start(
            DevnetOptions.builder()
                .account("gas-1", ETH, BigInteger.ZERO)
                .account("gas-2", ETH, BigInteger.ZERO)
                .account("gas-3", ETH, BigInteger.ZERO)
                .account("gas-4", ETH, BigInteger.ZERO)
                .account("buyer", ETH, BigInteger.valueOf(1_000_000_000))
                .account("other-buyer", ETH, BigInteger.valueOf(1_000_000_000))
                .account("griefer", ETH, BigInteger.valueOf(10_000))
                .account("seller", BigInteger.ZERO, BigInteger.ZERO)
                .build());
    info = devnet.info();
    buyer = info.requireAccount("buyer").signer();
    otherBuyer = info.requireAccount("other-buyer").signer();
    seller = info.requireAccount("seller").address();
    dir = Files.createTempDirectory("x402j-facilitator-it");
    app = start(config("gas-1", null, 0, 0, null), Map.of());
  }

  @AfterAll
  static void stop() {
    app.close();
    devnet.close();
  }

  static FacilitatorConfig config(
      String gasAccount,
      String tokenEnv,
      double perSecond,
      double perPayerPerMinute,
      Path denylist) {
    return FacilitatorConfig.builder()
        .port(0)
        .database("jdbc:sqlite:" + dir.resolve(gasAccount + "-" + System.nanoTime() + ".db"))
        .bearerTokenEnv(tokenEnv)
        .settleRateLimits(perSecond, perPayerPerMinute)
        .denylist(denylist)
        .network(devnetSettings(info, "KEYS_" + gasAccount.replace('-', '_')))
        .build();
  }

  /** The devnet as one network of a facilitator paying gas with the keys in {@code keysEnv}. */
  static NetworkSettings devnetSettings(DevnetInfo info, String keysEnv) {
    return NetworkSettings.builder(info.network())
        .rpcUrl(info.rpcUrl())
        .signersFromEnv(keysEnv)
        .asset(info.token())
        .pollInterval(Duration.ofMillis(50))
        .blockTime(Duration.ofMillis(200))
        .v1Name("x402j-devnet")
        .build();
  }

  static FacilitatorApp start(FacilitatorConfig config, Map<String, String> extraEnv) {
    return start(config, extraEnv, java.time.Clock.systemUTC(), System::nanoTime);
  }

  /** A facilitator whose suspensions and denylist checks, and rate limits, follow the clocks. */
  static FacilitatorApp start(
      FacilitatorConfig config,
      Map<String, String> extraEnv,
      java.time.Clock clock,
      java.util.function.LongSupplier nanoTime) {
    Map<String, String> env = new java.util.HashMap<>(extraEnv);
    for (String account : List.of("gas-1", "gas-2", "gas-3", "gas-4")) {
      env.put("KEYS_" + account.replace('-', '_'), info.requireAccount(account).privateKey());
    }
    return FacilitatorApp.start(config, env, NetworkRegistry.defaults(), clock, nanoTime);
  }

  static PaymentRequirements requirements() {
    return PaymentRequirements.builder()
        .network(info.network())
        .amount(TokenAmount.of(10_000))
        .asset(info.token().toString())
        .payTo(seller.toString())
        .extra("name", info.tokenName())
        .extra("version", info.tokenVersion())
        .build();
  }

  static String v2Body(
      PrivateKeySigner payer, PaymentRequirements signedFor, PaymentRequirements required) {
    PaymentPayload payload =
        PaymentPayload.of(null, required, ExactEvmClient.of(payer).createPayload(2, signedFor));
    return WIRE.toJson(FacilitatorRequest.of(payload, required));
  }

  static String v2Body(PrivateKeySigner payer) {
    return v2Body(payer, requirements(), requirements());
  }

  static String v1Body(PrivateKeySigner payer, String networkName) {
    PaymentRequirementsV1 requirements =
        PaymentRequirementsV1.builder()
            .network(networkName)
            .maxAmountRequired(TokenAmount.of(10_000))
            .resource("http://127.0.0.1/weather")
            .description("weather")
            .mimeType("application/json")
            .payTo(seller.toString())
            .asset(info.token().toString())
            .extra("name", info.tokenName())
            .extra("version", info.tokenVersion())
            .build();
    Map<String, Object> payload = ExactEvmClient.of(payer).createPayload(1, requirements());
    return WIRE.toJson(
        FacilitatorRequest.of(PaymentPayloadV1.of("exact", networkName, payload), requirements));
  }

  static HttpResponse<String> post(FacilitatorApp target, String path, String body, String token)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(target.url() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(FacilitatorApp target, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(target.url() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  @Test
  void v2PaymentsVerifyAndSettleAndAreListed() throws Exception {
    String body = v2Body(buyer);

    HttpResponse<String> verified = post(app, "/verify", body, null);
    HttpResponse<String> settled = post(app, "/settle", body, null);

    assertThat(verified.statusCode()).isEqualTo(200);
    assertThat(WIRE.decodeVerifyResponse(verified.body()).isValid()).isTrue();
    assertThat(settled.statusCode()).isEqualTo(200);
    SettleResponse receipt = WIRE.decodeSettleResponse(settled.body());
    assertThat(receipt.success()).as(settled.body()).isTrue();
    assertThat(receipt.network()).isEqualTo("eip155:31337");

    JsonNode listed =
        json(get(app, "/settlements?payer=" + buyer.address() + "&status=confirmed&limit=100"));
    assertThat(listed.path("settlements").findValuesAsText("transaction"))
        .contains(receipt.transaction());
    JsonNode row = listed.path("settlements").get(0);
    assertThat(row.path("payTo").asText()).isEqualTo(seller.toString());
    assertThat(row.path("amount").asText()).isEqualTo("10000");
  }

  @Test
  void v1PaymentsVerifyAndSettleWithTheirNetworkName() throws Exception {
    String body = v1Body(buyer, "x402j-devnet");

    VerifyResponse verified = WIRE.decodeVerifyResponse(post(app, "/verify", body, null).body());
    SettleResponse settled = WIRE.decodeSettleResponse(post(app, "/settle", body, null).body());

    assertThat(verified.isValid()).as("%s", verified).isTrue();
    assertThat(settled.success()).as("%s", settled).isTrue();
    assertThat(settled.network()).isEqualTo("x402j-devnet");
  }

  @Test
  void anInvalidPaymentIsA200WithAReason() throws Exception {
    PaymentRequirements elsewhere =
        requirements().toBuilder().payTo(otherBuyer.address().toString()).build();
    String body = v2Body(buyer, elsewhere, requirements());

    HttpResponse<String> verified = post(app, "/verify", body, null);
    HttpResponse<String> settled = post(app, "/settle", body, null);

    assertThat(verified.statusCode()).isEqualTo(200);
    assertThat(WIRE.decodeVerifyResponse(verified.body()).reason())
        .hasValue(ErrorReason.EXACT_EVM_RECIPIENT_MISMATCH);
    assertThat(settled.statusCode()).isEqualTo(200);
    assertThat(WIRE.decodeSettleResponse(settled.body()).reason())
        .hasValue(ErrorReason.EXACT_EVM_RECIPIENT_MISMATCH);
  }

  @Test
  void unsupportedSchemesAndNetworksAre200WithTheirReasons() throws Exception {
    PaymentRequirements upto = requirements().toBuilder().scheme("deferred").build();
    PaymentRequirements onBase = requirements().toBuilder().network(Network.evm(8453)).build();

    VerifyResponse scheme =
        WIRE.decodeVerifyResponse(
            post(app, "/verify", v2Body(buyer, requirements(), upto), null).body());
    SettleResponse schemeSettle =
        WIRE.decodeSettleResponse(
            post(app, "/settle", v2Body(buyer, requirements(), upto), null).body());
    VerifyResponse network =
        WIRE.decodeVerifyResponse(post(app, "/verify", v2Body(buyer, onBase, onBase), null).body());
    HttpResponse<String> v1Unknown = post(app, "/verify", v1Body(buyer, "atlantis"), null);

    assertThat(scheme.reason()).hasValue(ErrorReason.UNSUPPORTED_SCHEME);
    assertThat(schemeSettle.reason()).hasValue(ErrorReason.UNSUPPORTED_SCHEME);
    assertThat(schemeSettle.transaction()).isEmpty();
    assertThat(network.reason()).hasValue(ErrorReason.INVALID_NETWORK);
    assertThat(v1Unknown.statusCode()).isEqualTo(200);
    assertThat(WIRE.decodeVerifyResponse(v1Unknown.body()).reason())
        .hasValue(ErrorReason.INVALID_NETWORK);
  }

  @Test
  void malformedBodiesAre400NamingTheField() throws Exception {
    HttpResponse<String> notJson = post(app, "/verify", "hello", null);
    com.fasterxml.jackson.databind.node.ObjectNode withoutPayTo =
        (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(v2Body(buyer));
    ((com.fasterxml.jackson.databind.node.ObjectNode) withoutPayTo.get("paymentRequirements"))
        .remove("payTo");
    HttpResponse<String> noPayTo = post(app, "/settle", withoutPayTo.toString(), null);
    HttpResponse<String> version3 =
        post(app, "/verify", v2Body(buyer).replace("\"x402Version\":2", "\"x402Version\":3"), null);

    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(json(notJson).path("error").asText()).contains("not valid JSON");
    assertThat(noPayTo.statusCode()).as(noPayTo.body()).isEqualTo(400);
    assertThat(json(noPayTo).path("field").asText()).isEqualTo("paymentRequirements.payTo");
    assertThat(version3.statusCode()).isEqualTo(400);
    assertThat(json(version3).path("field").asText()).isEqualTo("paymentPayload.x402Version");
  }

  @Test
  void protocolV1BodiesGetTheSameStatusCodes() throws Exception {
    com.fasterxml.jackson.databind.node.ObjectNode noPayTo =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            JSON.readTree(v1Body(buyer, "x402j-devnet"));
    ((com.fasterxml.jackson.databind.node.ObjectNode) noPayTo.get("paymentRequirements"))
        .remove("payTo");
    String underpaid =
        v1Body(buyer, "x402j-devnet")
            .replace("\"maxAmountRequired\":\"10000\"", "\"maxAmountRequired\":\"20000\"");
    String upto =
        v1Body(buyer, "x402j-devnet").replace("\"scheme\":\"exact\"", "\"scheme\":\"deferred\"");

    HttpResponse<String> malformed = post(app, "/settle", noPayTo.toString(), null);
    HttpResponse<String> invalid = post(app, "/verify", underpaid, null);
    HttpResponse<String> invalidSettle = post(app, "/settle", underpaid, null);
    HttpResponse<String> unsupported = post(app, "/verify", upto, null);

    assertThat(malformed.statusCode()).as(malformed.body()).isEqualTo(400);
    assertThat(json(malformed).path("field").asText()).isEqualTo("paymentRequirements.payTo");
    for (String attempt : List.of("\"short\"", "\"0123456789abcdef\u0661\"", "42")) {
      com.fasterxml.jackson.databind.node.ObjectNode withAttempt =
          (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(v2Body(buyer));
      withAttempt.set("x402jSettlementId", JSON.readTree(attempt));
      HttpResponse<String> badAttempt = post(app, "/settle", withAttempt.toString(), null);
      assertThat(badAttempt.statusCode()).as(attempt).isEqualTo(400);
      assertThat(json(badAttempt).path("field").asText()).isEqualTo("x402jSettlementId");
    }
    HttpResponse<String> badHeader =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(app.url() + "/settle"))
                .header("Content-Type", "application/json")
                .header("X402j-Settlement-Id", "not valid!")
                .POST(HttpRequest.BodyPublishers.ofString(v2Body(buyer)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(badHeader.statusCode()).isEqualTo(400);
    assertThat(json(badHeader).path("field").asText()).isEqualTo("X402j-Settlement-Id");
    assertThat(invalid.statusCode()).isEqualTo(200);
    assertThat(json(invalid).path("isValid").asBoolean()).isFalse();
    assertThat(json(invalid).path("invalidReason").asText()).as(invalid.body()).isNotEmpty();
    assertThat(invalidSettle.statusCode()).isEqualTo(200);
    assertThat(json(invalidSettle).path("success").asBoolean()).isFalse();
    assertThat(json(invalidSettle).path("network").asText()).isEqualTo("x402j-devnet");
    assertThat(unsupported.statusCode()).isEqualTo(200);
    assertThat(json(unsupported).path("invalidReason").asText()).isEqualTo("unsupported_scheme");
  }

  @Test
  void oversizedBodiesAre413() throws Exception {
    // Repeated, with and without a declared length: the client must always get to read the 413.
    for (int size : new int[] {70 * 1024, 1024 * 1024}) {
      byte[] huge = ("{\"pad\":\"" + "x".repeat(size) + "\"}").getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < 10; i++) {
        HttpResponse<String> declared =
            post(app, "/verify", new String(huge, StandardCharsets.UTF_8), null);
        HttpResponse<String> chunked =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(app.url() + "/settle"))
                    .POST(
                        HttpRequest.BodyPublishers.ofInputStream(
                            () -> new java.io.ByteArrayInputStream(huge)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

        for (HttpResponse<String> response : List.of(declared, chunked)) {
          assertThat(response.statusCode()).isEqualTo(413);
          assertThat(json(response).path("error").asText()).contains("limit");
        }
      }
    }
  }

  @Test
  void wrongMethodsAndUnknownPaths() throws Exception {
    assertThat(get(app, "/verify").statusCode()).isEqualTo(405);
    assertThat(post(app, "/supported", "{}", null).statusCode()).isEqualTo(405);
    HttpResponse<String> unknown = get(app, "/nope");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown).path("error").asText()).contains("/nope");
  }

  @Test
  void supportedListsBothVersionsAndTheSigners() throws Exception {
    HttpResponse<String> response = get(app, "/supported");

    assertThat(response.statusCode()).isEqualTo(200);
    var supported = WIRE.decodeSupportedResponse(response.body());
    assertThat(supported.supports(2, "exact", "eip155:31337")).isTrue();
    assertThat(supported.supports(1, "exact", "x402j-devnet")).isTrue();
    // upto is served beside exact, naming the signer its payments must name (the first one).
    assertThat(supported.kinds())
        .filteredOn(k -> k.x402Version() == 2 && k.scheme().equals("upto"))
        .singleElement()
        .satisfies(
            k ->
                assertThat(k.extra())
                    .containsEntry(
                        "facilitatorAddress", info.requireAccount("gas-1").address().toString()));
    assertThat(supported.signers().get("eip155:*"))
        .containsExactly(info.requireAccount("gas-1").address().toString());
    // Permit2 payments may carry an EIP-2612 permit or a signed approval the facilitator submits;
    // builder codes, payment identifiers and the Bazaar catalog are the facilitator's extensions.
    assertThat(supported.extensions())
        .containsExactlyInAnyOrder(
            "eip2612GasSponsoring",
            "erc20ApprovalGasSponsoring",
            "builder-code",
            "payment-identifier",
            "bazaar");
  }

  @Test
  void healthReportsTheChainAndTheLedger() throws Exception {
    HttpResponse<String> response = get(app, "/health");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode health = json(response);
    assertThat(health.path("status").asText()).isEqualTo("ok");
    assertThat(health.path("checks").findValuesAsText("name")).contains("eip155:31337", "ledger");
    assertThat(health.path("checks").get(0).path("blockNumber").asLong()).isPositive();
  }

  @Test
  void healthIsDegradedWhenTheChainIsDown() throws Exception {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    FacilitatorConfig base = config("gas-2", null, 0, 0, null);
    NetworkSettings dead =
        base.networks().get(0).toBuilder()
            .rpcUrls(List.of("http://127.0.0.1:" + port))
            .pollInterval(null)
            .build();
    try (FacilitatorApp degraded =
        start(base.toBuilder().networks(List.of(dead)).build(), Map.of())) {

      HttpResponse<String> response = get(degraded, "/health");

      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(json(response).path("status").asText()).isEqualTo("degraded");
      // Verification still answers, with a reason, instead of failing.
      VerifyResponse verdict =
          WIRE.decodeVerifyResponse(post(degraded, "/verify", v2Body(buyer), null).body());
      assertThat(verdict.reason()).hasValue(ErrorReason.UNEXPECTED_VERIFY_ERROR);
    }
  }

  @Test
  void metricsArePrometheusText() throws Exception {
    post(app, "/verify", v2Body(buyer), null);
    post(app, "/settle", v2Body(buyer), null);

    HttpResponse<String> response = get(app, "/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    assertThat(response.body())
        .contains("x402j_facilitator_verify_seconds_count{")
        .contains("outcome=\"valid\"")
        .contains("x402j_facilitator_settle_seconds_bucket")
        .contains("x402j_facilitator_settlements_unresolved")
        .contains("x402j_facilitator_nonce_resyncs_total")
        .contains("x402j_facilitator_signer_balance_eth");
  }

  @Test
  void networksNotServedShareOneMetricTag() throws Exception {
    for (int chain = 900_001; chain <= 900_005; chain++) {
      PaymentRequirements elsewhere =
          requirements().toBuilder().network(Network.evm(chain)).build();
      post(app, "/verify", v2Body(buyer, elsewhere, elsewhere), null);
    }
    post(app, "/verify", v1Body(buyer, "made-up-name"), null);

    String metrics = get(app, "/metrics").body();

    assertThat(metrics).contains("network=\"other\"").doesNotContain("eip155:90000");
    assertThat(metrics).doesNotContain("made-up-name");
  }

  @Test
  void settlementQueriesAreValidated() throws Exception {
    HttpResponse<String> badLimit = get(app, "/settlements?limit=0");
    HttpResponse<String> badPayer = get(app, "/settlements?payer=alice");
    HttpResponse<String> badStatus = get(app, "/settlements?status=lost");

    assertThat(badLimit.statusCode()).isEqualTo(400);
    assertThat(json(badLimit).path("field").asText()).isEqualTo("limit");
    assertThat(badPayer.statusCode()).isEqualTo(400);
    assertThat(json(badPayer).path("field").asText()).isEqualTo("payer");
    assertThat(badStatus.statusCode()).isEqualTo(400);

    JsonNode page = json(get(app, "/settlements?limit=1"));
    assertThat(page.path("settlements")).hasSizeLessThanOrEqualTo(1);
    assertThat(page.path("limit").asInt()).isEqualTo(1);
  }

  @Test
  void bearerTokensGuardPaymentsAndTheLedger() throws Exception {
    try (FacilitatorApp guarded =
        start(config("gas-2", "API_TOKEN", 0, 0, null), Map.of("API_TOKEN", "s3cret-token"))) {
      HttpResponse<String> none = post(guarded, "/verify", v2Body(buyer), null);
      HttpResponse<String> wrong = post(guarded, "/settle", v2Body(buyer), "guess");
      HttpResponse<String> right = post(guarded, "/verify", v2Body(buyer), "s3cret-token");

      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(right.statusCode()).isEqualTo(200);
      assertThat(get(guarded, "/settlements").statusCode()).isEqualTo(401);
      assertThat(get(guarded, "/supported").statusCode()).isEqualTo(200);
      assertThat(get(guarded, "/health").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void settlementsAreRateLimitedInAllAndPerPayer() throws Exception {
    // The limiters' clock stands still: however long a settlement takes, no token comes back.
    java.util.function.LongSupplier frozen = () -> 0L;
    try (FacilitatorApp global =
        start(config("gas-3", null, 1, 0, null), Map.of(), java.time.Clock.systemUTC(), frozen)) {
      assertThat(post(global, "/settle", v2Body(buyer), null).statusCode()).isEqualTo(200);
      HttpResponse<String> limited = post(global, "/settle", v2Body(otherBuyer), null);
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(post(global, "/verify", v2Body(buyer), null).statusCode())
          .as("verify is not limited")
          .isEqualTo(200);
    }
    try (FacilitatorApp perPayer =
        start(config("gas-4", null, 0, 1, null), Map.of(), java.time.Clock.systemUTC(), frozen)) {
      assertThat(post(perPayer, "/settle", v2Body(buyer), null).statusCode()).isEqualTo(200);
      HttpResponse<String> again = post(perPayer, "/settle", v2Body(buyer), null);
      assertThat(again.statusCode()).isEqualTo(429);
      assertThat(Long.parseLong(again.headers().firstValue("Retry-After").orElseThrow()))
          .isBetween(1L, 60L);
      assertThat(post(perPayer, "/settle", v2Body(otherBuyer), null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void theDenylistRefusesPayersAndRecipientsAndIsReloaded(@TempDir Path temp) throws Exception {
    Path denylist = temp.resolve("denylist.txt");
    Files.writeString(denylist, "# blocked payers\n" + buyer.address().toLowerHex() + "\n");
    RevertBanTest.TestClock clock = new RevertBanTest.TestClock();
    try (FacilitatorApp screened =
        start(config("gas-2", null, 0, 0, denylist), Map.of(), clock, System::nanoTime)) {
      VerifyResponse payerRefused =
          WIRE.decodeVerifyResponse(post(screened, "/verify", v2Body(buyer), null).body());
      SettleResponse settleRefused =
          WIRE.decodeSettleResponse(post(screened, "/settle", v2Body(buyer), null).body());
      VerifyResponse otherAllowed =
          WIRE.decodeVerifyResponse(post(screened, "/verify", v2Body(otherBuyer), null).body());

      assertThat(payerRefused.reason()).hasValue(ErrorReason.PAYER_DENIED);
      assertThat(settleRefused.reason()).hasValue(ErrorReason.PAYER_DENIED);
      assertThat(otherAllowed.isValid()).isTrue();

      Files.writeString(denylist, seller.toString() + "  # a blocked recipient\n");
      Files.setLastModifiedTime(denylist, FileTime.from(Instant.now().plusSeconds(5)));
      clock.advance(Duration.ofMillis(1100)); // the list is checked for changes once a second
      VerifyResponse recipientRefused =
          WIRE.decodeVerifyResponse(post(screened, "/verify", v2Body(otherBuyer), null).body());
      assertThat(recipientRefused.reason()).hasValue(ErrorReason.RECIPIENT_DENIED);
    }
  }

  @Test
  void aPayerWhoseSettlementRevertsOnChainIsSuspended() throws Exception {
    PrivateKeySigner griefer = info.requireAccount("griefer").signer();
    EvmAddress gas = info.requireAccount("gas-3").address();
    FacilitatorConfig config =
        config("gas-3", null, 0, 0, null).toBuilder()
            .revertBan(new RevertBan.Policy(1, Duration.ofHours(1), Duration.ofHours(24)))
            .build();
    try (FacilitatorApp banning = start(config, Map.of())) {
      long before = devnet.pendingTransactionCount(gas);
      devnet.setAutomine(false);
      CompletableFuture<HttpResponse<String>> settling;
      try {
        settling =
            HTTP.sendAsync(
                HttpRequest.newBuilder(URI.create(banning.url() + "/settle"))
                    .POST(HttpRequest.BodyPublishers.ofString(v2Body(griefer)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(devnet.awaitPendingTransactions(gas, before, Duration.ofSeconds(20)))
            .as("broadcast")
            .isEqualTo(before + 1);
        // The payer spends its money first, with a higher tip: the settlement reverts.
        frontRun(griefer);
        devnet.mine();
      } finally {
        devnet.setAutomine(true);
      }
      SettleResponse reverted =
          WIRE.decodeSettleResponse(settling.get(30, java.util.concurrent.TimeUnit.SECONDS).body());
      assertThat(reverted.reason()).hasValue(ErrorReason.EXACT_EVM_TRANSACTION_FAILED);

      devnet.mint(griefer.address(), BigInteger.valueOf(10_000));
      VerifyResponse verify =
          WIRE.decodeVerifyResponse(post(banning, "/verify", v2Body(griefer), null).body());
      SettleResponse settle =
          WIRE.decodeSettleResponse(post(banning, "/settle", v2Body(griefer), null).body());

      for (String message : List.of(verify.invalidMessage(), settle.errorMessage())) {
        assertThat(message).contains("suspended until").contains("reverted on chain");
      }
      assertThat(verify.reason()).hasValue(ErrorReason.PAYER_DENIED);
      assertThat(settle.reason()).hasValue(ErrorReason.PAYER_DENIED);
      assertThat(devnet.pendingTransactionCount(gas)).isEqualTo(before + 1);
      assertThat(get(banning, "/metrics").body())
          .contains("x402j_facilitator_settlements_reverted_total 1.0")
          .contains("x402j_facilitator_payers_suspended 1.0");
    }
  }

  /** {@code payer} sends its whole token balance to the seller with a tip of 100 gwei. */
  static void frontRun(PrivateKeySigner payer) {
    BigInteger gwei = BigInteger.TEN.pow(9);
    JsonNode block = devnet.rpc().call("eth_getBlockByNumber", "pending", false).join();
    BigInteger baseFee = io.x402j.evm.Hex.parseQuantity(block.path("baseFeePerGas").asText());
    io.x402j.evm.Eip1559Transaction tx =
        new io.x402j.evm.Eip1559Transaction(
            info.chainId(),
            devnet.pendingTransactionCount(payer.address()),
            gwei.multiply(BigInteger.valueOf(100)),
            baseFee.multiply(BigInteger.TWO).add(gwei.multiply(BigInteger.valueOf(100))),
            100_000,
            info.token(),
            BigInteger.ZERO,
            io.x402j.evm.Abi.call("transfer(address,uint256)")
                .address(seller)
                .uint(devnet.tokenBalance(payer.address()))
                .encode());
    byte[] raw = tx.encodeSigned(payer.sign(tx.signingHash()));
    devnet.rpc().call("eth_sendRawTransaction", io.x402j.evm.Hex.encode(raw)).join();
  }

  @Test
  void closingLetsAnInFlightSettlementFinishAndRefusesNewRequests() throws Exception {
    FacilitatorApp closing = start(config("gas-4", null, 0, 0, null), Map.of());
    EvmAddress gas = info.requireAccount("gas-4").address();
    long before = devnet.pendingTransactionCount(gas);
    devnet.setAutomine(false);
    try {
      CompletableFuture<HttpResponse<String>> inFlight =
          HTTP.sendAsync(
              HttpRequest.newBuilder(URI.create(closing.url() + "/settle"))
                  .POST(HttpRequest.BodyPublishers.ofString(v2Body(buyer)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(devnet.awaitPendingTransactions(gas, before, Duration.ofSeconds(10)))
          .as("the settlement was broadcast")
          .isEqualTo(before + 1);

      CompletableFuture<Void> closed = CompletableFuture.runAsync(closing::close);
      boolean refused = false;
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      // Asks until the server says it is closing: the answer decides, the pause only spaces
      // the questions (close() runs on another thread and offers no signal of its own).
      while (!refused && System.nanoTime() < deadline) {
        try {
          refused = get(closing, "/health").statusCode() == 503;
        } catch (java.io.IOException connectionRefused) {
          refused = true;
        }
        Thread.sleep(10);
      }
      assertThat(refused).as("new requests are refused while closing").isTrue();
      assertThat(inFlight).isNotDone();
      assertThat(closed).isNotDone();

      devnet.mine();
      HttpResponse<String> answer = inFlight.get(20, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(WIRE.decodeSettleResponse(answer.body()).success()).as(answer.body()).isTrue();
      closed.get(20, java.util.concurrent.TimeUnit.SECONDS);
    } finally {
      devnet.setAutomine(true);
      closing.close();
    }
  }

  @Test
  void internalErrorsAre500WithAnIdThatTheLogRepeats() throws Exception {

    SchemeFacilitator broken =
        new SchemeFacilitator() {
          @Override
          public String scheme() {
            return "exact";
          }

          @Override
          public NetworkPattern family() {
            return NetworkPattern.namespace("eip155");
          }

          @Override
          public List<Network> networks() {
            return List.of(info.network());
          }

          @Override
          public List<String> signers(Network network) {
            return List.of();
          }

          @Override
          public CompletableFuture<VerifyResponse> verify(SchemeRequest request) {
            return CompletableFuture.failedFuture(new IllegalStateException("bug in a scheme"));
          }

          @Override
          public CompletableFuture<SettleResponse> settle(SchemeRequest request) {
            throw new IllegalStateException("another bug");
          }
        };
    Logger log =
        (Logger) LoggerFactory.getLogger(io.x402j.facilitator.internal.FacilitatorHandler.class);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    log.addAppender(captured);
    try (FacilitatorServer server =
        FacilitatorServer.builder(FacilitatorService.builder().scheme(broken).build())
            .port(0)
            .build()
            .start()) {
      HttpResponse<String> verify =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(server.url() + "/verify"))
                  .POST(HttpRequest.BodyPublishers.ofString(v2Body(buyer)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> settle =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(server.url() + "/settle"))
                  .POST(HttpRequest.BodyPublishers.ofString(v2Body(buyer)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      for (HttpResponse<String> response : List.of(verify, settle)) {
        assertThat(response.statusCode()).isEqualTo(500);
        String id = json(response).path("id").asText();
        assertThat(id).matches("[0-9a-f]{16}");
        assertThat(response.body()).doesNotContain("bug");
        assertThat(captured.list).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains(id));
      }
    } finally {
      log.detachAppender(captured);
    }
  }
}
