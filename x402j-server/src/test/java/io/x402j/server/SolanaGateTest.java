package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.core.Network;
import io.x402j.core.facilitator.FacilitatorOperation;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.core.wire.SupportedKind;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.server.GateHarness.Answer;
import io.x402j.server.GateHarness.Served;
import io.x402j.server.internal.SupportedKinds;
import io.x402j.testkit.ScriptedAnswer;
import io.x402j.testkit.ScriptedFacilitator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gate selling one route on Base Sepolia and Solana devnet at once, against a scripted
 * facilitator over real HTTP: one 402 with one {@code accepts} entry per network, the Solana one
 * carrying the facilitator's fee payer; no Solana offer when the facilitator advertises no fee
 * payer; and one Solana transaction is one payment however its base64 or its header is spelled.
 */
class SolanaGateTest {
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final ObjectMapper JSON = new ObjectMapper();
  static final Answer OK = new Answer(200, "{\"weather\":\"sunny\"}");
  static final Network DEVNET = Network.parse("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1");
  static final Network BASE_SEPOLIA = Network.evm(84532);
  static final String EVM_SELLER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";
  static final String SOL_SELLER = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";
  static final String FEE_PAYER = "2wmVCSfPxGPjrnMMn7rchp4uaeoTqN39mXFC2zhPdri9";

  static final SupportedResponse WITH_FEE_PAYER =
      supported(
          new SupportedKind(
              2, "exact", DEVNET.toString(), Map.of("feePayer", FEE_PAYER), Map.of()));

  ScriptedFacilitator facilitator;
  GateHarness harness;
  final AtomicReference<SupportedResponse> supported = new AtomicReference<>(WITH_FEE_PAYER);
  final AtomicInteger verifies = new AtomicInteger();
  final AtomicInteger supportedAsked = new AtomicInteger();
  final ManualClock clock = new ManualClock(Instant.now());

  static SupportedResponse supported(SupportedKind... solana) {
    List<SupportedKind> kinds = new ArrayList<>();
    kinds.add(SupportedKind.of(2, "exact", BASE_SEPOLIA.toString()));
    kinds.addAll(List.of(solana));
    return new SupportedResponse(kinds, List.of(), Map.of(), Map.of());
  }

  @BeforeEach
  void start() {
    facilitator = ScriptedFacilitator.start();
    ScriptedFacilitator.Dispatcher accepting = ScriptedFacilitator.Dispatcher.accepting();
    facilitator.dispatcher(
        request -> {
          if (request.operation() == FacilitatorOperation.SUPPORTED) {
            supportedAsked.incrementAndGet();
            return ScriptedAnswer.supported(supported.get());
          }
          if (request.operation() == FacilitatorOperation.VERIFY) {
            verifies.incrementAndGet();
          }
          return accepting.dispatch(request);
        });
    harness =
        new GateHarness(
            PaymentGate.builder()
                .facilitator(HttpFacilitatorClient.builder(facilitator.url()).build())
                .clock(clock)
                .routes(
                    RouteTable.builder()
                        .route(
                            "GET /weather",
                            PaidRoute.builder()
                                .accept(
                                    PaymentOption.builder(BASE_SEPOLIA)
                                        .price("$0.01")
                                        .payTo(EVM_SELLER)
                                        .build())
                                .accept(
                                    PaymentOption.builder(DEVNET)
                                        .price("$0.01")
                                        .payTo(SOL_SELLER)
                                        .build())
                                .build())
                        .route("GET /evm-only", PaidRoute.of("$0.01", BASE_SEPOLIA, EVM_SELLER))
                        .route("GET /solana-only", PaidRoute.of("$0.01", DEVNET, SOL_SELLER))
                        .build())
                .build());
  }

  @AfterEach
  void stop() {
    facilitator.close();
  }

  Served get(String path, Map<String, String> headers) {
    return harness.serve(GateHarness.get(path, headers), OK);
  }

  PaymentRequirements solanaOffer() {
    Served unpaid = get("/weather", Map.of());
    assertThat(unpaid.status()).isEqualTo(402);
    PaymentRequired required = HEADERS.decodePaymentRequired(unpaid.header("PAYMENT-REQUIRED"));
    return required.accepts().stream()
        .filter(r -> r.network().equals(DEVNET))
        .findFirst()
        .orElseThrow();
  }

  /**
   * A decodable v0 transaction: one signature slot (the fee payer's, filled with {@code sigFill}),
   * three static accounts, a blockhash made from {@code payment}, no instructions. 200 bytes, so
   * its base64 ends in one {@code =}.
   */
  static byte[] transaction(int payment, byte sigFill) {
    ByteBuffer b = ByteBuffer.allocate(200);
    b.put((byte) 1);
    for (int i = 0; i < 64; i++) {
      b.put(sigFill);
    }
    b.put((byte) 0x80).put((byte) 1).put((byte) 0).put((byte) 2);
    b.put((byte) 3);
    for (int account = 0; account < 3; account++) {
      for (int i = 0; i < 32; i++) {
        b.put((byte) (account * 40 + i + 1));
      }
    }
    for (int i = 0; i < 32; i++) {
      b.put((byte) (payment * 7 + i + 1));
    }
    b.put((byte) 0).put((byte) 0);
    assertThat(b.remaining()).isZero();
    return b.array();
  }

  static String header(PaymentRequirements accepted, String transactionBase64) {
    return HEADERS.encodePaymentSignature(
        PaymentPayload.of(
            ResourceInfo.of("http://127.0.0.1:8080/weather"),
            accepted,
            Map.of("transaction", transactionBase64)));
  }

  /** The same payment header with every JSON object's keys in reverse order. */
  static String reordered(String header) throws Exception {
    String json = new String(Base64.getDecoder().decode(header), StandardCharsets.UTF_8);
    Object reversed = reverse(JSON.readValue(json, new TypeReference<Map<String, Object>>() {}));
    String out = JSON.writeValueAsString(reversed);
    assertThat(out).isNotEqualTo(json);
    return Base64.getEncoder().encodeToString(out.getBytes(StandardCharsets.UTF_8));
  }

  private static Object reverse(Object value) {
    if (value instanceof Map<?, ?> map) {
      List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
      Collections.reverse(entries);
      Map<String, Object> out = new LinkedHashMap<>();
      entries.forEach(e -> out.put((String) e.getKey(), reverse(e.getValue())));
      return out;
    }
    return value;
  }

  @Test
  void oneOfferPerNetworkInOne402TheSolanaOneWithTheFacilitatorsFeePayer() {
    Served unpaid = get("/weather", Map.of());

    assertThat(unpaid.status()).isEqualTo(402);
    PaymentRequired required = HEADERS.decodePaymentRequired(unpaid.header("PAYMENT-REQUIRED"));
    assertThat(required.accepts())
        .extracting(PaymentRequirements::network)
        .containsExactly(BASE_SEPOLIA, DEVNET);
    PaymentRequirements solana = required.accepts().get(1);
    assertThat(solana.asset()).isEqualTo("4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU");
    assertThat(solana.amount().toString()).isEqualTo("10000");
    assertThat(solana.payTo()).isEqualTo(SOL_SELLER);
    assertThat(solana.extra()).isEqualTo(Map.of("feePayer", FEE_PAYER));
    assertThat(required.accepts().get(0).extra()).containsKeys("name", "version");
  }

  @Test
  void anEvmOnlyRouteNeverAsksForSupportedKinds() {
    assertThat(get("/evm-only", Map.of()).status()).isEqualTo(402);
    assertThat(supportedAsked).hasValue(0);
  }

  @Test
  void supportedIsAskedOnceAndKept() {
    get("/weather", Map.of());
    get("/weather", Map.of());
    assertThat(supportedAsked).hasValue(1);
  }

  @Test
  void withoutAFeePayerFromTheFacilitatorTheSolanaOfferIsLeftOutAndTheEvmOneStays() {
    supported.set(supported(SupportedKind.of(2, "exact", DEVNET.toString())));

    Served served = get("/weather", Map.of());
    Served again = get("/weather", Map.of());

    assertThat(served.status()).isEqualTo(402);
    PaymentRequired required = HEADERS.decodePaymentRequired(served.header("PAYMENT-REQUIRED"));
    assertThat(required.accepts())
        .extracting(PaymentRequirements::network)
        .containsExactly(BASE_SEPOLIA);
    assertThat(again.status()).isEqualTo(402);
  }

  @Test
  void withoutAnyKindForTheNetworkTheSolanaOfferIsLeftOut() {
    supported.set(supported());

    Served served = get("/weather", Map.of());

    assertThat(served.status()).isEqualTo(402);
    assertThat(HEADERS.decodePaymentRequired(served.header("PAYMENT-REQUIRED")).accepts())
        .extracting(PaymentRequirements::network)
        .containsExactly(BASE_SEPOLIA);
  }

  @Test
  void aRouteWithOnlyAnUnusableSolanaOfferIs503NamingTheReason() throws Exception {
    supported.set(supported(SupportedKind.of(2, "exact", DEVNET.toString())));

    Served served = get("/solana-only", Map.of());

    assertThat(served.status()).isEqualTo(503);
    assertThat(served.header("Content-Type")).startsWith("application/json");
    String error = JSON.readTree(served.body()).get("error").asText();
    assertThat(error)
        .contains("route GET /solana-only")
        .contains(DEVNET.toString())
        .contains("no extra.feePayer")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }

  @Test
  void aRouteWithOnlyASolanaOfferAndNoKindAtAllIs503() throws Exception {
    supported.set(supported());

    Served served = get("/solana-only", Map.of());

    assertThat(served.status()).isEqualTo(503);
    assertThat(JSON.readTree(served.body()).get("error").asText())
        .contains("lists no exact kind for " + DEVNET);
  }

  @Test
  void aFailedSupportedIsKeptOnlyBriefly() {
    facilitator.enqueue(
        FacilitatorOperation.SUPPORTED, ScriptedAnswer.json(400, "{\"error\":\"down\"}"));

    Served first = get("/weather", Map.of());
    Served second = get("/weather", Map.of());
    clock.advance(SupportedKinds.RETRY_AFTER);
    Served third = get("/weather", Map.of());

    assertThat(first.status()).isEqualTo(502);
    assertThat(first.body()).contains("supported payment kinds are unavailable");
    assertThat(second.status()).isEqualTo(502);
    assertThat(third.status()).isEqualTo(402);
    assertThat(supportedAsked)
        .hasValue(1); // the third only: the enqueued failure answered the first
  }

  @Test
  void aSolanaPaymentIsAdmittedAndSettled() {
    PaymentRequirements offer = solanaOffer();
    String tx = Base64.getEncoder().encodeToString(transaction(1, (byte) 0));

    Served paid = get("/weather", Map.of("PAYMENT-SIGNATURE", header(offer, tx)));

    assertThat(paid.status()).isEqualTo(200);
    assertThat(paid.header("PAYMENT-RESPONSE")).isNotNull();
    assertThat(verifies).hasValue(1);
  }

  @Test
  void oneTransactionRespelledOrResignedIsOnePayment() throws Exception {
    PaymentRequirements offer = solanaOffer();
    byte[] wire = transaction(2, (byte) 0xFB);
    String standard = Base64.getEncoder().encodeToString(wire);
    assertThat(standard).containsAnyOf("+", "/").endsWith("=");
    String original = header(offer, standard);
    assertThat(get("/weather", Map.of("PAYMENT-SIGNATURE", original)).status()).isEqualTo(200);

    byte[] resigned = wire.clone();
    resigned[1] = (byte) 0x01;
    List<String> respellings =
        List.of(
            original,
            reordered(original),
            header(offer, Base64.getEncoder().encodeToString(resigned)),
            header(offer, Base64.getUrlEncoder().encodeToString(wire)),
            header(offer, Base64.getEncoder().withoutPadding().encodeToString(wire)),
            header(offer, standard.substring(0, 40) + "\n" + standard.substring(40)),
            header(offer, " " + standard),
            header(offer, standard + " "),
            header(offer, Base64.getMimeEncoder().encodeToString(wire)));

    for (String respelled : respellings) {
      Served again = get("/weather", Map.of("PAYMENT-SIGNATURE", respelled));
      assertThat(again.status()).as(respelled).isEqualTo(402);
    }
    assertThat(verifies).as("only the first spelling reached the facilitator").hasValue(1);
    assertThat(harness.handled).hasValue(1);
  }

  @Test
  void aMalformedTransactionIsRefusedNamingIt() {
    PaymentRequirements offer = solanaOffer();

    Served served =
        get(
            "/weather",
            Map.of(
                "PAYMENT-SIGNATURE",
                header(offer, Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}))));

    assertThat(served.status()).isEqualTo(402);
    assertThat(HEADERS.decodePaymentRequired(served.header("PAYMENT-REQUIRED")).error())
        .startsWith("invalid payment payload: ");
    assertThat(verifies).hasValue(0);
  }

  static String raw(String json) {
    return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void hostileHeadersAreRefusedNeverAnErrorAndOneTransactionBuysOnce() throws Exception {
    PaymentRequirements offer = solanaOffer();
    String accepted = JSON.writeValueAsString(offer);
    String tx = Base64.getEncoder().encodeToString(transaction(5, (byte) 0));
    String other = Base64.getEncoder().encodeToString(transaction(6, (byte) 0));
    String res = "{\"url\":\"http://127.0.0.1:8080/weather\"}";
    java.util.function.Function<String, String> v2 =
        payload ->
            raw(
                "{\"x402Version\":2,\"resource\":"
                    + res
                    + ",\"accepted\":"
                    + accepted
                    + ",\"payload\":"
                    + payload
                    + "}");
    List<String> hostile =
        List.of(
            v2.apply("null"),
            v2.apply("[]"),
            v2.apply("\"x\""),
            v2.apply("{}"),
            v2.apply("{\"transaction\":null}"),
            v2.apply("{\"transaction\":5}"),
            v2.apply("{\"transaction\":[\"" + tx + "\"]}"),
            v2.apply("{\"transaction\":\"" + tx + "\",\"extra\":1}"),
            v2.apply("{\"transaction\":\"\\u0000" + tx + "\"}"),
            raw("{\"x402Version\":2,\"accepted\":" + accepted + "}"),
            raw(
                "{\"x402Version\":2,\"accepted\":null,\"payload\":{\"transaction\":\""
                    + tx
                    + "\"}}"),
            raw("{\"x402Version\":1,\"scheme\":\"exact\",\"network\":\"solana-devnet\"}"),
            raw(
                "{\"x402Version\":1,\"scheme\":\"exact\",\"network\":\"solana-devnet\",\"payload\":null}"),
            raw("[1,2]"),
            raw("{"));
    for (String h : hostile) {
      for (String name : List.of("PAYMENT-SIGNATURE", "X-PAYMENT")) {
        Served served = get("/weather", Map.of(name, h));
        assertThat(served.status()).as(name + " " + h).isIn(400, 402);
        assertThat(served.body()).as(h).doesNotContain("Exception").doesNotContain("\tat ");
      }
    }
    assertThat(verifies).hasValue(0);

    // duplicate keys / unicode-escaped keys: one transaction is still one payment
    String dup = v2.apply("{\"transaction\":\"" + other + "\",\"transaction\":\"" + tx + "\"}");
    String escaped = v2.apply("{\"\\u0074ransaction\":\"" + tx + "\"}");
    String plain = v2.apply("{\"transaction\":\"" + tx + "\"}");
    int ok = 0;
    for (String h : List.of(dup, escaped, plain)) {
      Served served = get("/weather", Map.of("PAYMENT-SIGNATURE", h));
      assertThat(served.status()).as(h).isIn(200, 400, 402);
      ok += served.status() == 200 ? 1 : 0;
    }
    assertThat(ok).isLessThanOrEqualTo(1);
    assertThat(harness.handled.get()).isLessThanOrEqualTo(1);
  }

  @Test
  void onlyTheBlockhashHintsMayDifferInTheEchoAndV1AndV2AreOnePayment() {
    PaymentRequirements offer = solanaOffer();
    String tx = Base64.getEncoder().encodeToString(transaction(7, (byte) 0));
    Map<String, Object> otherFeePayer = new LinkedHashMap<>(offer.extra());
    otherFeePayer.put("feePayer", SOL_SELLER);
    List<PaymentRequirements> refused =
        List.of(
            offer.toBuilder().extra(otherFeePayer).build(),
            offer.toBuilder().extra(Map.of()).build(),
            offer.toBuilder().payTo(FEE_PAYER).build(),
            offer.toBuilder().asset(SOL_SELLER).build(),
            offer.toBuilder().amount(io.x402j.core.TokenAmount.of(9_999)).build(),
            offer.toBuilder()
                .network(Network.parse("solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp"))
                .build(),
            offer.toBuilder().maxTimeoutSeconds(offer.maxTimeoutSeconds() + 1).build());
    for (PaymentRequirements echo : refused) {
      Served served = get("/weather", Map.of("PAYMENT-SIGNATURE", header(echo, tx)));
      assertThat(served.status()).as(echo.toString()).isEqualTo(402);
    }
    assertThat(verifies).hasValue(0);
    Map<String, Object> hinted = new LinkedHashMap<>(offer.extra());
    hinted.put("recentBlockhash", "EkSnNWid2cvwEVnVx9aBqawnmiCNiDgp3gUdkDPTKN1N");
    hinted.put("lastValidBlockHeight", "12");
    Served paid =
        get(
            "/weather",
            Map.of("PAYMENT-SIGNATURE", header(offer.toBuilder().extra(hinted).build(), tx)));
    assertThat(paid.status()).isEqualTo(200);
    String v1 =
        HEADERS.encodeXPayment(
            io.x402j.core.wire.PaymentPayloadV1.of(
                "exact", "solana-devnet", Map.of("transaction", tx)));
    assertThat(get("/weather", Map.of("X-PAYMENT", v1)).status()).isEqualTo(402);
    assertThat(harness.handled).hasValue(1);
  }

  @Test
  void aShortTimeoutDoesNotForgetATransactionWhileItCanStillLand() {
    // maxTimeoutSeconds 5: the gate used to remember the payment 65 s, but its blockhash keeps the
    // transaction valid for 150 blocks, often longer; presented again at 70 s it bought again.
    ManualClock clock = new ManualClock(java.time.Instant.parse("2026-11-29T03:00:00Z"));
    GateHarness shortLived =
        new GateHarness(
            PaymentGate.builder()
                .facilitator(HttpFacilitatorClient.builder(facilitator.url()).build())
                .clock(clock)
                .routes(
                    RouteTable.builder()
                        .route(
                            "GET /weather",
                            PaidRoute.builder()
                                .accept(
                                    PaymentOption.builder(DEVNET)
                                        .price("$0.01")
                                        .payTo(SOL_SELLER)
                                        .maxTimeoutSeconds(5)
                                        .build())
                                .build())
                        .build())
                .build());
    Served unpaid = shortLived.serve(GateHarness.get("/weather", Map.of()), OK);
    PaymentRequirements offer =
        HEADERS.decodePaymentRequired(unpaid.header("PAYMENT-REQUIRED")).accepts().get(0);
    String paid = header(offer, Base64.getEncoder().encodeToString(transaction(9, (byte) 0)));

    assertThat(
            shortLived
                .serve(GateHarness.get("/weather", Map.of("PAYMENT-SIGNATURE", paid)), OK)
                .status())
        .isEqualTo(200);
    clock.advance(java.time.Duration.ofSeconds(70));
    assertThat(
            shortLived
                .serve(GateHarness.get("/weather", Map.of("PAYMENT-SIGNATURE", paid)), OK)
                .status())
        .isEqualTo(402);
    clock.advance(java.time.Duration.ofSeconds(100));
    assertThat(
            shortLived
                .serve(GateHarness.get("/weather", Map.of("PAYMENT-SIGNATURE", paid)), OK)
                .status())
        .as("still within 180 s")
        .isEqualTo(402);
    assertThat(shortLived.handled).hasValue(1);
  }
}
