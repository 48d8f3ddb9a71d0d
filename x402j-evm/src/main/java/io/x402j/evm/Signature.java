package io.x402j.evm;

import io.x402j.core.support.Text;
import io.x402j.evm.spi.Secp256k1Backend;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Objects;

/**
 * A 65-byte secp256k1 signature {@code r ‖ s ‖ v} as Ethereum wallets produce it, with {@code v} 27
 * or 28 ({@code 0}/{@code 1} are accepted and normalised).
 */
public final class Signature {
  /** The order n of the secp256k1 group. */
  public static final BigInteger CURVE_ORDER =
      new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);

  /** n / 2: an {@code s} above this is the malleable twin of a valid signature. */
  public static final BigInteger HALF_CURVE_ORDER = CURVE_ORDER.shiftRight(1);

  private final BigInteger r;
  private final BigInteger s;
  private final int v;

  private Signature(BigInteger r, BigInteger s, int v) {
    this.r = r;
    this.s = s;
    this.v = v;
  }

  /**
   * A signature from its parts.
   *
   * @param v 27, 28, 0 or 1
   * @throws IllegalArgumentException if a part is out of range
   */
  public static Signature of(BigInteger r, BigInteger s, int v) {
    Objects.requireNonNull(r, "r");
    Objects.requireNonNull(s, "s");
    if (r.signum() <= 0 || r.compareTo(CURVE_ORDER) >= 0) {
      throw new IllegalArgumentException("signature r is out of range");
    }
    if (s.signum() <= 0 || s.compareTo(CURVE_ORDER) >= 0) {
      throw new IllegalArgumentException("signature s is out of range");
    }
    int normalized = v < 27 ? v + 27 : v;
    if (normalized != 27 && normalized != 28) {
      throw new IllegalArgumentException("signature v must be 27 or 28 (or 0/1), got " + v);
    }
    return new Signature(r, s, normalized);
  }

  /**
   * Parses the 65-byte hex form ({@code 0x} and 130 ASCII hex digits).
   *
   * @throws IllegalArgumentException naming the problem
   */
  public static Signature parse(String hex) {
    String problem = Hex.whyNotHex(hex, 65, "is not 0x followed by 65 bytes of hex");
    if (problem != null) {
      throw new IllegalArgumentException("signature " + Text.quote(hex) + " " + problem);
    }
    byte[] bytes = Hex.decode(hex);
    return of(
        new BigInteger(1, Arrays.copyOfRange(bytes, 0, 32)),
        new BigInteger(1, Arrays.copyOfRange(bytes, 32, 64)),
        bytes[64] & 0xff);
  }

  /** The r value. */
  public BigInteger r() {
    return r;
  }

  /** The s value. */
  public BigInteger s() {
    return s;
  }

  /** The v value, 27 or 28. */
  public int v() {
    return v;
  }

  /** The recovery id, 0 or 1. */
  public int recoveryId() {
    return v - 27;
  }

  /** Whether s is in the upper half of the curve order (a malleated signature). */
  /**
   * The address whose key produced this signature over {@code hash}, or {@code null} when it
   * recovers to no key.
   */
  public EvmAddress recoverSigner(Secp256k1Backend backend, Bytes32 hash) {
    byte[] key = backend.recover(hash.toBytes(), compact(), recoveryId());
    return key == null ? null : EvmAddress.fromPublicKey(key);
  }

  /** {@link #recoverSigner(Secp256k1Backend, Bytes32)} with {@link Secp256k1Backend#best()}. */
  public EvmAddress recoverSigner(Bytes32 hash) {
    return recoverSigner(Secp256k1Backend.best(), hash);
  }

  public boolean isHighS() {
    return s.compareTo(HALF_CURVE_ORDER) > 0;
  }

  /** r and s as 64 bytes. */
  public byte[] compact() {
    byte[] out = new byte[64];
    copy(r, out, 0);
    copy(s, out, 32);
    return out;
  }

  /** The 65 bytes {@code r ‖ s ‖ v}. */
  public byte[] toBytes() {
    byte[] out = Arrays.copyOf(compact(), 65);
    out[64] = (byte) v;
    return out;
  }

  static void copy(BigInteger value, byte[] out, int offset) {
    System.arraycopy(Abi.unsigned(value, 32), 0, out, offset, 32);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Signature)) {
      return false;
    }
    Signature other = (Signature) o;
    return r.equals(other.r) && s.equals(other.s) && v == other.v;
  }

  @Override
  public int hashCode() {
    return Objects.hash(r, s, v);
  }

  /** The 65-byte hex form. */
  @Override
  public String toString() {
    return Hex.encode(toBytes());
  }
}
