package io.x402j.evm;

import io.x402j.core.support.Text;
import java.util.Arrays;
import java.util.Locale;

/**
 * A 20-byte EVM account or contract address. Parsing accepts any letter case, but refuses a
 * mixed-case address whose EIP-55 checksum is wrong, since that is how a typo shows. Equality
 * ignores case; {@link #toString()} is the checksummed form.
 */
public final class EvmAddress implements Comparable<EvmAddress> {
  /** The zero address. */
  public static final EvmAddress ZERO = new EvmAddress(new byte[20]);

  private final byte[] bytes;
  // Computed on first use: it costs a Keccak hash, and most addresses are never printed.
  private volatile String checksummed;

  private EvmAddress(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * Parses {@code 0x} followed by 40 ASCII hex digits.
   *
   * @throws IllegalArgumentException naming the input when it is not an address (a non-ASCII
   *     character is named by its code point and index) or its mixed case fails the EIP-55 checksum
   */
  public static EvmAddress parse(String text) {
    String problem = Hex.whyNotHex(text, 20);
    if (problem != null) {
      throw new IllegalArgumentException("address " + Text.quote(text) + " " + problem);
    }
    EvmAddress address = new EvmAddress(Hex.decode(text));
    String digits = text.substring(2);
    boolean mixedCase =
        !digits.equals(digits.toLowerCase(Locale.ROOT))
            && !digits.equals(digits.toUpperCase(Locale.ROOT));
    if (mixedCase && !address.toString().equals(text)) {
      throw new IllegalArgumentException(
          "address "
              + Text.quote(text)
              + " has an invalid EIP-55 checksum (expected "
              + address
              + ")");
    }
    return address;
  }

  /** Whether {@code text} parses as an address. */
  public static boolean isValid(String text) {
    try {
      parse(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The address with these 20 bytes. */
  public static EvmAddress of(byte[] bytes) {
    if (bytes.length != 20) {
      throw new IllegalArgumentException("an address has 20 bytes, got " + bytes.length);
    }
    return new EvmAddress(bytes.clone());
  }

  /** The address of an uncompressed public key given as 64 bytes (x and y). */
  public static EvmAddress fromPublicKey(byte[] publicKey64) {
    if (publicKey64.length != 64) {
      throw new IllegalArgumentException(
          "expected a 64-byte public key, got " + publicKey64.length);
    }
    byte[] hash = Keccak.hash(publicKey64);
    return new EvmAddress(Arrays.copyOfRange(hash, 12, 32));
  }

  private static String checksum(byte[] bytes) {
    String lower = Hex.encode(bytes).substring(2);
    byte[] hash = Keccak.hash(lower);
    StringBuilder out = new StringBuilder(42).append("0x");
    for (int i = 0; i < 40; i++) {
      char c = lower.charAt(i);
      int nibble = (hash[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xf;
      out.append(c >= 'a' && nibble >= 8 ? Character.toUpperCase(c) : c);
    }
    return out.toString();
  }

  /** A copy of the 20 bytes. */
  public byte[] toBytes() {
    return bytes.clone();
  }

  /** The lower-case form, {@code 0x…}. */
  public String toLowerHex() {
    return Hex.encode(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EvmAddress && Arrays.equals(bytes, ((EvmAddress) o).bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public int compareTo(EvmAddress other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  /** The EIP-55 checksummed form. */
  @Override
  public String toString() {
    String text = checksummed;
    if (text == null) {
      text = checksum(bytes);
      checksummed = text; // racing threads compute the same string
    }
    return text;
  }
}
