package io.x402j.svm;

import io.x402j.core.support.Base58;
import java.util.Arrays;
import java.util.Objects;

/**
 * A Solana account address: 32 bytes (an Ed25519 public key or a program-derived address), spelled
 * in base58. Equal by bytes, whatever text it was parsed from; {@link #toString()} is the one
 * canonical base58 spelling.
 */
public final class SolanaAddress implements Comparable<SolanaAddress> {
  /** Bytes in an address. */
  public static final int LENGTH = 32;

  private final byte[] bytes;
  // The base58 spelling, computed when first asked for: most addresses a verifier decodes are
  // only compared. A benign race: every thread computes the same immutable String.
  private String text;

  private SolanaAddress(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * Parses a base58 address.
   *
   * @throws IllegalArgumentException if {@code base58} is not strict base58 of exactly 32 bytes
   */
  public static SolanaAddress parse(String base58) {
    Objects.requireNonNull(base58, "address");
    if (base58.length() > 44) {
      throw new IllegalArgumentException(
          "a Solana address is at most 44 base58 characters, got " + base58.length());
    }
    return new SolanaAddress(Base58.decode(base58, LENGTH, "Solana address"));
  }

  /**
   * The address with these 32 bytes.
   *
   * @throws IllegalArgumentException if {@code bytes} is not 32 bytes long
   */
  public static SolanaAddress of(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException(
          "a Solana address is " + LENGTH + " bytes, got " + bytes.length);
    }
    return new SolanaAddress(bytes.clone());
  }

  /** A copy of the 32 bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Whether this address is a point on the Ed25519 curve (a wallet key, not a PDA). */
  public boolean isOnCurve() {
    return Ed25519.isOnCurve(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SolanaAddress && Arrays.equals(bytes, ((SolanaAddress) o).bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** Orders by bytes (unsigned), so sorting is independent of how addresses were spelled. */
  @Override
  public int compareTo(SolanaAddress other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  /** The base58 spelling. */
  @Override
  public String toString() {
    String spelled = text;
    if (spelled == null) {
      spelled = Base58.encode(bytes);
      text = spelled;
    }
    return spelled;
  }
}
