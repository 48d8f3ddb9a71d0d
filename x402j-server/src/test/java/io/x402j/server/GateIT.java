package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.core.ErrorReason;
import io.x402j.core.Price;
import io.x402j.core.TokenAmount;
import io.x402j.core.testing.Concurrently;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.evm.ExactEvmPayload;
import io.x402j.server.GateHarness.Answer;
import io.x402j.server.GateHarness.Served;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The gate with a real facilitator on a real chain. */
class GateIT {
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final ObjectMapper JSON = new ObjectMapper();
  static final Answer OK = new Answer(200, "{\"weather\":\"sunny\"}");

  static TestMarket market;
  static GateHarness harness;
  static final List<String> events = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.start();
    harness = new GateHarness(gate(PendingSettlement.WAIT));
  }

  @AfterAll
  static void stop() {
    market.close();
  }

  static PaymentGate gate(PendingSettlement pending) {
    PaidRoute upfront =
        PaidRoute.builder()
            .accept(option("$0.02"))
            .settleBeforeHandler(true)
            .description("charged before the handler")
            .build();
    PaidRoute dynamic =
        PaidRoute.builder()
            .accept(
                PaymentOption.builder(market.network())
                    .price(
                        r ->
                            r.path().endsWith("/large")
                                ? Price.parse("$0.05")
                                : Price.parse("$0.01"))
                    .payTo(market.seller().toString())
                    .build())
            .build();
    return PaymentGate.builder()
        .facilitator(market.facilitator())
        .networks(market.networks())
        .routes(
            RouteTable.builder()
                .route("GET /weather", route("$0.01"))
                .route("GET /upfront", upfront)
                .route("GET /sized/*", dynamic)
                .route(
                    "GET /v2-only",
                    PaidRoute.builder().accept(option("$0.01")).protocolV1(false).build())
                .build())
        .listener(
            new PaymentListener() {
              @Override
              public void beforeVerify(PaymentEvent event) {
                events.add("beforeVerify " + event.path());
              }

              @Override
              public void afterVerify(PaymentEvent event, VerifyResponse result) {
                events.add("afterVerify " + event.path() + " " + result.isValid());
              }

              @Override
              public void beforeSettle(PaymentEvent event) {
                events.add("beforeSettle " + event.path() + " " + event.payer());
              }

              @Override
              public void afterSettle(PaymentEvent event, SettleResponse result) {
                events.add("afterSettle " + event.path() + " " + result.success());
              }

              @Override
              public void onFailure(PaymentEvent event, String reason, Throwable error) {
                events.add("failure " + event.path() + " " + reason);
              }
            })
        .pendingSettlement(
            pending, java.time.Duration.ofSeconds(5), java.time.Duration.ofMillis(200))
        .build();
  }

  static Served unpaid(String path) {
    return harness.serve(GateHarness.get(path, Map.of()), OK);
  }

  static Served paid(String path, String header, String value) {
    return harness.serve(GateHarness.get(path, Map.of(header, value)), OK);
  }

  static String payFor(String path) {
    return market.payV2(unpaid(path).header("PAYMENT-REQUIRED"));
  }

  static SettleResponse receipt(Served served) {
    return HEADERS.decodePaymentResponse(served.header("PAYMENT-RESPONSE"));
  }

  @Test
  void anUnpaidRequestGets402InBothProtocolVersions() throws Exception {
    int before = harness.handled.get();
    Served served = unpaid("/weather");

    assertThat(served.status()).isEqualTo(402);
    assertThat(harness.handled.get()).as("the handler never runs unpaid").isEqualTo(before);
    assertThat(served.header("Cache-Control")).isEqualTo("no-store");
    assertThat(served.header("Access-Control-Expose-Headers")).contains("PAYMENT-RESPONSE");
    PaymentRequired required = HEADERS.decodePaymentRequired(served.header("PAYMENT-REQUIRED"));
    assertThat(required.error()).isEqualTo("Payment required");
    assertThat(required.resource().url()).isEqualTo("http://127.0.0.1:8080/weather");
    assertThat(required.resource().description()).isEqualTo("a test resource");
    PaymentRequirements offered = required.accepts().get(0);
    assertThat(offered.scheme()).isEqualTo("exact");
    assertThat(offered.network()).isEqualTo(market.network());
    assertThat(offered.amount()).isEqualTo(TokenAmount.of(10_000));
    assertThat(offered.asset()).isEqualTo(market.info().token().toString());
    assertThat(offered.payTo()).isEqualTo(market.seller().toString());
    assertThat(offered.extra()).containsEntry("name", "Test Dollar").containsEntry("version", "1");

    JsonNode v1 = JSON.readTree(served.body());
    assertThat(v1.path("x402Version").asInt()).isEqualTo(1);
    assertThat(v1.path("error").asText()).isEqualTo("X-PAYMENT header is required");
    JsonNode v1Offer = v1.path("accepts").get(0);
    assertThat(v1Offer.path("network").asText()).isEqualTo("x402j-devnet");
    assertThat(v1Offer.path("maxAmountRequired").asText()).isEqualTo("10000");
    assertThat(v1Offer.path("resource").asText()).isEqualTo("http://127.0.0.1:8080/weather");
    assertThat(v1Offer.has("mimeType")).isTrue();
    assertThat(v1Offer.path("outputSchema").path("input").path("method").asText()).isEqualTo("GET");
  }

  @Test
  void freeRequestsPassUntouched() {
    int before = harness.handled.get();
    Served served = unpaid("/free");
    assertThat(served.status()).isEqualTo(200);
    assertThat(harness.handled.get()).isEqualTo(before + 1);
    assertThat(harness.serve(GateHarness.get("/weather", Map.of()), OK).status()).isEqualTo(402);
  }

  @Test
  void aV2PaymentIsSettledAfterTheHandlerAndTheResponseCarriesTheReceipt() {
    BigInteger before = market.sellerBalance();
    String payment = payFor("/weather");
    events.clear();

    Served served = paid("/weather", "PAYMENT-SIGNATURE", payment);

    assertThat(served.status()).isEqualTo(200);
    assertThat(served.body()).isEqualTo(OK.body());
    SettleResponse receipt = receipt(served);
    assertThat(receipt.success()).isTrue();
    assertThat(receipt.transaction()).matches("0x[0-9a-f]{64}");
    assertThat(receipt.payer()).isEqualTo(market.buyer().address().toString());
    assertThat(served.header("Cache-Control")).isEqualTo("private");
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
    String payer = market.buyer().address().toString();
    assertThat(events)
        .containsExactly(
            "beforeVerify /weather",
            "afterVerify /weather true",
            "beforeSettle /weather " + payer,
            "afterSettle /weather true");
  }

  @Test
  void aV1PaymentGetsTheV1Receipt() {
    BigInteger before = market.sellerBalance();
    String payment = market.payV1(unpaid("/weather").body());

    Served served = paid("/weather", "X-PAYMENT", payment);

    assertThat(served.status()).isEqualTo(200);
    assertThat(served.header("PAYMENT-RESPONSE")).isNull();
    SettleResponse receipt = HEADERS.decodeXPaymentResponse(served.header("X-PAYMENT-RESPONSE"));
    assertThat(receipt.success()).isTrue();
    assertThat(receipt.network()).isEqualTo("x402j-devnet");
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }

  @Test
  void aRouteCanRefuseProtocolV1() throws Exception {
    Served served = unpaid("/v2-only");
    assertThat(served.body()).isEqualTo("{}");
    String v1Payment = market.payV1(unpaid("/weather").body());
    Served refused = paid("/v2-only", "X-PAYMENT", v1Payment);
    assertThat(refused.status()).isEqualTo(402);
    assertThat(HEADERS.decodePaymentRequired(refused.header("PAYMENT-REQUIRED")).error())
        .contains("does not accept protocol v1");
  }

  @Test
  void aRouteCanSpeakV1Only() throws Exception {
    PaymentGate legacy =
        PaymentGate.builder()
            .facilitator(market.facilitator())
            .networks(market.networks())
            .routes(
                RouteTable.builder()
                    .route(
                        "GET /quote",
                        PaidRoute.builder().accept(option("$0.01")).protocolV2(false).build())
                    .build())
            .build();
    GateHarness v1Only = new GateHarness(legacy);

    Served unpaid = v1Only.serve(GateHarness.get("/quote", Map.of()), OK);
    assertThat(unpaid.status()).isEqualTo(402);
    assertThat(unpaid.header("PAYMENT-REQUIRED")).isNull();
    assertThat(JSON.readTree(unpaid.body()).path("x402Version").asInt()).isEqualTo(1);

    String v2Payment = payFor("/weather");
    Served refused =
        v1Only.serve(GateHarness.get("/quote", Map.of("PAYMENT-SIGNATURE", v2Payment)), OK);
    assertThat(refused.status()).isEqualTo(402);
    assertThat(JSON.readTree(refused.body()).path("error").asText()).contains("v1 payments");

    Served paid =
        v1Only.serve(
            GateHarness.get("/quote", Map.of("X-PAYMENT", market.payV1(unpaid.body()))), OK);
    assertThat(paid.status()).isEqualTo(200);
    assertThat(paid.header("X-PAYMENT-RESPONSE")).isNotNull();

    assertThatThrownBy(
            () ->
                PaymentGate.builder()
                    .facilitator(market.facilitator())
                    .routes(
                        RouteTable.builder()
                            .route(
                                "GET /x",
                                PaidRoute.builder()
                                    .accept(
                                        PaymentOption.builder(io.x402j.core.Network.evm(424242))
                                            .price("1")
                                            .payTo(market.seller().toString())
                                            .build())
                                    .protocolV2(false)
                                    .build())
                            .build())
                    .build())
        .hasMessageContaining("speaks protocol v1 only");
  }

  @Test
  void anInvalidPaymentIs402WithTheFacilitatorsReasonAndTheHandlerNeverRuns() {

    int before = harness.handled.get();
    String underpaid =
        market.payV2(
            unpaid("/weather").header("PAYMENT-REQUIRED"),
            market.buyer(),
            r -> r.toBuilder().amount(TokenAmount.of(1)).build());

    Served served = paid("/weather", "PAYMENT-SIGNATURE", underpaid);

    assertThat(served.status()).isEqualTo(402);
    assertThat(HEADERS.decodePaymentRequired(served.header("PAYMENT-REQUIRED")).error())
        .isEqualTo(ErrorReason.EXACT_EVM_VALUE_MISMATCH.wire());
    assertThat(harness.handled.get()).isEqualTo(before);
  }

  @Test
  void aFailingHandlerIsNotChargedAndThePaymentStaysUsable() {
    BigInteger before = market.sellerBalance();
    String payment = payFor("/weather");

    Served failed =
        harness.serve(
            GateHarness.get("/weather", Map.of("PAYMENT-SIGNATURE", payment)),
            new Answer(500, "boom"));

    assertThat(failed.status()).isEqualTo(500);
    assertThat(failed.body()).isEqualTo("boom");
    assertThat(failed.header("PAYMENT-RESPONSE")).isNull();
    assertThat(market.sellerBalance()).isEqualTo(before);
    assertThat(market.devnet().authorizationUsed(market.buyer().address(), nonceOf(payment)))
        .isFalse();

    Served retried = paid("/weather", "PAYMENT-SIGNATURE", payment);
    assertThat(retried.status()).isEqualTo(200);
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }

  @Test
  void aPaymentBuysOneResponseOnly() {
    String payment = payFor("/weather");
    assertThat(paid("/weather", "PAYMENT-SIGNATURE", payment).status()).isEqualTo(200);
    int before = harness.handled.get();

    Served replayed = paid("/weather", "PAYMENT-SIGNATURE", payment);

    assertThat(replayed.status()).isEqualTo(402);
    assertThat(HEADERS.decodePaymentRequired(replayed.header("PAYMENT-REQUIRED")).error())
        .isEqualTo("this payment has already been used");
    assertThat(harness.handled.get()).isEqualTo(before);
  }

  @Test
  void aPaymentInUseIsRefusedToASecondRequest() {
    BigInteger before = market.sellerBalance();
    String payment = payFor("/weather");
    GateRequest request = GateHarness.get("/weather", Map.of("PAYMENT-SIGNATURE", payment));

    GateDecision first = harness.gate.check(request).join();
    GateDecision second = harness.gate.check(request).join();

    assertThat(first).isInstanceOf(GateDecision.Admit.class);
    assertThat(second).isInstanceOf(GateDecision.Respond.class);
    Served refused = GateHarness.fromGate(((GateDecision.Respond) second).response());
    assertThat(HEADERS.decodePaymentRequired(refused.header("PAYMENT-REQUIRED")).error())
        .isEqualTo("this payment is being used by another request");
    Served served = GateHarness.finish(((GateDecision.Admit) first).admission(), OK);
    assertThat(served.status()).isEqualTo(200);
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }

  @Test
  void aFailedSettlementDiscardsTheResponseAndAnswers402() throws Exception {
    BigInteger before = market.sellerBalance();
    String payment = payFor("/weather");
    GateDecision decision =
        harness
            .gate
            .check(GateHarness.get("/weather", Map.of("PAYMENT-SIGNATURE", payment)))
            .join();
    assertThat(decision).isInstanceOf(GateDecision.Admit.class);
    // While the handler runs, the buyer's money leaves: the settlement must now fail.
    BigInteger all = market.drainBuyer();

    Served served = GateHarness.finish(((GateDecision.Admit) decision).admission(), OK);

    assertThat(served.status()).isEqualTo(402);
    assertThat(served.body()).doesNotContain("sunny");
    SettleResponse receipt = receipt(served);
    assertThat(receipt.success()).isFalse();
    assertThat(receipt.errorReason()).isEqualTo(ErrorReason.EXACT_EVM_INSUFFICIENT_BALANCE.wire());
    assertThat(market.sellerBalance()).isEqualTo(before);
    market.fundBuyer(all);
  }

  @Test
  void aPaymentForAnotherRouteOrPriceIsRefused() {
    String forWeather = payFor("/weather");
    Served elsewhere = paid("/sized/large", "PAYMENT-SIGNATURE", forWeather);
    assertThat(elsewhere.status()).isEqualTo(402);
    assertThat(HEADERS.decodePaymentRequired(elsewhere.header("PAYMENT-REQUIRED")).error())
        .isEqualTo("No matching payment requirements");

    // Same price, other path: the payment names the resource it was made for.
    Served samePrice = paid("/sized/small", "PAYMENT-SIGNATURE", forWeather);
    assertThat(samePrice.status()).isEqualTo(402);
    assertThat(HEADERS.decodePaymentRequired(samePrice.header("PAYMENT-REQUIRED")).error())
        .contains("was made for /weather");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/weather", "/upfront"})
  void oneHeaderSentFiftyTimesAtOnceBuysOneResponse(String path) throws Exception {
    BigInteger before = market.sellerBalance();
    int handledBefore = harness.handled.get();
    String payment = payFor(path);
    GateRequest request = GateHarness.get(path, Map.of("PAYMENT-SIGNATURE", payment));
    List<Integer> statuses = Concurrently.run(50, i -> () -> harness.serve(request, OK).status());

    assertThat(statuses).containsOnly(200, 402);
    assertThat(statuses.stream().filter(s -> s == 200)).hasSize(1);
    assertThat(harness.handled.get() - handledBefore).as("the handler ran once").isEqualTo(1);
    BigInteger price = BigInteger.valueOf(path.equals("/upfront") ? 20_000 : 10_000);
    assertThat(market.sellerBalance()).isEqualTo(before.add(price));
  }

  @Test
  void instancesSharingAReplayStoreSellOnePaymentOnce(@TempDir Path temp) throws Exception {
    BigInteger before = market.sellerBalance();
    org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
    config.setJournalMode(org.sqlite.SQLiteConfig.JournalMode.WAL);
    config.setBusyTimeout(10_000);
    org.sqlite.SQLiteDataSource database = new org.sqlite.SQLiteDataSource(config);
    database.setUrl("jdbc:sqlite:" + temp.resolve("replay.db"));
    List<GateHarness> instances = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      instances.add(
          new GateHarness(
              PaymentGate.builder()
                  .facilitator(market.facilitator())
                  .networks(market.networks())
                  .routes(RouteTable.builder().route("GET /weather", route("$0.01")).build())
                  .replayStore(ReplayStore.jdbc(database))
                  .build()));
    }
    GateRequest request =
        GateHarness.get("/weather", Map.of("PAYMENT-SIGNATURE", payFor("/weather")));
    List<Integer> statuses =
        Concurrently.run(40, i -> () -> instances.get(i % 2).serve(request, OK).status());
    assertThat(statuses.stream().filter(s -> s == 200)).hasSize(1);
    assertThat(statuses).containsOnly(200, 402);
    assertThat(instances.get(0).handled.get() + instances.get(1).handled.get())
        .as("one handler ran, on one of the instances")
        .isEqualTo(1);
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
    // Afterwards either instance knows the payment was used.
    Served again = instances.get(1).serve(request, OK);
    assertThat(HEADERS.decodePaymentRequired(again.header("PAYMENT-REQUIRED")).error())
        .isEqualTo("this payment has already been used");
  }

  /** A gate of its own (its own replay store) on /weather, settling through {@code facilitator}. */
  static GateHarness ownGate(io.x402j.core.facilitator.Facilitator facilitator) {
    return new GateHarness(
        PaymentGate.builder()
            .facilitator(facilitator)
            .networks(market.networks())
            .routes(RouteTable.builder().route("GET /weather", route("$0.01")).build())
            .build());
  }

  /** The same payment header with its {@code resource} field taken out. */
  static String withoutResource(String payment) {
    PaymentPayload decoded = HEADERS.decodePaymentSignature(payment);
    return HEADERS.encodePaymentSignature(
        new PaymentPayload(
            null,
            decoded.accepted(),
            decoded.payload(),
            decoded.extensions(),
            decoded.additionalFields()));
  }

  @Test
  void twoServersWithTheirOwnReplayStoresSellOnePaymentOnce() throws Exception {
    // Two gateways of one seller (same payTo and route), each remembering payments in its own
    // memory, settling through one x402j facilitator over HTTP. One copy of the payment goes to
    // each, the second without its resource field (so no resource check can tell them apart).
    BigInteger before = market.sellerBalance();
    var http =
        io.x402j.core.facilitator.HttpFacilitatorClient.builder(market.facilitatorUrl()).build();
    List<GateHarness> servers = List.of(ownGate(http), ownGate(http));
    String payment = payFor("/weather");
    List<GateRequest> copies =
        List.of(
            GateHarness.get("/weather", Map.of("PAYMENT-SIGNATURE", payment)),
            GateHarness.get("/weather", Map.of("PAYMENT-SIGNATURE", withoutResource(payment))));

    List<Served> served =
        Concurrently.run(20, i -> () -> servers.get(i % 2).serve(copies.get(i % 2), OK));

    assertThat(served.stream().filter(s -> s.status() == 200)).hasSize(1);
    assertThat(served).extracting(Served::status).containsOnly(200, 402);
    assertThat(servers.get(0).handled.get() + servers.get(1).handled.get())
        .as("handlers ran only for the one response sold, or were refused at settlement")
        .isGreaterThanOrEqualTo(1);
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
    // Whichever server lost learned why (when its copy reached settlement at all).
    assertThat(
            served.stream()
                .filter(s -> s.status() == 402 && s.header("PAYMENT-RESPONSE") != null)
                .map(
                    s -> HEADERS.decodePaymentResponse(s.header("PAYMENT-RESPONSE")).errorReason()))
        .containsOnly(ErrorReason.DUPLICATE_SETTLEMENT.wire());
  }

  /** Settles through {@code delegate} but loses the answer to the first settlement. */
  static final class LosesFirstSettleAnswer implements io.x402j.core.facilitator.Facilitator {
    final io.x402j.core.facilitator.Facilitator delegate;
    final java.util.concurrent.atomic.AtomicBoolean lost =
        new java.util.concurrent.atomic.AtomicBoolean();

    LosesFirstSettleAnswer(io.x402j.core.facilitator.Facilitator delegate) {
      this.delegate = delegate;
    }

    @Override
    public java.util.concurrent.CompletableFuture<VerifyResponse> verify(
        io.x402j.core.wire.FacilitatorRequest request) {
      return delegate.verify(request);
    }

    @Override
    public java.util.concurrent.CompletableFuture<SettleResponse> settle(
        io.x402j.core.wire.FacilitatorRequest request) {
      java.util.concurrent.CompletableFuture<SettleResponse> answer = delegate.settle(request);
      if (lost.compareAndSet(false, true)) {
        // The settlement happens; only its answer never arrives.
        return answer.thenCompose(
            done ->
                java.util.concurrent.CompletableFuture.failedFuture(
                    new java.io.IOException("connection reset while reading the answer")));
      }
      return answer;
    }

    @Override
    public java.util.concurrent.CompletableFuture<io.x402j.core.wire.SupportedResponse>
        supported() {
      return delegate.supported();
    }
  }

  @Test
  void aServerWhoseSettleAnswerWasLostLearnsItsOutcomeAndNoOtherServerSellsIt() {
    BigInteger before = market.sellerBalance();
    var http =
        io.x402j.core.facilitator.HttpFacilitatorClient.builder(market.facilitatorUrl()).build();
    GateHarness unlucky = ownGate(new LosesFirstSettleAnswer(http));
    GateHarness other = ownGate(http);
    String payment = payFor("/weather");
    GateRequest request = GateHarness.get("/weather", Map.of("PAYMENT-SIGNATURE", payment));

    // The other server verifies the same payment while it is still unused on chain...
    GateDecision admitted = other.gate.check(request).join();
    assertThat(admitted).isInstanceOf(GateDecision.Admit.class);
    // ...the first settles it but never hears back...
    Served lostAnswer = unlucky.serve(request, OK);
    // ...then the other's handler finishes and it asks to settle.
    Served elsewhere = GateHarness.finish(((GateDecision.Admit) admitted).admission(), OK);
    Served retried = unlucky.serve(request, OK);

    assertThat(lostAnswer.status()).isEqualTo(502);
    assertThat(elsewhere.status()).isEqualTo(402);
    assertThat(HEADERS.decodePaymentResponse(elsewhere.header("PAYMENT-RESPONSE")).errorReason())
        .isEqualTo(ErrorReason.DUPLICATE_SETTLEMENT.wire());
    assertThat(retried.status()).as("the same server's retry learns it settled").isEqualTo(200);
    assertThat(receipt(retried).success()).isTrue();
    assertThat(unlucky.serve(request, OK).status()).as("and sells it once").isEqualTo(402);
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }

  @Test
  void aPaymentForACheaperPriceCannotBuyADearerOne() {
    BigInteger before = market.sellerBalance();
    int handledBefore = harness.handled.get();
    // Same route, two prices: $0.01 for /sized/small, $0.05 for /sized/large.
    Served asIs = paid("/sized/large", "PAYMENT-SIGNATURE", payFor("/sized/small"));
    assertThat(asIs.status()).isEqualTo(402);
    assertThat(HEADERS.decodePaymentRequired(asIs.header("PAYMENT-REQUIRED")).error())
        .isEqualTo("No matching payment requirements");

    // The dearer offer echoed, but the signature authorizes the cheaper amount.
    String relabelled =
        market.payV2(
            unpaid("/sized/large").header("PAYMENT-REQUIRED"),
            market.buyer(),
            r -> r.toBuilder().amount(TokenAmount.of(10_000)).build());
    Served served = paid("/sized/large", "PAYMENT-SIGNATURE", relabelled);
    assertThat(served.status()).isEqualTo(402);
    assertThat(HEADERS.decodePaymentRequired(served.header("PAYMENT-REQUIRED")).error())
        .isEqualTo(ErrorReason.EXACT_EVM_VALUE_MISMATCH.wire());

    assertThat(harness.handled.get()).isEqualTo(handledBefore);
    assertThat(market.sellerBalance()).isEqualTo(before);
  }

  @Test
  void aPaymentForAnotherServersResourceIsRefused() {
    BigInteger before = market.sellerBalance();
    String payment = payFor("/weather"); // made for http://127.0.0.1:8080/weather
    GateRequest elsewhere =
        GateRequest.of(
            "GET",
            "/weather",
            "https://other-api.example/weather",
            Map.of("PAYMENT-SIGNATURE", List.of(payment)));

    Served served = harness.serve(elsewhere, OK);

    assertThat(served.status()).isEqualTo(402);
    assertThat(HEADERS.decodePaymentRequired(served.header("PAYMENT-REQUIRED")).error())
        .isEqualTo(
            "the payment was made for a resource on '127.0.0.1:8080', "
                + "not on this server (other-api.example:443)");
    assertThat(market.sellerBalance()).isEqualTo(before);
    // Where it was made for, it still buys the resource.
    assertThat(paid("/weather", "PAYMENT-SIGNATURE", payment).status()).isEqualTo(200);
  }

  @Test
  void pricesMayDependOnTheRequest() {
    PaymentRequired small =
        HEADERS.decodePaymentRequired(unpaid("/sized/small").header("PAYMENT-REQUIRED"));
    PaymentRequired large =
        HEADERS.decodePaymentRequired(unpaid("/sized/large").header("PAYMENT-REQUIRED"));
    assertThat(small.accepts().get(0).amount()).isEqualTo(TokenAmount.of(10_000));
    assertThat(large.accepts().get(0).amount()).isEqualTo(TokenAmount.of(50_000));

    BigInteger before = market.sellerBalance();
    Served served = paid("/sized/large", "PAYMENT-SIGNATURE", payFor("/sized/large"));
    assertThat(served.status()).isEqualTo(200);
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(50_000)));
  }

  @Test
  void settlingBeforeTheHandlerReleasesEvenAFailedResponse() {
    BigInteger before = market.sellerBalance();
    String payment = payFor("/upfront");
    GateDecision decision =
        harness
            .gate
            .check(GateHarness.get("/upfront", Map.of("PAYMENT-SIGNATURE", payment)))
            .join();
    assertThat(decision).isInstanceOf(GateDecision.Admit.class);
    Admission admission = ((GateDecision.Admit) decision).admission();
    assertThat(admission.settledBeforeHandler()).isTrue();
    assertThat(market.sellerBalance())
        .as("paid before the handler runs")
        .isEqualTo(before.add(BigInteger.valueOf(20_000)));

    Served served = GateHarness.finish(admission, new Answer(503, "down"));

    assertThat(served.status()).isEqualTo(503);
    assertThat(receipt(served).success()).isTrue();
  }

  @Test
  void malformedPaymentHeadersAre402NamingTheProblem() {
    Served garbage = paid("/weather", "PAYMENT-SIGNATURE", "%%%not base64");
    assertThat(garbage.status()).isEqualTo(402);
    assertThat(HEADERS.decodePaymentRequired(garbage.header("PAYMENT-REQUIRED")).error())
        .startsWith("invalid PAYMENT-SIGNATURE header:");

    Served v1Garbage =
        paid("/weather", "X-PAYMENT", Base64.getEncoder().encodeToString("{}".getBytes()));
    assertThat(v1Garbage.status()).isEqualTo(402);
    assertThat(v1Garbage.body()).contains("invalid X-PAYMENT header");
  }

  @Test
  void browsersGetThePaywallPage() {
    Served page =
        harness.serve(
            GateHarness.get(
                "/weather",
                Map.of(
                    "Accept", "text/html,application/xhtml+xml",
                    "User-Agent", "Mozilla/5.0 (X11; Linux x86_64)")),
            OK);

    assertThat(page.status()).isEqualTo(402);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.header("PAYMENT-REQUIRED")).isNotNull();
    assertThat(page.body())
        .contains("0.01 TUSD")
        .contains(market.seller().toString())
        .contains("x402j devnet")
        .contains("eth_signTypedData_v4")
        .contains("a test resource");
  }

  @Test
  void misconfiguredRoutesFailWhenTheGateIsBuilt() {
    assertThatThrownBy(
            () ->
                PaymentGate.builder()
                    .facilitator(market.facilitator())
                    .networks(market.networks())
                    .routes(
                        RouteTable.builder()
                            .route(
                                "GET /x",
                                PaidRoute.of(
                                    "$0.0000001", market.network(), market.seller().toString()))
                            .build())
                    .build())
        .hasMessageContaining("route GET /x")
        .hasMessageContaining("decimal places");
    assertThatThrownBy(
            () ->
                PaymentGate.builder()
                    .facilitator(market.facilitator())
                    .routes(
                        RouteTable.builder()
                            .route("GET /x", PaidRoute.of("$1", market.network(), "0xnope"))
                            .build())
                    .build())
        .hasMessageContaining("route GET /x");
  }

  static io.x402j.evm.Bytes32 nonceOf(String paymentHeader) {
    PaymentPayload payload = HEADERS.decodePaymentSignature(paymentHeader);
    return ExactEvmPayload.fromMap(payload.payload()).authorization().nonce();
  }

  /** A payment option on the devnet paying the seller. */
  static PaymentOption option(String price) {
    return PaymentOption.builder(market.network()).price(price).payTo(market.payTo()).build();
  }

  /** A route on the devnet paying the seller, described (the 402 answers are checked for it). */
  static PaidRoute route(String price) {
    return PaidRoute.builder().accept(option(price)).description("a test resource").build();
  }
}
