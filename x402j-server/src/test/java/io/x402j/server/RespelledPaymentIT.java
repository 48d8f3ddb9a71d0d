package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.core.ErrorReason;
import io.x402j.core.testing.Concurrently;
import io.x402j.core.testing.Spellings;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.WireCodec;
import io.x402j.server.GateHarness.Answer;
import io.x402j.server.GateHarness.Served;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, "one authorization, seven responses": the same signed payment respelled — a nonce or
 * payer digit written as '１' (full-width), '١' (Arabic-Indic) or '१' (Devanagari), hex in upper
 * case, the signature's v as 0/1 — is one payment to the gate and to the facilitator. Non-ASCII hex
 * is refused with a reason; every ASCII spelling has the one identity of its parsed values.
 */
class RespelledPaymentIT {
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final WireCodec WIRE = WireCodec.standard();
  static final ObjectMapper JSON = new ObjectMapper();
  static final Answer OK = new Answer(200, "{\"weather\":\"sunny\"}");

  static TestMarket market;
  static GateHarness harness;

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.start();
    harness =
        new GateHarness(
            PaymentGate.builder()
                .facilitator(market.facilitator())
                .networks(market.networks())
                .routes(
                    RouteTable.builder()
                        .route(
                            "GET /weather", PaidRoute.of("$0.01", market.network(), market.payTo()))
                        .build())
                .build());
  }

  @AfterAll
  static void stop() {
    market.close();
  }

  /** A fresh payment for {@code /weather}, as the buyer's client sends it. */
  static PaymentPayload pay() {
    Served unpaid = harness.serve(GateHarness.get("/weather", Map.of()), OK);
    return HEADERS.decodePaymentSignature(market.payV2(unpaid.header("PAYMENT-REQUIRED")));
  }

  static PaymentPayload respell(PaymentPayload payment, UnaryOperator<Map<String, Object>> how) {
    return PaymentPayload.of(
        payment.resource(), payment.accepted(), how.apply(new LinkedHashMap<>(payment.payload())));
  }

  @Test
  void sevenSpellingsOfOnePaymentSentAtOnceBuyOneResponse() throws Exception {
    BigInteger before = market.sellerBalance();
    int handledBefore = harness.handled.get();
    PaymentPayload payment = pay();
    Map<String, UnaryOperator<Map<String, Object>>> spellings = new LinkedHashMap<>();
    spellings.put("as signed", p -> p);
    spellings.put(
        "nonce digit full-width",
        p -> Spellings.authorization(p, "nonce", Spellings::fullWidthDigit));
    spellings.put(
        "nonce digit Arabic-Indic",
        p -> Spellings.authorization(p, "nonce", Spellings::arabicIndicDigit));
    spellings.put(
        "payer in lower case with a Devanagari digit",
        p ->
            Spellings.authorization(
                p, "from", s -> Spellings.devanagariDigit(s.toLowerCase(java.util.Locale.ROOT))));
    spellings.put(
        "nonce and signature upper case",
        p ->
            Spellings.signature(
                Spellings.authorization(p, "nonce", Spellings::upperHex), Spellings::upperHex));
    spellings.put("payer upper case", p -> Spellings.authorization(p, "from", Spellings::upperHex));
    spellings.put(
        "v as 0/1, validBefore with a leading zero",
        p ->
            Spellings.signature(
                Spellings.authorization(p, "validBefore", s -> "0" + s), Spellings::recoveryIdV));
    List<String> names = new ArrayList<>(spellings.keySet());
    List<GateRequest> requests = new ArrayList<>();
    for (UnaryOperator<Map<String, Object>> how : spellings.values()) {
      String header = HEADERS.encodePaymentSignature(respell(payment, how));
      requests.add(GateHarness.get("/weather", Map.of("PAYMENT-SIGNATURE", header)));
    }

    List<Served> served =
        Concurrently.run(requests.size(), i -> () -> harness.serve(requests.get(i), OK));

    List<String> paid = new ArrayList<>();
    for (int i = 0; i < served.size(); i++) {
      if (served.get(i).status() == 200) {
        paid.add(names.get(i));
      }
    }
    assertThat(paid).as("the spellings that bought a response").hasSize(1);
    assertThat(harness.handled.get() - handledBefore).as("the handler ran once").isEqualTo(1);
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
    for (int i = 0; i < served.size(); i++) {
      Served s = served.get(i);
      if (s.status() == 200) {
        continue;
      }
      assertThat(s.status()).as(names.get(i)).isEqualTo(402);
      PaymentRequired refusal = HEADERS.decodePaymentRequired(s.header("PAYMENT-REQUIRED"));
      assertThat(refusal.error()).as(names.get(i)).isNotBlank();
      if (names.get(i).contains("digit")) {
        assertThat(refusal.error())
            .as(names.get(i))
            .startsWith("invalid payment payload: payload.authorization.")
            .contains("contains a non-ASCII character U+");
      }
    }
  }

  @Test
  void aRespelledCopySettledFirstIsTheSamePaymentToTheFacilitator() {
    BigInteger before = market.sellerBalance();
    PaymentPayload payment = pay();
    PaymentPayload copy =
        respell(
            payment,
            p ->
                Spellings.signature(
                    Spellings.authorization(
                        Spellings.authorization(p, "nonce", Spellings::upperHex),
                        "from",
                        s -> s.toLowerCase(java.util.Locale.ROOT)),
                    s -> Spellings.upperHex(Spellings.recoveryIdV(s))));
    // One attempt (a gate whose retry went out respelled, say): the same payment, so the retry
    // follows the settlement. A different fingerprint would make it "another payment".
    FacilitatorRequest copyFirst =
        FacilitatorRequest.of(copy, payment.accepted()).withSettlementId("respelled-attempt-1");
    FacilitatorRequest sameAttempt =
        FacilitatorRequest.of(payment, payment.accepted()).withSettlementId("respelled-attempt-1");
    FacilitatorRequest otherAttempt =
        FacilitatorRequest.of(payment, payment.accepted()).withSettlementId("respelled-attempt-2");

    SettleResponse first = market.facilitator().settle(copyFirst).join();
    SettleResponse followed = market.facilitator().settle(sameAttempt).join();
    SettleResponse elsewhere = market.facilitator().settle(otherAttempt).join();

    assertThat(first.success()).as(first.errorMessage()).isTrue();
    assertThat(followed.success()).as("%s", followed).isTrue();
    assertThat(followed.transaction()).isEqualTo(first.transaction());
    assertThat(elsewhere.errorReason())
        .as("the same payment asked for by another attempt: a duplicate, not another payment")
        .isEqualTo(ErrorReason.DUPLICATE_SETTLEMENT.wire());
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }

  @Test
  void theFacilitatorAnswersANonAsciiNonceAsAnInvalidPayloadNotAnError() throws Exception {
    PaymentPayload payment = pay();
    PaymentPayload respelled =
        respell(payment, p -> Spellings.authorization(p, "nonce", Spellings::fullWidthDigit));
    String body = WIRE.toJson(FacilitatorRequest.of(respelled, payment.accepted()));
    HttpClient http = HttpClient.newHttpClient();
    for (String endpoint : List.of("/verify", "/settle")) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(market.facilitatorUrl() + endpoint))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(endpoint + " " + response.body()).isEqualTo(200);
      JsonNode answer = JSON.readTree(response.body());
      boolean verify = endpoint.equals("/verify");
      assertThat(answer.path(verify ? "isValid" : "success").asBoolean(true)).isFalse();
      assertThat(answer.path(verify ? "invalidReason" : "errorReason").asText())
          .isEqualTo(ErrorReason.INVALID_PAYLOAD.wire());
      assertThat(answer.path(verify ? "invalidMessage" : "errorMessage").asText())
          .startsWith("payload.authorization.nonce")
          .contains("contains a non-ASCII character U+FF");
    }
  }
}
