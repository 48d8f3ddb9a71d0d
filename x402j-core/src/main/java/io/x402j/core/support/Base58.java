package io.x402j.core.support;

import java.util.Objects;

/**
 * Bitcoin-alphabet base58, as Solana spells addresses, signatures and keys. Decoding is strict:
 * only the 58 ASCII alphabet characters (no whitespace, no look-alike or non-ASCII digits), and
 * every byte string has exactly one spelling (each leading zero byte is one leading {@code 1}).
 */
public final class Base58 {
  private static final String ALPHABET =
      "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  private static final int[] INDEX = new int[128];

  /** Longest text decoded: enough for a whole 1232-byte transaction. */
  static final int MAX_LENGTH = 2048;

  static {
    java.util.Arrays.fill(INDEX, -1);
    for (int i = 0; i < ALPHABET.length(); i++) {
      INDEX[ALPHABET.charAt(i)] = i;
    }
  }

  private Base58() {}

  /** The base58 spelling of {@code bytes}. */
  public static String encode(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    int zeros = 0;
    while (zeros < bytes.length && bytes[zeros] == 0) {
      zeros++;
    }
    // Repeated division of the big-endian number by 58, byte by byte (no BigInteger: addresses
    // are spelled on every verification).
    byte[] digits = new byte[(bytes.length - zeros) * 138 / 100 + 1]; // log(256)/log(58) < 1.38
    int used = 0; // digits[digits.length - used ..] hold the number, most significant first
    for (int i = zeros; i < bytes.length; i++) {
      int carry = bytes[i] & 0xff;
      int j = digits.length - 1;
      for (int k = 0; k < used || carry != 0; k++, j--) {
        carry += (digits[j] & 0xff) << 8;
        digits[j] = (byte) (carry % 58);
        carry /= 58;
      }
      used = digits.length - 1 - j;
    }
    char[] out = new char[zeros + used];
    java.util.Arrays.fill(out, 0, zeros, '1');
    for (int k = 0; k < used; k++) {
      out[zeros + k] = ALPHABET.charAt(digits[digits.length - used + k]);
    }
    return new String(out);
  }

  /**
   * The bytes {@code text} spells.
   *
   * @throws IllegalArgumentException naming the first character outside the alphabet, or if the
   *     text is empty or longer than 2048 characters
   */
  public static byte[] decode(String text) {
    Objects.requireNonNull(text, "text");
    if (text.isEmpty()) {
      throw new IllegalArgumentException("base58 text is empty");
    }
    if (text.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "base58 text is too long (" + text.length() + " characters, at most " + MAX_LENGTH + ")");
    }
    int zeros = 0;
    byte[] number = new byte[text.length() * 733 / 1000 + 1]; // log(58)/log(256) < 0.733
    int used = 0; // number[number.length - used ..] hold the value, big-endian
    boolean leading = true;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int digit = c < 128 ? INDEX[c] : -1;
      if (digit < 0) {
        throw new IllegalArgumentException(
            "invalid base58 character "
                + describe(c)
                + " at index "
                + i
                + " (allowed: "
                + ALPHABET
                + ")");
      }
      if (leading && digit == 0) {
        zeros++;
      } else {
        leading = false;
        int carry = digit;
        int j = number.length - 1;
        for (int k = 0; k < used || carry != 0; k++, j--) {
          carry += (number[j] & 0xff) * 58;
          number[j] = (byte) carry;
          carry >>>= 8;
        }
        used = number.length - 1 - j;
      }
    }
    byte[] out = new byte[zeros + used];
    System.arraycopy(number, number.length - used, out, zeros, used);
    return out;
  }

  /**
   * The {@code length} bytes {@code text} spells.
   *
   * @throws IllegalArgumentException if the text is not base58 or spells another length; {@code
   *     what} names the value in the message
   */
  public static byte[] decode(String text, int length, String what) {
    byte[] bytes;
    try {
      bytes = decode(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + ": " + e.getMessage());
    }
    if (bytes.length != length) {
      throw new IllegalArgumentException(
          what + " must be " + length + " bytes of base58, got " + bytes.length + " bytes");
    }
    return bytes;
  }

  /**
   * The bytes {@code text} spells, or {@code null} when it is empty, longer than {@code maxLength}
   * characters or not strict base58.
   */
  public static byte[] decodeOrNull(String text, int maxLength) {
    if (text == null || text.isEmpty() || text.length() > maxLength) {
      return null;
    }
    try {
      return decode(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String describe(char c) {
    if (c >= 0x21 && c < 0x7f) {
      return "'" + c + "'";
    }
    return String.format("U+%04X", (int) c);
  }
}
