package io.x402j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.facilitator.FacilitatorException;
import io.x402j.core.facilitator.FacilitatorOperation;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentPayloadV1;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.PaymentRequirementsV1;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.SupportedKind;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.core.wire.VerifyResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ScriptedFacilitatorTest {
  static final String PAYER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";
  static final String SELLER = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";

  ScriptedFacilitator facilitator;
  HttpFacilitatorClient client;

  @BeforeEach
  void start() {
    facilitator = ScriptedFacilitator.start();
    client = HttpFacilitatorClient.builder(facilitator.url()).maxAttempts(1).build();
  }

  @AfterEach
  void stop() {
    facilitator.close();
  }

  static PaymentRequirements requirements() {
    return PaymentRequirements.builder()
        .network(Network.evm(84532))
        .amount(TokenAmount.of(10_000))
        .asset("0x036CbD53842c5426634e7929541eC2318f3dCF7e")
        .payTo(SELLER)
        .extra("name", "USDC")
        .extra("version", "2")
        .build();
  }

  static Map<String, Object> exactPayload() {
    return Map.of(
        "signature",
        "0x" + "22".repeat(65),
        "authorization",
        Map.of(
            "from",
            PAYER,
            "to",
            SELLER,
            "value",
            "10000",
            "validAfter",
            "0",
            "validBefore",
            "9999999999",
            "nonce",
            "0x" + "11".repeat(32)));
  }

  static FacilitatorRequest v2() {
    return FacilitatorRequest.of(
        PaymentPayload.of(null, requirements(), exactPayload()), requirements());
  }

  static FacilitatorRequest v1() {
    PaymentRequirementsV1 requirements =
        PaymentRequirementsV1.builder()
            .network("base-sepolia")
            .maxAmountRequired(TokenAmount.of(10_000))
            .resource("https://shop.example/weather")
            .description("")
            .mimeType("application/json")
            .payTo(SELLER)
            .maxTimeoutSeconds(60)
            .asset("0x036CbD53842c5426634e7929541eC2318f3dCF7e")
            .build();
    return FacilitatorRequest.of(
        PaymentPayloadV1.of("exact", "base-sepolia", exactPayload()), requirements);
  }

  @Test
  void acceptsEveryPaymentByDefaultNamingItsPayer() throws Exception {
    VerifyResponse verified = client.verify(v2()).join();
    SettleResponse first = client.settle(v2()).join();
    SettleResponse second = client.settle(v2()).join();

    assertThat(verified.isValid()).isTrue();
    assertThat(verified.payer()).isEqualTo(PAYER);
    assertThat(first.success()).isTrue();
    assertThat(first.network()).isEqualTo("eip155:84532");
    assertThat(first.payer()).isEqualTo(PAYER);
    assertThat(first.transaction()).matches("0x[0-9a-f]{64}").isNotEqualTo(second.transaction());
    assertThat(client.supported().join()).isEqualTo(ScriptedFacilitator.DEFAULT_SUPPORTED);
  }

  @Test
  void answersEnqueuedAnswersInOrderPerOperationThenFallsBackToTheDispatcher() {
    facilitator
        .enqueueSettle(
            SettleResponse.failure(ErrorReason.INSUFFICIENT_FUNDS, null, "", "eip155:84532", PAYER))
        .enqueueVerify(VerifyResponse.invalid(ErrorReason.EXACT_EVM_SIGNATURE, null, PAYER));

    SettleResponse refused = client.settle(v2()).join();
    VerifyResponse invalid = client.verify(v2()).join();
    SettleResponse settled = client.settle(v2()).join();

    assertThat(refused.success()).isFalse();
    assertThat(refused.reason()).contains(ErrorReason.INSUFFICIENT_FUNDS);
    assertThat(invalid.reason()).contains(ErrorReason.EXACT_EVM_SIGNATURE);
    assertThat(settled.success()).isTrue();
  }

  @Test
  void recordsRequestsOfBothVersionsAsTheyCame() throws Exception {
    client.verify(v1()).join();
    client.settle(v2().withSettlementId("attempt-0123456789abcdef")).join();
    client.supported().join();

    RecordedFacilitatorRequest verify = facilitator.takeRequest();
    assertThat(verify.operation()).isEqualTo(FacilitatorOperation.VERIFY);
    assertThat(verify.method()).isEqualTo("POST");
    assertThat(verify.x402Version()).isEqualTo(1);
    assertThat(verify.v1().paymentRequirements().network()).isEqualTo("base-sepolia");
    assertThat(verify.header("content-type")).hasValueSatisfying(v -> v.contains("json"));

    RecordedFacilitatorRequest settle = facilitator.takeRequest();
    assertThat(settle.operation()).isEqualTo(FacilitatorOperation.SETTLE);
    assertThat(settle.x402Version()).isEqualTo(2);
    assertThat(settle.v2().paymentRequirements().payTo()).isEqualTo(SELLER);
    assertThat(settle.header(HttpFacilitatorClient.SETTLEMENT_ID_HEADER))
        .contains("attempt-0123456789abcdef");
    assertThatThrownBy(settle::v1).isInstanceOf(IllegalStateException.class);

    RecordedFacilitatorRequest supported = facilitator.takeRequest();
    assertThat(supported.operation()).isEqualTo(FacilitatorOperation.SUPPORTED);
    assertThat(supported.method()).isEqualTo("GET");
    assertThat(supported.body()).isEmpty();
    assertThat(facilitator.requestCount()).isEqualTo(3);
  }

  @Test
  void playsAFailingFacilitatorWithRawAnswers() throws Exception {
    facilitator.enqueue(
        FacilitatorOperation.VERIFY, ScriptedAnswer.status(502, "<html>bad gateway</html>"));
    facilitator.enqueue(FacilitatorOperation.SETTLE, ScriptedAnswer.json(200, "{\"success\":"));

    assertThatThrownBy(() -> client.verify(v2()).join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(FacilitatorException.class);
    assertThatThrownBy(() -> client.settle(v2()).join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(FacilitatorException.class);
  }

  @Test
  void aDispatcherAnswersWhatWasNotEnqueued() {
    SupportedResponse devnetOnly =
        new SupportedResponse(
            List.of(SupportedKind.of(2, "exact", "eip155:31337")), List.of(), Map.of(), Map.of());
    facilitator.dispatcher(
        request ->
            switch (request.operation()) {
              case SUPPORTED -> ScriptedAnswer.supported(devnetOnly);
              case VERIFY ->
                  ScriptedAnswer.verify(
                      VerifyResponse.invalid(ErrorReason.INSUFFICIENT_FUNDS, null, null));
              case SETTLE -> ScriptedAnswer.status(500, "no");
            });

    assertThat(client.supported().join()).isEqualTo(devnetOnly);
    assertThat(client.verify(v2()).join().isValid()).isFalse();
  }

  @Test
  void aBodyThatIsNotAnX402RequestGetsA400AndIsStillRecorded() throws Exception {
    RawHttp raw = new RawHttp("127.0.0.1", java.net.URI.create(facilitator.url()).getPort());

    String answer = raw.exchangeWhole(raw.post("/verify", "{\"x402Version\":2}", ""));

    assertThat(answer).startsWith("HTTP/1.1 400");
    assertThat(facilitator.takeRequest().body()).isEqualTo("{\"x402Version\":2}");
  }

  @Test
  void anUnknownPathIsA404WithNoOperation() throws Exception {
    RawHttp raw = new RawHttp("127.0.0.1", java.net.URI.create(facilitator.url()).getPort());

    assertThat(raw.get("/verify")).startsWith("HTTP/1.1 404");
    assertThat(facilitator.takeRequest().operation()).isNull();
  }

  @Test
  void takeRequestSaysSoWhenNothingArrives() {
    assertThatThrownBy(() -> facilitator.takeRequest(Duration.ofMillis(50)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no request");
  }
}
