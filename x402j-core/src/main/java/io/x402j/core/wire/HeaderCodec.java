package io.x402j.core.wire;

import io.x402j.core.wire.MalformedMessageException.Kind;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Encodes and decodes the five x402 headers: standard, padded base64 of UTF-8 JSON. Immutable and
 * thread-safe.
 *
 * <p>Decoding checks the length limit first (default 16 KiB, configurable), then refuses the
 * URL-safe alphabet, missing or misplaced padding, stray characters, invalid UTF-8 and anything
 * that is not the expected JSON message, each with its own {@link MalformedMessageException} kind
 * and a message naming the header. Surrounding whitespace, which HTTP allows, is ignored.
 */
public final class HeaderCodec {
  /** The default limit on a header value, in characters. */
  public static final int DEFAULT_MAX_LENGTH = 16 * 1024;

  private static final HeaderCodec STANDARD = new HeaderCodec(DEFAULT_MAX_LENGTH);

  private final int maxLength;
  private final WireCodec wire;

  private HeaderCodec(int maxLength) {
    if (maxLength < 64) {
      throw new IllegalArgumentException("maxLength must be at least 64, got " + maxLength);
    }
    this.maxLength = maxLength;
    // Base64 inflates by 4/3, so the decoded JSON is always shorter than the header.
    this.wire = WireCodec.withMaxLength(maxLength);
  }

  /** A codec with the default 16 KiB limit. */
  public static HeaderCodec standard() {
    return STANDARD;
  }

  /** A codec refusing header values longer than {@code maxLength} characters. */
  public static HeaderCodec withMaxLength(int maxLength) {
    return new HeaderCodec(maxLength);
  }

  /** The header length limit in characters. */
  public int maxLength() {
    return maxLength;
  }

  /** Encodes the {@code PAYMENT-REQUIRED} header. */
  public String encodePaymentRequired(PaymentRequired message) {
    return encode(wire.toJson(message));
  }

  /** Decodes the {@code PAYMENT-REQUIRED} header. */
  public PaymentRequired decodePaymentRequired(String header) {
    return wire.decodePaymentRequired(json(PaymentHeader.PAYMENT_REQUIRED, header));
  }

  /** Encodes the {@code PAYMENT-SIGNATURE} header. */
  public String encodePaymentSignature(PaymentPayload message) {
    return encode(wire.toJson(message));
  }

  /** Decodes the {@code PAYMENT-SIGNATURE} header (a v2 payment). */
  public PaymentPayload decodePaymentSignature(String header) {
    return wire.decodePaymentPayload(json(PaymentHeader.PAYMENT_SIGNATURE, header));
  }

  /** Encodes the {@code PAYMENT-RESPONSE} header. */
  public String encodePaymentResponse(SettleResponse message) {
    return encode(wire.toJson(message));
  }

  /** Decodes the {@code PAYMENT-RESPONSE} header. */
  public SettleResponse decodePaymentResponse(String header) {
    return wire.decodeSettleResponse(json(PaymentHeader.PAYMENT_RESPONSE, header));
  }

  /** Encodes the v1 {@code X-PAYMENT} header. */
  public String encodeXPayment(PaymentPayloadV1 message) {
    return encode(wire.toJson(message));
  }

  /** Decodes the v1 {@code X-PAYMENT} header. */
  public PaymentPayloadV1 decodeXPayment(String header) {
    return wire.decodePaymentPayloadV1(json(PaymentHeader.X_PAYMENT, header));
  }

  /** Encodes the v1 {@code X-PAYMENT-RESPONSE} header. */
  public String encodeXPaymentResponse(SettleResponse message) {
    return encode(wire.toJson(message));
  }

  /** Decodes the v1 {@code X-PAYMENT-RESPONSE} header. */
  public SettleResponse decodeXPaymentResponse(String header) {
    return wire.decodeSettleResponse(json(PaymentHeader.X_PAYMENT_RESPONSE, header));
  }

  /** Encodes any JSON text as a header value. */
  public static String encode(String json) {
    return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Decodes a header value to its JSON text, applying every check except the JSON ones.
   *
   * @throws MalformedMessageException for an oversized, empty, non-base64 or non-UTF-8 value
   */
  public String json(PaymentHeader header, String value) {
    String name = header.headerName();
    if (value == null) {
      throw new MalformedMessageException(Kind.BAD_BASE64, "", name + " header is missing");
    }
    if (value.length() > maxLength) {
      throw new MalformedMessageException(
          Kind.TOO_LARGE,
          "",
          name + " header is " + value.length() + " characters; the limit is " + maxLength);
    }
    String trimmed = value.strip();
    if (trimmed.isEmpty()) {
      throw new MalformedMessageException(Kind.BAD_BASE64, "", name + " header is empty");
    }
    checkAlphabet(name, trimmed);
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(trimmed);
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException(
          Kind.BAD_BASE64, "", name + " header is not valid base64: " + e.getMessage());
    }
    CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      CharBuffer chars = utf8.decode(ByteBuffer.wrap(bytes));
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw new MalformedMessageException(
          Kind.NOT_JSON, "", name + " header does not decode to UTF-8 text");
    }
  }

  private static void checkAlphabet(String name, String value) {
    int padding = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '-' || c == '_') {
        throw new MalformedMessageException(
            Kind.URL_SAFE_BASE64,
            "",
            name
                + " header uses the URL-safe base64 alphabet ('"
                + c
                + "' at position "
                + i
                + "); x402 headers are standard base64 with '+', '/' and '=' padding");
      }
      boolean base64Char =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '+'
              || c == '/';
      if (c == '=') {
        padding++;
      } else if (!base64Char) {
        throw new MalformedMessageException(
            Kind.BAD_BASE64,
            "",
            name
                + " header is not base64: character "
                + (c < 0x20 || c > 0x7e ? String.format("U+%04X", (int) c) : "'" + c + "'")
                + " at position "
                + i);
      } else if (padding > 0) {
        throw new MalformedMessageException(
            Kind.BAD_BASE64, "", name + " header has '=' padding before the end");
      }
    }
    if (padding > 2 || value.length() % 4 != 0) {
      throw new MalformedMessageException(
          Kind.BAD_BASE64,
          "",
          name
              + " header is not correctly padded base64 (length "
              + value.length()
              + " with "
              + padding
              + " '=')");
    }
  }
}
