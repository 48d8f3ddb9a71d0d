package io.x402j.evm.internal;

import io.x402j.core.TokenAmount;
import io.x402j.core.support.Text;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import java.math.BigInteger;
import java.util.Map;

/**
 * Strict readers of JSON wire fields for the EVM payload and extension records: every error names
 * the field by its full path ({@code payload.permit2Authorization.witness.to}); numbers are ASCII
 * decimal strings within uint256; hex is ASCII; addresses go through {@link EvmAddress#parse}.
 * Internal to x402j-evm.
 */
public final class WireFields {
  private WireFields() {}

  /** {@code map.<field>} as an object. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> object(Map<String, Object> map, String path, String field) {
    Object value = map.get(field);
    if (!(value instanceof Map)) {
      throw new IllegalArgumentException(
          path + "." + field + (value == null ? " is missing" : " must be an object"));
    }
    return (Map<String, Object>) value;
  }

  /** {@code map.<field>} as a string. */
  public static String string(Map<String, Object> map, String path, String field) {
    Object value = map.get(field);
    if (!(value instanceof String)) {
      throw new IllegalArgumentException(
          path + "." + field + (value == null ? " is missing" : " must be a string"));
    }
    return (String) value;
  }

  /** {@code map.<field>} as an address. */
  public static EvmAddress address(Map<String, Object> map, String path, String field) {
    String text = string(map, path, field);
    try {
      return EvmAddress.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(path + "." + field + ": " + e.getMessage(), e);
    }
  }

  /**
   * {@code map.<field>} as a uint256 written in ASCII decimal. Leading zeros are read by value
   * ({@code "01"} is 1); hex ({@code "0x1"}), signs, fractions and non-ASCII digits are refused.
   */
  public static BigInteger uint256(Map<String, Object> map, String path, String field) {
    String text = string(map, path, field);
    try {
      return TokenAmount.parse(text).value();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          path + "." + field + ": " + e.getMessage().replaceFirst("^amount ", "value "), e);
    }
  }

  /**
   * {@code map.<field>} as {@code 0x} and whole bytes of ASCII hex, at least {@code minBytes}
   * bytes.
   */
  public static String hexBytes(Map<String, Object> map, String path, String field, int minBytes) {
    String text = string(map, path, field);
    String problem = whyNotHexBytes(text, minBytes);
    if (problem != null) {
      throw new IllegalArgumentException(
          path + "." + field + " " + Text.quote(text) + " " + problem);
    }
    return text;
  }

  /**
   * Why {@code text} is not {@code 0x} and at least {@code minBytes} whole bytes of hex, or null.
   */
  public static String whyNotHexBytes(String text, int minBytes) {
    String nonAscii = Text.nonAscii(text);
    if (nonAscii != null) {
      return nonAscii + " (hex digits are ASCII 0-9, a-f, A-F)";
    }
    if (!text.startsWith("0x")
        || text.length() < 2 + 2 * minBytes
        || text.length() % 2 != 0
        || !Hex.isHexDigits(text, 2)) {
      return "is not 0x followed by at least " + minBytes + " whole bytes of hex";
    }
    return null;
  }

  /** Checks that {@code value} is a uint256, naming {@code name} otherwise. */
  public static BigInteger requireUint256(BigInteger value, String name) {
    if (value == null) {
      throw new NullPointerException(name);
    }
    if (value.signum() < 0 || value.compareTo(TokenAmount.UINT256_MAX) > 0) {
      throw new IllegalArgumentException(name + " must be a uint256, got " + value);
    }
    return value;
  }
}
