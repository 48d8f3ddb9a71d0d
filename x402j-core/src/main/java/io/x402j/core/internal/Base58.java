package io.x402j.core.internal;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * Bitcoin-alphabet base58 for the few places x402j-core spells keys and addresses (did:key, Solana
 * payers). Decoding is strict: only the 58 ASCII alphabet characters, and each leading zero byte is
 * one leading {@code 1}, so every byte string has exactly one spelling. Not part of the API.
 */
public final class Base58 {
  private static final String ALPHABET =
      "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  private static final BigInteger FIFTY_EIGHT = BigInteger.valueOf(58);

  private Base58() {}

  /** The base58 spelling of {@code input}. */
  public static String encode(byte[] input) {
    StringBuilder out = new StringBuilder();
    BigInteger n = new BigInteger(1, input);
    while (n.signum() > 0) {
      BigInteger[] qr = n.divideAndRemainder(FIFTY_EIGHT);
      out.append(ALPHABET.charAt(qr[1].intValue()));
      n = qr[0];
    }
    for (int i = 0; i < input.length && input[i] == 0; i++) {
      out.append('1');
    }
    return out.reverse().toString();
  }

  /**
   * The bytes {@code text} spells, or {@code null} when it is empty, longer than {@code maxLength}
   * characters or has a character outside the alphabet.
   */
  public static byte[] decodeOrNull(String text, int maxLength) {
    if (text == null || text.isEmpty() || text.length() > maxLength) {
      return null;
    }
    BigInteger n = BigInteger.ZERO;
    int zeros = 0;
    boolean leading = true;
    for (int i = 0; i < text.length(); i++) {
      int digit = ALPHABET.indexOf(text.charAt(i));
      if (digit < 0) {
        return null;
      }
      if (leading && digit == 0) {
        zeros++;
      } else {
        leading = false;
      }
      n = n.multiply(FIFTY_EIGHT).add(BigInteger.valueOf(digit));
    }
    byte[] body = n.signum() == 0 ? new byte[0] : n.toByteArray();
    if (body.length > 0 && body[0] == 0) {
      body = Arrays.copyOfRange(body, 1, body.length);
    }
    byte[] out = new byte[zeros + body.length];
    System.arraycopy(body, 0, out, zeros, body.length);
    return out;
  }
}
