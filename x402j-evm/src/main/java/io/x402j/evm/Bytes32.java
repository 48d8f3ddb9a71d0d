package io.x402j.evm;

import io.x402j.core.support.Text;
import java.security.SecureRandom;
import java.util.Arrays;

/** 32 bytes: an EIP-3009 authorization nonce, a hash, a transaction hash. */
public final class Bytes32 {
  private final byte[] bytes;

  private Bytes32(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * Parses {@code 0x} followed by 64 ASCII hex digits in any case.
   *
   * @throws IllegalArgumentException naming the input and what is wrong with it (a non-ASCII
   *     character is named by its code point and index)
   */
  public static Bytes32 parse(String text) {
    String problem = Hex.whyNotHex(text, 32);
    if (problem != null) {
      throw new IllegalArgumentException("value " + Text.quote(text) + " " + problem);
    }
    return new Bytes32(Hex.decode(text));
  }

  /** These 32 bytes. */
  public static Bytes32 of(byte[] bytes) {
    if (bytes.length != 32) {
      throw new IllegalArgumentException("expected 32 bytes, got " + bytes.length);
    }
    return new Bytes32(bytes.clone());
  }

  /** 32 random bytes from {@code random}. */
  public static Bytes32 random(SecureRandom random) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return new Bytes32(bytes);
  }

  /** A copy of the bytes. */
  public byte[] toBytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes32 && Arrays.equals(bytes, ((Bytes32) o).bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** {@code 0x} and 64 lower-case hex digits. */
  @Override
  public String toString() {
    return Hex.encode(bytes);
  }
}
