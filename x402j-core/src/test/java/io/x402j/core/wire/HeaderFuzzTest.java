package io.x402j.core.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.Function;

/**
 * Any value of any of the five headers either decodes or is refused with {@link
 * MalformedMessageException}; nothing else escapes. What decodes survives a round trip through the
 * encoder unchanged.
 *
 * <p>The first byte of an input chooses the header (its value modulo 5) and, with bit 0x80, that
 * the rest is the header value as sent; otherwise the rest is the decoded message, which the test
 * wraps in base64 so that the JSON layer is what gets fuzzed. The committed inputs are in {@code
 * src/test/resources/io/x402j/core/wire/HeaderFuzzTestInputs}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class HeaderFuzzTest {
  private static final HeaderCodec CODEC = HeaderCodec.standard();

  @FuzzTest
  void everyHeaderDecodesOrIsRefusedAsMalformed(byte[] input) {
    if (input.length == 0) {
      return;
    }
    byte[] rest = Arrays.copyOfRange(input, 1, input.length);
    String value =
        (input[0] & 0x80) != 0
            ? new String(rest, StandardCharsets.ISO_8859_1)
            : Base64.getEncoder().encodeToString(rest);
    switch ((input[0] & 0x7f) % 5) {
      case 0 -> roundTrip(value, CODEC::decodePaymentRequired, CODEC::encodePaymentRequired);
      case 1 -> roundTrip(value, CODEC::decodePaymentSignature, CODEC::encodePaymentSignature);
      case 2 -> roundTrip(value, CODEC::decodePaymentResponse, CODEC::encodePaymentResponse);
      case 3 -> roundTrip(value, CODEC::decodeXPayment, CODEC::encodeXPayment);
      default -> roundTrip(value, CODEC::decodeXPaymentResponse, CODEC::encodeXPaymentResponse);
    }
  }

  private static <T> void roundTrip(
      String value, Function<String, T> decode, Function<T, String> encode) {
    T decoded;
    try {
      decoded = decode.apply(value);
    } catch (MalformedMessageException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }
    assertThat(decode.apply(encode.apply(decoded))).isEqualTo(decoded);
  }
}
