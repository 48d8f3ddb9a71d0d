package io.x402j.evm;

import io.x402j.core.support.Text;
import java.math.BigInteger;

/**
 * Lower-case hex with a {@code 0x} prefix. Reads ASCII hex digits only ({@code 0-9 a-f A-F}): not
 * {@link Character#digit}, which also reads '１' (full-width) and '١' (Arabic-Indic) as 1 and so
 * would give one nonce or address many spellings. Part of the x402j API: strict by design, for code
 * that builds on x402j-evm.
 */
public final class Hex {
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  /** Said after a refusal for a non-ASCII character. */
  private static final String ASCII_ONLY = " (hex digits are ASCII 0-9, a-f, A-F)";

  private Hex() {}

  /** {@code 0x} followed by two lower-case digits per byte. */
  public static String encode(byte[] bytes) {
    char[] out = new char[2 + bytes.length * 2];
    out[0] = '0';
    out[1] = 'x';
    for (int i = 0; i < bytes.length; i++) {
      out[2 + 2 * i] = DIGITS[(bytes[i] >> 4) & 0xf];
      out[3 + 2 * i] = DIGITS[bytes[i] & 0xf];
    }
    return new String(out);
  }

  /** The value of the ASCII hex digit {@code c}, or -1 when {@code c} is anything else. */
  public static int digit(char c) {
    return io.x402j.core.support.Text.hexDigit(c);
  }

  /**
   * Decodes hex with an optional {@code 0x} prefix, in any case.
   *
   * @throws IllegalArgumentException for an odd length, a non-ASCII or a non-hex character
   */
  public static byte[] decode(String hex) {
    String nonAscii = Text.nonAscii(hex);
    if (nonAscii != null) {
      throw new IllegalArgumentException("hex " + nonAscii + ASCII_ONLY);
    }
    int start = hex.startsWith("0x") || hex.startsWith("0X") ? 2 : 0;
    int length = hex.length() - start;
    if (length % 2 != 0) {
      throw new IllegalArgumentException("hex has an odd number of digits");
    }
    byte[] out = new byte[length / 2];
    for (int i = 0; i < out.length; i++) {
      int hi = digit(hex.charAt(start + 2 * i));
      int lo = digit(hex.charAt(start + 2 * i + 1));
      if (hi < 0 || lo < 0) {
        throw new IllegalArgumentException(
            "hex has a non-hex character at index " + (start + 2 * i + (hi < 0 ? 0 : 1)));
      }
      out[i] = (byte) ((hi << 4) | lo);
    }
    return out;
  }

  /** Whether {@code text} is {@code 0x} followed by exactly {@code bytes} bytes of ASCII hex. */
  public static boolean isHex(String text, int bytes) {
    return whyNotHex(text, bytes) == null;
  }

  /**
   * Why {@code text} is not {@code 0x} followed by exactly {@code bytes} bytes of ASCII hex, as a
   * phrase to follow the quoted value ({@code "contains a non-ASCII character U+FF11 at index 9
   * …"}, {@code "is not 0x followed by 64 hex digits"}); {@code null} when it is.
   */
  public static String whyNotHex(String text, int bytes) {
    return whyNotHex(text, bytes, "is not 0x followed by " + 2 * bytes + " hex digits");
  }

  /**
   * Like {@link #whyNotHex(String, int)} with {@code otherwise} as the reason for a wrong length,
   * prefix or non-hex ASCII character.
   */
  public static String whyNotHex(String text, int bytes, String otherwise) {
    if (text == null) {
      return "is missing";
    }
    String nonAscii = Text.nonAscii(text);
    if (nonAscii != null) {
      return nonAscii + ASCII_ONLY;
    }
    if (text.length() != 2 + 2 * bytes || !text.startsWith("0x") || !isHexDigits(text, 2)) {
      return otherwise;
    }
    return null;
  }

  /** Whether every character of {@code text} from {@code start} on is an ASCII hex digit. */
  public static boolean isHexDigits(String text, int start) {
    for (int i = start; i < text.length(); i++) {
      if (digit(text.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  /** A quantity as JSON-RPC writes it: {@code 0x} and hex digits without leading zeros. */
  public static String quantity(BigInteger value) {
    return "0x" + value.toString(16);
  }

  /** A quantity as JSON-RPC writes it. */
  public static String quantity(long value) {
    return "0x" + Long.toHexString(value);
  }

  /**
   * Parses a JSON-RPC quantity ({@code 0x1a}): {@code 0x} and ASCII hex digits, no sign.
   *
   * @throws IllegalArgumentException if it is not one
   */
  public static BigInteger parseQuantity(String text) {
    if (text == null
        || !(text.startsWith("0x") || text.startsWith("0X"))
        || text.length() < 3
        || text.length() > 2 + 64
        || !isHexDigits(text, 2)) {
      throw new IllegalArgumentException("not a hex quantity: " + Text.quote(text));
    }
    return new BigInteger(text.substring(2), 16);
  }
}
