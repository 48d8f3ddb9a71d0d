package io.x402j.core.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The example headers printed in the public x402 specification (see
 * src/test/resources/spec-vectors/README.md) decode to the objects the specification shows next to
 * them, and re-encode to the identical header string.
 */
class SpecVectorTest {
  private final HeaderCodec codec = HeaderCodec.standard();

  static String vector(String name) {
    try (InputStream in = SpecVectorTest.class.getResourceAsStream("/spec-vectors/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void v2PaymentRequiredHeader() {
    String header = vector("v2-payment-required-1.b64");

    PaymentRequired decoded = codec.decodePaymentRequired(header);

    assertThat(decoded.x402Version()).isEqualTo(2);
    assertThat(decoded.error()).isEqualTo("PAYMENT-SIGNATURE header is required");
    assertThat(decoded.resource())
        .isEqualTo(
            ResourceInfo.of(
                "https://api.example.com/premium-data",
                "Access to premium market data",
                "application/json"));
    assertThat(decoded.accepts()).containsExactly(baseSepoliaRequirement());
    assertThat(decoded.extensions()).isNull();
    assertThat(codec.encodePaymentRequired(decoded)).isEqualTo(header);
  }

  @Test
  void v2PaymentSignatureHeader() {
    String header = vector("v2-payment-signature-1.b64");

    PaymentPayload decoded = codec.decodePaymentSignature(header);

    assertThat(decoded.x402Version()).isEqualTo(2);
    assertThat(decoded.resource().url()).isEqualTo("https://api.example.com/premium-data");
    assertThat(decoded.accepted()).isEqualTo(baseSepoliaRequirement());
    assertThat(decoded.payload())
        .isEqualTo(
            Map.of(
                "signature",
                "0x2d6a7588d6acca505cbf0d9a4a227e0c52c6c34008c8e8986a1283259764173608a2ce6496642e377d6da8dbbf5836e9bd15092f9ecab05ded3d6293af148b571c",
                "authorization",
                authorization()));
    assertThat(codec.encodePaymentSignature(decoded)).isEqualTo(header);
  }

  @Test
  void v2PaymentResponseHeaders() {
    String success = vector("v2-payment-response-1.b64");
    String failure = vector("v2-payment-response-2.b64");

    SettleResponse ok = codec.decodePaymentResponse(success);
    SettleResponse failed = codec.decodePaymentResponse(failure);

    assertThat(ok)
        .isEqualTo(
            SettleResponse.success(
                "0x1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef",
                "eip155:84532",
                "0x857b06519E91e3A54538791bDbb0E22373e36b66"));
    assertThat(failed.success()).isFalse();
    assertThat(failed.errorReason()).isEqualTo("insufficient_funds");
    assertThat(failed.reason()).hasValue(io.x402j.core.ErrorReason.INSUFFICIENT_FUNDS);
    assertThat(failed.transaction()).isEmpty();
    assertThat(failed.network()).isEqualTo("eip155:84532");
    assertThat(codec.encodePaymentResponse(ok)).isEqualTo(success);
    assertThat(codec.encodePaymentResponse(failed)).isEqualTo(failure);
  }

  @Test
  void v1XPaymentHeader() {
    String header = vector("v1-x-payment-1.b64");

    PaymentPayloadV1 decoded = codec.decodeXPayment(header);

    assertThat(decoded.x402Version()).isEqualTo(1);
    assertThat(decoded.scheme()).isEqualTo("exact");
    assertThat(decoded.network()).isEqualTo("base-sepolia");
    assertThat(decoded.payload()).containsEntry("authorization", authorization());
    assertThat(codec.encodeXPayment(decoded)).isEqualTo(header);
  }

  @Test
  void v1XPaymentResponseHeaders() {
    String success = vector("v1-x-payment-response-1.b64");
    String failure = vector("v1-x-payment-response-2.b64");

    SettleResponse ok = codec.decodeXPaymentResponse(success);
    SettleResponse failed = codec.decodeXPaymentResponse(failure);

    assertThat(ok.success()).isTrue();
    assertThat(ok.network()).isEqualTo("base-sepolia");
    assertThat(ok.payer()).isEqualTo("0x857b06519E91e3A54538791bDbb0E22373e36b66");
    assertThat(failed.errorReason()).isEqualTo("insufficient_funds");
    assertThat(codec.encodeXPaymentResponse(ok)).isEqualTo(success);
    assertThat(codec.encodeXPaymentResponse(failed)).isEqualTo(failure);
  }

  private static PaymentRequirements baseSepoliaRequirement() {
    return PaymentRequirements.builder()
        .scheme("exact")
        .network(Network.parse("eip155:84532"))
        .amount(TokenAmount.of(10000))
        .asset("0x036CbD53842c5426634e7929541eC2318f3dCF7e")
        .payTo("0x209693Bc6afc0C5328bA36FaF03C514EF312287C")
        .maxTimeoutSeconds(60)
        .extra("name", "USDC")
        .extra("version", "2")
        .build();
  }

  private static Map<String, Object> authorization() {
    return Map.of(
        "from", "0x857b06519E91e3A54538791bDbb0E22373e36b66",
        "to", "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
        "value", "10000",
        "validAfter", "1740672089",
        "validBefore", "1740672154",
        "nonce", "0xf3746613c2d920b5fdabc0856f2aeb2d4f88ee6037b8cc5d04a71a4462f13480");
  }
}
