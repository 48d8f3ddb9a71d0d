package io.x402j.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.x402j.core.ErrorReason;
import io.x402j.core.wire.MalformedMessageException.Kind;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class HeaderCodecTest {
  private final HeaderCodec codec = HeaderCodec.standard();

  static final String REQUIREMENT = TestMessages.V2_REQUIREMENT;

  static String paymentRequired(String requirement) {
    return "{\"x402Version\":2,\"resource\":{\"url\":\"https://api.example.com/x\"},\"accepts\":["
        + requirement
        + "]}";
  }

  static String b64(String json) {
    return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static MalformedMessageException refused(ThrowingCallable call) {
    MalformedMessageException e = catchThrowableOfType(MalformedMessageException.class, call);
    assertThat(e).as("expected a MalformedMessageException").isNotNull();
    return e;
  }

  private MalformedMessageException refusedRequirement(String requirement) {
    return refused(() -> codec.decodePaymentRequired(b64(paymentRequired(requirement))));
  }

  @Test
  void validHeaderDecodes() {
    PaymentRequired decoded = codec.decodePaymentRequired(b64(paymentRequired(REQUIREMENT)));
    assertThat(decoded.accepts()).hasSize(1);
  }

  @Test
  void surroundingWhitespaceIsIgnored() {
    PaymentRequired decoded =
        codec.decodePaymentRequired("  " + b64(paymentRequired(REQUIREMENT)) + "\t");
    assertThat(decoded.accepts().get(0).amount().toString()).isEqualTo("10000");
  }

  @Test
  void badBase64() {
    MalformedMessageException e = refused(() -> codec.decodePaymentRequired("not base64!"));
    assertThat(e.kind()).isEqualTo(Kind.BAD_BASE64);
    assertThat(e.getMessage()).contains("PAYMENT-REQUIRED").contains("position 3");
  }

  @Test
  void urlSafeAlphabetIsRefusedByName() {
    // '?' and '>' encode to '/' and '+' in standard base64; the URL-safe form uses '_' and '-'.
    String json = "{\"x402Version\":2,\"error\":\"??>>??>>\"}";
    String standard = b64(json);
    assertThat(standard).containsAnyOf("+", "/");
    String urlSafe = standard.replace('+', '-').replace('/', '_');

    MalformedMessageException e = refused(() -> codec.decodePaymentRequired(urlSafe));

    assertThat(e.kind()).isEqualTo(Kind.URL_SAFE_BASE64);
    assertThat(e.getMessage()).contains("URL-safe");
  }

  @Test
  void missingPaddingIsRefused() {
    String padded = b64(paymentRequired(REQUIREMENT) + " ");
    assertThat(padded).endsWith("=");
    String unpadded = padded.replace("=", "");

    MalformedMessageException e = refused(() -> codec.decodePaymentRequired(unpadded));

    assertThat(e.kind()).isEqualTo(Kind.BAD_BASE64);
    assertThat(e.getMessage()).contains("padded");
  }

  @Test
  void paddingInTheMiddleIsRefused() {
    MalformedMessageException e = refused(() -> codec.decodePaymentRequired("ab=cdefg"));
    assertThat(e.kind()).isEqualTo(Kind.BAD_BASE64);
  }

  @Test
  void emptyHeader() {
    assertThat(refused(() -> codec.decodePaymentSignature("   ")).kind())
        .isEqualTo(Kind.BAD_BASE64);
    assertThat(refused(() -> codec.decodePaymentSignature(null)).getMessage()).contains("missing");
  }

  @Test
  void notUtf8() {
    String header = Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, (byte) 0xfe, '{'});
    MalformedMessageException e = refused(() -> codec.decodePaymentRequired(header));
    assertThat(e.kind()).isEqualTo(Kind.NOT_JSON);
    assertThat(e.getMessage()).contains("UTF-8");
  }

  @Test
  void notJson() {
    MalformedMessageException e = refused(() -> codec.decodePaymentRequired(b64("hello")));
    assertThat(e.kind()).isEqualTo(Kind.NOT_JSON);
  }

  @Test
  void jsonThatIsNotAnObject() {
    MalformedMessageException e = refused(() -> codec.decodePaymentRequired(b64("[1,2]")));
    assertThat(e.kind()).isEqualTo(Kind.NOT_JSON);
    assertThat(e.getMessage()).contains("expected a JSON object");
  }

  @Test
  void trailingContentAfterTheObject() {
    MalformedMessageException e =
        refused(() -> codec.decodePaymentRequired(b64(paymentRequired(REQUIREMENT) + "{}")));
    assertThat(e.kind()).isEqualTo(Kind.NOT_JSON);
  }

  @Test
  void duplicateKeysAreRefused() {
    // A parser that keeps the first and one that keeps the last would see different amounts.
    String requirement =
        REQUIREMENT.replace("\"amount\":\"10000\"", "\"amount\":\"1\",\"amount\":\"10000\"");
    MalformedMessageException e = refusedRequirement(requirement);
    assertThat(e.kind()).isEqualTo(Kind.NOT_JSON);
    assertThat(e.getMessage()).containsIgnoringCase("duplicate").contains("amount");
  }

  @Test
  void deeplyNestedJsonIsRefused() {
    String nested = "{\"a\":".repeat(200) + "1" + "}".repeat(200);
    String requirement = REQUIREMENT.replace("\"extra\":{", "\"deep\":" + nested + ",\"extra\":{");
    MalformedMessageException e = refusedRequirement(requirement);
    assertThat(e.kind()).isEqualTo(Kind.NOT_JSON);
    assertThat(e.getMessage()).contains("nesting");
  }

  @Test
  void wrongJsonTypesNameTheField() {
    MalformedMessageException amountAsNumber =
        refusedRequirement(REQUIREMENT.replace("\"amount\":\"10000\"", "\"amount\":10000"));
    assertThat(amountAsNumber.kind()).isEqualTo(Kind.WRONG_TYPE);
    assertThat(amountAsNumber.field()).isEqualTo("accepts[0].amount");
    assertThat(amountAsNumber.getMessage()).contains("accepts[0].amount").contains("10000");

    MalformedMessageException timeoutAsString =
        refusedRequirement(
            REQUIREMENT.replace("\"maxTimeoutSeconds\":60", "\"maxTimeoutSeconds\":\"60\""));
    assertThat(timeoutAsString.kind()).isEqualTo(Kind.WRONG_TYPE);
    assertThat(timeoutAsString.field()).isEqualTo("accepts[0].maxTimeoutSeconds");

    MalformedMessageException extraAsArray =
        refusedRequirement(
            REQUIREMENT.replace("\"extra\":{\"name\":\"USDC\",\"version\":\"2\"}", "\"extra\":[]"));
    assertThat(extraAsArray.kind()).isEqualTo(Kind.WRONG_TYPE);
    assertThat(extraAsArray.field()).isEqualTo("accepts[0].extra");

    MalformedMessageException versionAsString =
        refused(
            () ->
                codec.decodePaymentRequired(
                    b64(
                        paymentRequired(REQUIREMENT)
                            .replace("\"x402Version\":2", "\"x402Version\":\"2\""))));
    assertThat(versionAsString.kind()).isEqualTo(Kind.WRONG_TYPE);
    assertThat(versionAsString.field()).isEqualTo("x402Version");

    MalformedMessageException acceptsAsObject =
        refused(
            () ->
                codec.decodePaymentRequired(
                    b64(
                        "{\"x402Version\":2,\"resource\":{\"url\":\"u\"},\"accepts\":"
                            + REQUIREMENT
                            + "}")));
    assertThat(acceptsAsObject.kind()).isEqualTo(Kind.WRONG_TYPE);
    assertThat(acceptsAsObject.field()).isEqualTo("accepts");
  }

  @Test
  void missingRequiredFieldsNameTheField() {
    MalformedMessageException noPayTo =
        refusedRequirement(
            REQUIREMENT.replace("\"payTo\":\"0x209693Bc6afc0C5328bA36FaF03C514EF312287C\",", ""));
    assertThat(noPayTo.kind()).isEqualTo(Kind.MISSING_FIELD);
    assertThat(noPayTo.field()).isEqualTo("accepts[0].payTo");

    MalformedMessageException noResource =
        refused(
            () ->
                codec.decodePaymentRequired(
                    b64("{\"x402Version\":2,\"accepts\":[" + REQUIREMENT + "]}")));
    assertThat(noResource.kind()).isEqualTo(Kind.MISSING_FIELD);
    assertThat(noResource.field()).isEqualTo("resource");

    MalformedMessageException nullScheme =
        refusedRequirement(REQUIREMENT.replace("\"scheme\":\"exact\"", "\"scheme\":null"));
    assertThat(nullScheme.kind()).isEqualTo(Kind.MISSING_FIELD);

    MalformedMessageException noVersion =
        refused(() -> codec.decodePaymentSignature(b64("{\"accepted\":" + REQUIREMENT + "}")));
    assertThat(noVersion.kind()).isEqualTo(Kind.MISSING_FIELD);
    assertThat(noVersion.field()).isEqualTo("x402Version");
  }

  @Test
  void emptyAcceptsIsRefused() {
    MalformedMessageException e =
        refused(
            () ->
                codec.decodePaymentRequired(
                    b64("{\"x402Version\":2,\"resource\":{\"url\":\"u\"},\"accepts\":[]}")));
    assertThat(e.kind()).isEqualTo(Kind.INVALID_VALUE);
    assertThat(e.field()).isEqualTo("accepts");
  }

  @Test
  void negativeAmount() {
    MalformedMessageException e =
        refusedRequirement(REQUIREMENT.replace("\"10000\"", "\"-10000\""));
    assertThat(e.kind()).isEqualTo(Kind.NEGATIVE_AMOUNT);
    assertThat(e.getMessage()).contains("'-10000'").contains("negative");
  }

  @Test
  void nonNumericAmounts() {
    assertThat(refusedRequirement(REQUIREMENT.replace("\"10000\"", "\"ten\"")).kind())
        .isEqualTo(Kind.INVALID_AMOUNT);
    assertThat(refusedRequirement(REQUIREMENT.replace("\"10000\"", "\"100.5\"")).kind())
        .isEqualTo(Kind.INVALID_AMOUNT);
    assertThat(refusedRequirement(REQUIREMENT.replace("\"10000\"", "\"1e4\"")).kind())
        .isEqualTo(Kind.INVALID_AMOUNT);
    assertThat(refusedRequirement(REQUIREMENT.replace("\"10000\"", "\"\"")).kind())
        .isEqualTo(Kind.INVALID_AMOUNT);
    assertThat(refusedRequirement(REQUIREMENT.replace("\"10000\"", "\" 10000\"")).kind())
        .isEqualTo(Kind.INVALID_AMOUNT);
  }

  @Test
  void amountBeyondUint256() {
    String twoTo256 =
        "115792089237316195423570985008687907853269984665640564039457584007913129639936";
    MalformedMessageException e =
        refusedRequirement(REQUIREMENT.replace("\"10000\"", "\"" + twoTo256 + "\""));
    assertThat(e.kind()).isEqualTo(Kind.AMOUNT_OUT_OF_RANGE);
    assertThat(e.getMessage()).contains("uint256");

    String max = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
    PaymentRequired atMax =
        codec.decodePaymentRequired(
            b64(paymentRequired(REQUIREMENT.replace("\"10000\"", "\"" + max + "\""))));
    assertThat(atMax.accepts().get(0).amount().toString()).isEqualTo(max);

    assertThat(
            refusedRequirement(REQUIREMENT.replace("\"10000\"", "\"" + "9".repeat(500) + "\""))
                .kind())
        .isEqualTo(Kind.AMOUNT_OUT_OF_RANGE);
  }

  @Test
  void nonPositiveTimeout() {
    MalformedMessageException e =
        refusedRequirement(
            REQUIREMENT.replace("\"maxTimeoutSeconds\":60", "\"maxTimeoutSeconds\":0"));
    assertThat(e.kind()).isEqualTo(Kind.INVALID_VALUE);
    assertThat(e.field()).isEqualTo("accepts[0].maxTimeoutSeconds");
  }

  @Test
  void v1NetworkNameInAV2MessageIsRefused() {
    MalformedMessageException e =
        refusedRequirement(REQUIREMENT.replace("eip155:84532", "base-sepolia"));
    assertThat(e.kind()).isEqualTo(Kind.INVALID_VALUE);
    assertThat(e.field()).isEqualTo("accepts[0].network");
    assertThat(e.getMessage()).contains("CAIP-2");
  }

  @Test
  void unknownVersions() {
    MalformedMessageException v3 =
        refused(
            () ->
                codec.decodePaymentRequired(
                    b64(
                        paymentRequired(REQUIREMENT)
                            .replace("\"x402Version\":2", "\"x402Version\":3"))));
    assertThat(v3.kind()).isEqualTo(Kind.UNSUPPORTED_VERSION);
    assertThat(v3.reason()).isEqualTo(ErrorReason.INVALID_X402_VERSION);

    String v1Payment =
        b64("{\"x402Version\":1,\"scheme\":\"exact\",\"network\":\"base\",\"payload\":{}}");
    assertThat(refused(() -> codec.decodePaymentSignature(v1Payment)).kind())
        .isEqualTo(Kind.UNSUPPORTED_VERSION);
    assertThat(codec.decodeXPayment(v1Payment).network()).isEqualTo("base");

    String v2Payment = b64("{\"x402Version\":2,\"accepted\":" + REQUIREMENT + ",\"payload\":{}}");
    assertThat(refused(() -> codec.decodeXPayment(v2Payment)).kind())
        .isEqualTo(Kind.UNSUPPORTED_VERSION);
  }

  @Test
  void oversizedHeaderIsRefusedBeforeDecoding() {
    String huge = "A".repeat(HeaderCodec.DEFAULT_MAX_LENGTH + 1);
    MalformedMessageException e = refused(() -> codec.decodePaymentSignature(huge));
    assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE);
    assertThat(e.getMessage()).contains("16384");

    HeaderCodec small = HeaderCodec.withMaxLength(100);
    String normal = b64(paymentRequired(REQUIREMENT));
    assertThat(normal.length()).isGreaterThan(100);
    assertThat(refused(() -> small.decodePaymentRequired(normal)).kind()).isEqualTo(Kind.TOO_LARGE);
  }

  @Test
  void controlCharactersInInputAreEscapedInMessages() {
    MalformedMessageException e =
        refusedRequirement(REQUIREMENT.replace("\"10000\"", "\"1\\n[INFO] forged log line\""));
    assertThat(e.getMessage()).doesNotContain("\n").contains("\\u000a");
  }

  @Test
  void unknownFieldsExtraAndExtensionsSurviveARoundTrip() {
    String json =
        "{\"x402Version\":2,\"error\":\"pay\",\"resource\":{\"url\":\"https://a/b\","
            + "\"serviceName\":\"Weather\",\"tags\":[\"a\",\"b\"]},\"accepts\":[{\"scheme\":\"exact\","
            + "\"network\":\"eip155:8453\",\"amount\":\"1\",\"asset\":\"0xA\",\"payTo\":\"0xB\","
            + "\"maxTimeoutSeconds\":30,\"extra\":{\"name\":\"USD Coin\",\"version\":\"2\","
            + "\"nested\":{\"n\":[1,2.5,null,true]},\"big\":123456789012345678901234567890},"
            + "\"futureField\":{\"x\":1}}],\"extensions\":{\"bazaar\":{\"info\":{\"k\":\"v\"},"
            + "\"schema\":{}}},\"topLevelUnknown\":null}";

    PaymentRequired decoded = codec.decodePaymentRequired(b64(json));
    PaymentRequired again = codec.decodePaymentRequired(codec.encodePaymentRequired(decoded));

    assertThat(again).isEqualTo(decoded);
    assertThat(
            new String(
                Base64.getDecoder().decode(codec.encodePaymentRequired(decoded)),
                StandardCharsets.UTF_8))
        .isEqualTo(json);
    assertThat(decoded.additionalFields()).containsKey("topLevelUnknown");
    assertThat(decoded.resource().additionalFields()).containsEntry("tags", List.of("a", "b"));
    assertThat(decoded.accepts().get(0).additionalFields()).containsKey("futureField");
    assertThat(decoded.extensions()).containsKey("bazaar");
  }

  @Test
  void headerNamesMatchInAnyCase() {
    assertThat(PaymentHeader.fromName("payment-signature"))
        .hasValue(PaymentHeader.PAYMENT_SIGNATURE);
    assertThat(PaymentHeader.fromName("X-Payment-Response"))
        .hasValue(PaymentHeader.X_PAYMENT_RESPONSE);
    assertThat(PaymentHeader.fromName("x-payments")).isEmpty();
    Map<String, List<String>> headers = Map.of("Payment-Required", List.of("abc"));
    assertThat(PaymentHeader.PAYMENT_REQUIRED.firstValueIn(headers)).hasValue("abc");
    assertThat(PaymentHeader.PAYMENT_RESPONSE.firstValueIn(headers)).isEmpty();
  }

  @Test
  void mutatedHeadersNeverFailWithAnythingButMalformedMessage() {
    // Deterministic mutations of valid headers: truncation, bit flips, insertions. Whatever comes
    // out, decoding either succeeds or throws MalformedMessageException, never anything else.
    List<String> seeds =
        List.of(
            SpecVectorTest.vector("v2-payment-required-1.b64"),
            SpecVectorTest.vector("v2-payment-signature-1.b64"),
            SpecVectorTest.vector("v2-payment-response-2.b64"),
            SpecVectorTest.vector("v1-x-payment-1.b64"));
    Random random = new Random(402);
    int decoded = 0;
    for (int i = 0; i < 20_000; i++) {
      String seed = seeds.get(i % seeds.size());
      String json = new String(Base64.getDecoder().decode(seed), StandardCharsets.UTF_8);
      StringBuilder mutated = new StringBuilder(json);
      int edits = 1 + random.nextInt(3);
      for (int k = 0; k < edits && mutated.length() > 1; k++) {
        int at = random.nextInt(mutated.length());
        switch (random.nextInt(4)) {
          case 0:
            mutated.setLength(at);
            break;
          case 1:
            mutated.setCharAt(at, (char) random.nextInt(128));
            break;
          case 2:
            mutated.insert(at, "{}[]\",:-0123456789eE.nul".charAt(random.nextInt(24)));
            break;
          default:
            mutated.deleteCharAt(at);
            break;
        }
      }
      String header = b64(mutated.toString());
      for (int decoder = 0; decoder < 4; decoder++) {
        try {
          switch (decoder) {
            case 0:
              codec.decodePaymentRequired(header);
              break;
            case 1:
              codec.decodePaymentSignature(header);
              break;
            case 2:
              codec.decodePaymentResponse(header);
              break;
            default:
              codec.decodeXPayment(header);
              break;
          }
          decoded++;
        } catch (MalformedMessageException expected) {
          assertThat(expected.getMessage()).isNotBlank();
        }
      }
    }
    assertThat(decoded).as("some mutations remain valid messages").isPositive();
  }
}
