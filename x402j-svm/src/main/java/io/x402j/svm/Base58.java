package io.x402j.svm;

import java.math.BigInteger;
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
    StringBuilder out = new StringBuilder();
    BigInteger value = new BigInteger(1, bytes);
    BigInteger base = BigInteger.valueOf(58);
    while (value.signum() > 0) {
      BigInteger[] qr = value.divideAndRemainder(base);
      out.append(ALPHABET.charAt(qr[1].intValue()));
      value = qr[0];
    }
    for (int i = 0; i < zeros; i++) {
      out.append('1');
    }
    return out.reverse().toString();
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
    BigInteger value = BigInteger.ZERO;
    BigInteger base = BigInteger.valueOf(58);
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
        value = value.multiply(base).add(BigInteger.valueOf(digit));
      }
    }
    byte[] magnitude = value.signum() == 0 ? new byte[0] : value.toByteArray();
    int skip = magnitude.length > 0 && magnitude[0] == 0 ? 1 : 0;
    byte[] out = new byte[zeros + magnitude.length - skip];
    System.arraycopy(magnitude, skip, out, zeros, magnitude.length - skip);
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

  private static String describe(char c) {
    if (c >= 0x21 && c < 0x7f) {
      return "'" + c + "'";
    }
    return String.format("U+%04X", (int) c);
  }
}
