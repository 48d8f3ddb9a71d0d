package io.x402j.svm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExactSvmPayloadTest {
  private static final SolanaTransaction TX = SolanaTransactionTest.paymentTransaction();
  private static final String B64 = Base64.getEncoder().encodeToString(TX.encode());

  @Test
  void roundTrips() {
    ExactSvmPayload payload = ExactSvmPayload.parse(Map.of("transaction", B64));
    assertThat(payload.transaction()).isEqualTo(TX);
    assertThat(payload.toMap()).isEqualTo(Map.of("transaction", B64));
  }

  @Test
  void refusesWhitespaceUrlSafeAndMissingPadding() {
    // 470 bytes: base64 ends with one '=' of padding
    assertThat(B64).endsWith("=").doesNotEndWith("==");
    String urlSafe = B64.replace('+', '-').replace('/', '_');
    assertThat(urlSafe).isNotEqualTo(B64);
    assertThatThrownBy(() -> ExactSvmPayload.parse(Map.of("transaction", urlSafe)))
        .hasMessageContaining("URL-safe character");
    assertThatThrownBy(() -> ExactSvmPayload.parse(Map.of("transaction", B64 + "\n")))
        .hasMessageContaining("U+000A");
    assertThatThrownBy(
            () ->
                ExactSvmPayload.parse(
                    Map.of("transaction", B64.substring(0, 40) + " " + B64.substring(40))))
        .hasMessageContaining("U+0020");
    String unpadded = B64.substring(0, B64.length() - 1);
    assertThatThrownBy(() -> ExactSvmPayload.parse(Map.of("transaction", unpadded)))
        .hasMessageContaining("not a multiple of 4");
    assertThatThrownBy(() -> ExactSvmPayload.parse(Map.of("transaction", "QR==")))
        .hasMessageContaining("not canonical");
    assertThatThrownBy(() -> ExactSvmPayload.parse(Map.of("transaction", "QQ==QQ==")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ExactSvmPayload.parse(Map.of("transaction", "")))
        .hasMessageContaining("empty");
  }

  @Test
  void refusesOversizedMissingAndMistypedFields() {
    String huge = "A".repeat(ExactSvmPayload.MAX_BASE64_LENGTH + 4);
    assertThatThrownBy(() -> ExactSvmPayload.parse(Map.of("transaction", huge)))
        .hasMessageContaining("more than a 1232-byte transaction");
    assertThatThrownBy(() -> ExactSvmPayload.parse(Map.of()))
        .hasMessageContaining("lacks its transaction");
    assertThatThrownBy(() -> ExactSvmPayload.parse(Map.of("transaction", 5)))
        .hasMessageContaining("base64 string");
    assertThatThrownBy(() -> ExactSvmPayload.parse(Map.of("transaction", B64, "signature", "x")))
        .hasMessageContaining("unknown field 'signature'");
    assertThatThrownBy(() -> ExactSvmPayload.parse(Map.of("transaction", "AAAA")))
        .isInstanceOf(SolanaDecodeException.class);
  }

  @Test
  void paymentIdIsTheMessageHashWhateverTheSignatures() {
    String id = ExactSvmPayload.paymentId(TX);
    assertThat(id).matches("[0-9a-f]{64}");
    byte[] other = new byte[64];
    other[5] = 9;
    assertThat(ExactSvmPayload.paymentId(TX.withSignature(0, other))).isEqualTo(id);
    SolanaTransaction otherMessage =
        SolanaTransaction.unsigned(
            MessageCompiler.compileV0(
                SolanaTransactionTest.FEE_PAYER,
                java.util.List.of(SvmInstructions.memo("x")),
                new byte[32]));
    assertThat(ExactSvmPayload.paymentId(otherMessage)).isNotEqualTo(id);
  }
}
