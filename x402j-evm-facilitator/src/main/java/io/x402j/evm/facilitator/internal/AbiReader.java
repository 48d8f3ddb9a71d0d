package io.x402j.evm.facilitator.internal;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * Strict reading of ABI-encoded return data and wrappers with dynamic parts (offsets, lengths,
 * nested {@code bytes}): every offset and length is bounds-checked, so hostile input fails with an
 * {@link IllegalArgumentException} naming what is wrong. Not part of the x402j API.
 */
final class AbiReader {
  private AbiReader() {}

  /** The word at byte position {@code at} as an int, refusing values beyond the data. */
  static int offset(byte[] data, int at, String what) {
    BigInteger value = word(data, at, what);
    if (value.bitLength() > 31 || value.intValue() > data.length) {
      throw new IllegalArgumentException(what + " points outside the data");
    }
    return value.intValue();
  }

  /** The 32-byte word at byte position {@code at}. */
  static BigInteger word(byte[] data, int at, String what) {
    if (at < 0 || at + 32 > data.length) {
      throw new IllegalArgumentException(what + " is missing (data too short)");
    }
    return new BigInteger(1, Arrays.copyOfRange(data, at, at + 32));
  }

  /** The {@code bytes} value starting (with its length word) at byte position {@code at}. */
  static byte[] bytesAt(byte[] data, int at, String what) {
    int length = offset(data, at, what + " length");
    if ((long) at + 32 + length > data.length) {
      throw new IllegalArgumentException(what + " is longer than the data");
    }
    return Arrays.copyOfRange(data, at + 32, at + 32 + length);
  }
}
