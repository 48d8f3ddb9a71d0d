package io.x402j.evm.internal;

/** Lower-case hex with a {@code 0x} prefix. Not part of the x402j API. */
public final class Hex {
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

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

  /**
   * Decodes hex with an optional {@code 0x} prefix, in any case.
   *
   * @throws IllegalArgumentException for an odd length or a non-hex character
   */
  public static byte[] decode(String hex) {
    int start = hex.startsWith("0x") || hex.startsWith("0X") ? 2 : 0;
    int length = hex.length() - start;
    if (length % 2 != 0) {
      throw new IllegalArgumentException("hex has an odd number of digits");
    }
    byte[] out = new byte[length / 2];
    for (int i = 0; i < out.length; i++) {
      int hi = Character.digit(hex.charAt(start + 2 * i), 16);
      int lo = Character.digit(hex.charAt(start + 2 * i + 1), 16);
      if (hi < 0 || lo < 0) {
        throw new IllegalArgumentException("hex has a non-hex character");
      }
      out[i] = (byte) ((hi << 4) | lo);
    }
    return out;
  }

  /** Whether {@code text} is {@code 0x} followed by exactly {@code bytes} bytes of hex. */
  public static boolean isHex(String text, int bytes) {
    if (text == null || text.length() != 2 + 2 * bytes || !text.startsWith("0x")) {
      return false;
    }
    for (int i = 2; i < text.length(); i++) {
      if (Character.digit(text.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  /** A quantity as JSON-RPC writes it: {@code 0x} and hex digits without leading zeros. */
  public static String quantity(java.math.BigInteger value) {
    return "0x" + value.toString(16);
  }

  /** A quantity as JSON-RPC writes it. */
  public static String quantity(long value) {
    return "0x" + Long.toHexString(value);
  }

  /**
   * Parses a JSON-RPC quantity ({@code 0x1a}).
   *
   * @throws IllegalArgumentException if it is not one
   */
  public static java.math.BigInteger parseQuantity(String text) {
    if (text == null || !(text.startsWith("0x") || text.startsWith("0X")) || text.length() < 3) {
      throw new IllegalArgumentException("not a hex quantity: " + text);
    }
    return new java.math.BigInteger(text.substring(2), 16);
  }
}
