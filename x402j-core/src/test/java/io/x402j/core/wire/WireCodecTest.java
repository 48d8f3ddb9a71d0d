package io.x402j.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.TokenAmount;
import io.x402j.core.wire.MalformedMessageException.Kind;
import org.junit.jupiter.api.Test;

class WireCodecTest {
  private final WireCodec codec = WireCodec.standard();

  private static MalformedMessageException refused(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    MalformedMessageException e = catchThrowableOfType(MalformedMessageException.class, call);
    assertThat(e).isNotNull();
    return e;
  }

  @Test
  void v2FacilitatorRequestDecodesAndRoundTrips() {
    FacilitatorRequest request = codec.decodeFacilitatorRequest(TestMessages.v2Request());

    assertThat(request).isInstanceOf(VerifyRequest.class);
    VerifyRequest v2 = (VerifyRequest) request;
    assertThat(v2.x402Version()).isEqualTo(2);
    assertThat(v2.scheme()).isEqualTo("exact");
    assertThat(v2.paymentPayload().accepted()).isEqualTo(v2.paymentRequirements());
    assertThat(codec.toJson(request)).isEqualTo(TestMessages.v2Request());
  }

  @Test
  void numbersJacksonCannotReadOrThatWouldBeHugeWrittenOutAreMalformed() {
    // Found by HeaderFuzzTest: an exponent too long for BigDecimal escaped as a
    // NumberFormatException; a merely large one would be written back as a billion digits.
    String unreadable =
        TestMessages.v2Request().replace("\"extra\":{", "\"extra\":{\"x\":60e77777777777777777,");
    String huge = TestMessages.v2Request().replace("\"extra\":{", "\"extra\":{\"x\":1e999999999,");
    // Also found by it: 1e138 read fine but was written as 139 digits, beyond what is read back.
    String longPlain = TestMessages.v2Request().replace("\"extra\":{", "\"extra\":{\"x\":1e138,");
    String fine = TestMessages.v2Request().replace("\"extra\":{", "\"extra\":{\"x\":1.5e3,");

    assertThat(refused(() -> codec.decodeFacilitatorRequest(unreadable)).getMessage())
        .contains("number");
    assertThat(refused(() -> codec.decodeFacilitatorRequest(huge)).getMessage())
        .contains("exponent");
    assertThat(refused(() -> codec.decodeFacilitatorRequest(longPlain)).getMessage())
        .contains("more than 100 digits");

    FacilitatorRequest decoded = codec.decodeFacilitatorRequest(fine);
    assertThat(codec.decodeFacilitatorRequest(codec.toJson(decoded))).isEqualTo(decoded);
  }

  @Test
  void v1FacilitatorRequestDecodesAndRoundTrips() {

    FacilitatorRequest request = codec.decodeFacilitatorRequest(TestMessages.v1Request());

    assertThat(request).isInstanceOf(VerifyRequestV1.class);
    VerifyRequestV1 v1 = (VerifyRequestV1) request;
    assertThat(v1.paymentRequirements().maxAmountRequired()).isEqualTo(TokenAmount.of(10000));
    assertThat(v1.paymentRequirements().description()).isEqualTo("Premium");
    assertThat(v1.paymentPayload().network()).isEqualTo("base-sepolia");
    assertThat(codec.decodeFacilitatorRequest(codec.toJson(request))).isEqualTo(request);
  }

  @Test
  void versionMayComeFromThePayloadAlone() {
    String withoutTopLevel = TestMessages.v2Request().replaceFirst("\"x402Version\":2,", "");
    assertThat(codec.decodeFacilitatorRequest(withoutTopLevel)).isInstanceOf(VerifyRequest.class);
  }

  @Test
  void conflictingVersionsAreRefused() {
    String conflicting =
        TestMessages.v2Request().replaceFirst("\"x402Version\":2", "\"x402Version\":1");
    MalformedMessageException e = refused(() -> codec.decodeFacilitatorRequest(conflicting));
    assertThat(e.kind()).isEqualTo(Kind.INVALID_VALUE);
    assertThat(e.getMessage()).contains("does not match");
  }

  @Test
  void problemsInsideRequirementsMapToInvalidPaymentRequirements() {
    String bad =
        TestMessages.v2Request()
            .replace(
                "\"paymentRequirements\":" + TestMessages.V2_REQUIREMENT,
                "\"paymentRequirements\":"
                    + TestMessages.V2_REQUIREMENT.replace("\"10000\"", "\"-1\""));
    MalformedMessageException e = refused(() -> codec.decodeFacilitatorRequest(bad));
    assertThat(e.field()).isEqualTo("paymentRequirements.amount");
    assertThat(e.reason()).isEqualTo(ErrorReason.INVALID_PAYMENT_REQUIREMENTS);

    MalformedMessageException noPayload =
        refused(
            () ->
                codec.decodeFacilitatorRequest(
                    "{\"x402Version\":2,\"paymentRequirements\":"
                        + TestMessages.V2_REQUIREMENT
                        + "}"));
    assertThat(noPayload.field()).isEqualTo("paymentPayload");
    assertThat(noPayload.reason()).isEqualTo(ErrorReason.INVALID_PAYLOAD);
  }

  @Test
  void verifyAndSettleResponses() {
    VerifyResponse invalid =
        codec.decodeVerifyResponse(
            "{\"isValid\":false,\"invalidReason\":\"invalid_exact_evm_signature\","
                + "\"invalidMessage\":\"bad\",\"payer\":\"0xabc\",\"newField\":1}");
    assertThat(invalid.isValid()).isFalse();
    assertThat(invalid.reason()).hasValue(ErrorReason.EXACT_EVM_SIGNATURE);
    assertThat(invalid.additionalFields()).containsEntry("newField", 1L);

    VerifyResponse unknownReason =
        codec.decodeVerifyResponse("{\"isValid\":false,\"invalidReason\":\"some_new_reason\"}");
    assertThat(unknownReason.invalidReason()).isEqualTo("some_new_reason");
    assertThat(unknownReason.reason()).isEmpty();

    SettleResponse pending =
        codec.decodeSettleResponse(
            "{\"success\":false,\"errorReason\":\"settlement_pending\",\"transaction\":\"0xabc\","
                + "\"network\":\"eip155:8453\",\"amount\":\"10000\"}");
    assertThat(pending.isPending()).isTrue();
    assertThat(pending.amount()).isEqualTo(TokenAmount.of(10000));

    assertThat(refused(() -> codec.decodeSettleResponse("{\"success\":true}")).field())
        .isEqualTo("transaction");
    assertThat(refused(() -> codec.decodeVerifyResponse("{\"isValid\":\"yes\"}")).kind())
        .isEqualTo(Kind.WRONG_TYPE);
  }

  @Test
  void supportedResponseRoundTripsAndDefaultsMissingLists() {
    String json =
        "{\"kinds\":[{\"x402Version\":2,\"scheme\":\"exact\",\"network\":\"eip155:84532\"},"
            + "{\"x402Version\":1,\"scheme\":\"exact\",\"network\":\"base-sepolia\","
            + "\"extra\":{\"feePayer\":\"x\"}}],\"extensions\":[\"bazaar\"],"
            + "\"signers\":{\"eip155:*\":[\"0x1234567890abcdef1234567890abcdef12345678\"]}}";

    SupportedResponse supported = codec.decodeSupportedResponse(json);

    assertThat(supported.kinds()).hasSize(2);
    assertThat(supported.supports(1, "exact", "base-sepolia")).isTrue();
    assertThat(supported.supports(2, "exact", "base-sepolia")).isFalse();
    assertThat(supported.signers().get("eip155:*")).hasSize(1);
    assertThat(codec.toJson(supported)).isEqualTo(json);

    SupportedResponse minimal = codec.decodeSupportedResponse("{\"kinds\":[]}");
    assertThat(minimal.extensions()).isEmpty();
    assertThat(minimal.signers()).isEmpty();
  }

  @Test
  void echoedRequirementEqualsTheOfferedOne() {
    // What a server offers, built in code with ints and one key order...
    PaymentRequirements offered =
        PaymentRequirements.builder()
            .network(Network.parse("eip155:84532"))
            .amount(TokenAmount.of(10000))
            .asset("0x036CbD53842c5426634e7929541eC2318f3dCF7e")
            .payTo("0x209693Bc6afc0C5328bA36FaF03C514EF312287C")
            .extra("version", "2")
            .extra("name", "USDC")
            .extra("decimals", 6)
            .build();
    // ...equals what a client echoes, parsed from JSON with another key order and 6.0.
    String echoed =
        "{\"payTo\":\"0x209693Bc6afc0C5328bA36FaF03C514EF312287C\",\"scheme\":\"exact\","
            + "\"maxTimeoutSeconds\":60.0,\"network\":\"eip155:84532\",\"amount\":\"10000\","
            + "\"asset\":\"0x036CbD53842c5426634e7929541eC2318f3dCF7e\","
            + "\"extra\":{\"decimals\":6.0,\"name\":\"USDC\",\"version\":\"2\"}}";
    assertThat(codec.decodePaymentRequirements(echoed)).isEqualTo(offered);
  }

  @Test
  void alteredOrAbsentFieldsAreNotEqual() {
    PaymentRequirements offered = codec.decodePaymentRequirements(TestMessages.V2_REQUIREMENT);

    assertThat(
            codec.decodePaymentRequirements(TestMessages.V2_REQUIREMENT.replace("10000", "1000")))
        .isNotEqualTo(offered);
    assertThat(
            codec.decodePaymentRequirements(
                TestMessages.V2_REQUIREMENT.replace(
                    ",\"extra\":{\"name\":\"USDC\",\"version\":\"2\"}", "")))
        .isNotEqualTo(offered);
    PaymentRequirements noExtra =
        codec.decodePaymentRequirements(
            TestMessages.V2_REQUIREMENT.replace(
                ",\"extra\":{\"name\":\"USDC\",\"version\":\"2\"}", ""));
    PaymentRequirements emptyExtra =
        codec.decodePaymentRequirements(
            TestMessages.V2_REQUIREMENT.replace("{\"name\":\"USDC\",\"version\":\"2\"}", "{}"));
    assertThat(noExtra).as("absent extra differs from {}").isNotEqualTo(emptyExtra);
    assertThat(codec.toJson(noExtra)).doesNotContain("extra");
    assertThat(codec.toJson(emptyExtra)).contains("\"extra\":{}");
  }

  @Test
  void v1RequirementsTranslateToV2AndBack() {
    V1Translation v1 = new V1Translation(NetworkRegistry.defaults());
    VerifyRequestV1 request =
        (VerifyRequestV1) codec.decodeFacilitatorRequest(TestMessages.v1Request());

    VerifyRequest translated = v1.request(request);

    assertThat(translated.paymentRequirements().network()).isEqualTo(Network.evm(84532));
    assertThat(translated.paymentRequirements().amount()).isEqualTo(TokenAmount.of(10000));
    assertThat(translated.paymentRequirements().extraString("name")).isEqualTo("USDC");
    assertThat(translated.paymentPayload().accepted()).isEqualTo(translated.paymentRequirements());
    assertThat(translated.paymentPayload().resource().url())
        .isEqualTo("https://api.example.com/premium-data");
    assertThat(translated.paymentPayload().payload()).isEqualTo(request.paymentPayload().payload());

    SettleResponse v2Answer = SettleResponse.success("0xabc", "eip155:84532", "0xpayer");
    assertThat(v1.toV1(v2Answer).network()).isEqualTo("base-sepolia");
  }

  @Test
  void v1PaymentForAnotherNetworkStaysVisibleAfterTranslation() {
    V1Translation v1 = new V1Translation(NetworkRegistry.defaults());
    VerifyRequestV1 request =
        (VerifyRequestV1)
            codec.decodeFacilitatorRequest(
                TestMessages.v1Request()
                    .replace(
                        "\"network\":\"base-sepolia\",\"payload\"",
                        "\"network\":\"base\",\"payload\""));

    VerifyRequest translated = v1.request(request);

    assertThat(translated.paymentPayload().accepted().network()).isEqualTo(Network.evm(8453));
    assertThat(translated.paymentRequirements().network()).isEqualTo(Network.evm(84532));
  }

  @Test
  void v1TranslationOfAnUnknownNetworkNamesIt() {
    V1Translation v1 = new V1Translation(NetworkRegistry.defaults());
    VerifyRequestV1 request =
        (VerifyRequestV1)
            codec.decodeFacilitatorRequest(
                TestMessages.v1Request().replace("base-sepolia", "atlantis"));
    PaymentRequirementsV1 requirements = request.paymentRequirements();
    IllegalArgumentException e =
        catchThrowableOfType(IllegalArgumentException.class, () -> v1.requirements(requirements));
    assertThat(e).hasMessageContaining("'atlantis'");
  }

  @Test
  void v1BodyWithOptionalFieldsOmitted() {
    String minimal =
        "{\"x402Version\":1,\"accepts\":[{\"scheme\":\"exact\",\"network\":\"base\","
            + "\"maxAmountRequired\":\"5\",\"resource\":\"https://r\",\"payTo\":\"0xB\","
            + "\"maxTimeoutSeconds\":10,\"asset\":\"0xA\",\"outputSchema\":null}]}";
    PaymentRequiredV1 body = codec.decodePaymentRequiredV1(minimal);
    PaymentRequirementsV1 r = body.accepts().get(0);
    assertThat(r.description()).isEmpty();
    assertThat(r.mimeType()).isNull();
    assertThat(r.outputSchema()).isNull();
    assertThat(codec.toJson(body)).doesNotContain("outputSchema").doesNotContain("mimeType");
    assertThat(r.maxAmountRequired()).isEqualTo(TokenAmount.of(5));
  }
}
