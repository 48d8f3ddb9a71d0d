package io.x402j.svm.internal;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Edwards25519 arithmetic over {@link BigInteger}: what the JDK's Ed25519 provider does not expose,
 * namely deriving a public key from a 32-byte seed and telling whether 32 bytes decompress to a
 * curve point (the test that separates program-derived addresses from keys); and the small-order
 * test of signature verification, a comparison of encodings. Not constant time: used on public data
 * and, for key derivation, only once per key when it is loaded.
 */
public final class Curve25519 {
  private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
  private static final BigInteger D =
      BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
  private static final BigInteger D2 = D.shiftLeft(1).mod(P);
  private static final BigInteger SQRT_M1 =
      BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P);
  private static final BigInteger BX =
      new BigInteger(
          "15112221349535400772501151409588531511454012693041857206046113283949847762202");
  private static final BigInteger BY =
      new BigInteger(
          "46316835694926478169428394003475163141307993866256225615783033603165251855960");
  private static final BigInteger[] BASE = {BX, BY, BigInteger.ONE, BX.multiply(BY).mod(P)};
  private static final BigInteger[] IDENTITY = {
    BigInteger.ZERO, BigInteger.ONE, BigInteger.ONE, BigInteger.ZERO
  };

  private Curve25519() {}

  /**
   * Whether {@code compressed} (32 bytes) decompresses to a point of the curve, with the semantics
   * of the Solana runtime's {@code curve25519-dalek} {@code CompressedEdwardsY::decompress}: the y
   * coordinate is taken modulo p and the sign bit is never a reason to refuse.
   */
  public static boolean isOnCurve(byte[] compressed) {
    return decompress(compressed) != null;
  }

  /**
   * The 32-byte encodings, sign bit cleared, of the y coordinates of the 8 points of small order: 0
   * (order 4), 1 (the identity), the two order-8 values, p - 1 (order 2), and the non-canonical p
   * (= 0) and p + 1 (= 1); every other y ≥ p is ≥ p + 19 = 2^255 and cannot be encoded. The sign
   * bit is never a reason to refuse (dalek semantics, also for x = 0), so it is ignored.
   */
  private static final byte[][] SMALL_ORDER_Y = {
    hex("0000000000000000000000000000000000000000000000000000000000000000"),
    hex("0100000000000000000000000000000000000000000000000000000000000000"),
    hex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
    hex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
    hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
    hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
    hex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
  };

  /**
   * Whether {@code compressed} is a point of small order (one of the 8 torsion points, in any
   * encoding): the keys and signature R values {@code verify_strict}, which the Solana runtime uses
   * to check transaction signatures, refuses. False for bytes that are not a point, or not 32.
   */
  public static boolean isSmallOrder(byte[] compressed) {
    return compressed != null && compressed.length == 32 && isSmallOrder(compressed, 0);
  }

  /**
   * {@link #isSmallOrder(byte[])} of the 32 bytes of {@code bytes} from {@code offset} (e.g. a
   * signature's R), without copying them. A comparison against the encodings of the 8 points of
   * small order (every encoding of them decompresses, and decompression is by y alone), so it
   * answers exactly as decompressing and multiplying by 8 would; {@code Curve25519Test} checks that
   * against the arithmetic.
   */
  public static boolean isSmallOrder(byte[] bytes, int offset) {
    if (bytes == null || offset < 0 || offset > bytes.length - 32) {
      return false;
    }
    for (byte[] y : SMALL_ORDER_Y) {
      int diff = (bytes[offset + 31] & 0x7f) ^ y[31];
      for (int i = 0; i < 31 && diff == 0; i++) {
        diff = bytes[offset + i] ^ y[i];
      }
      if (diff == 0) {
        return true;
      }
    }
    return false;
  }

  private static byte[] hex(String hex) {
    return java.util.HexFormat.of().parseHex(hex);
  }

  // Extended coordinates of the point, or null if the bytes are not one (dalek semantics).
  private static BigInteger[] decompress(byte[] compressed) {
    if (compressed == null || compressed.length != 32) {
      return null;
    }
    BigInteger encoded = littleEndian(compressed);
    boolean sign = encoded.testBit(255);
    BigInteger y = encoded.clearBit(255).mod(P);
    BigInteger y2 = y.multiply(y).mod(P);
    BigInteger u = y2.subtract(BigInteger.ONE).mod(P);
    BigInteger v = D.multiply(y2).add(BigInteger.ONE).mod(P);
    // candidate x = u v^3 (u v^7)^((p-5)/8)
    BigInteger v3 = v.modPow(BigInteger.valueOf(3), P);
    BigInteger v7 = v3.multiply(v3).multiply(v).mod(P);
    BigInteger x =
        u.multiply(v3)
            .multiply(
                u.multiply(v7).mod(P).modPow(P.subtract(BigInteger.valueOf(5)).shiftRight(3), P))
            .mod(P);
    BigInteger check = v.multiply(x).multiply(x).mod(P);
    if (check.equals(u.negate().mod(P))) {
      x = x.multiply(SQRT_M1).mod(P);
    } else if (!check.equals(u)) {
      return null;
    }
    if (x.testBit(0) != sign) {
      x = P.subtract(x).mod(P);
    }
    return new BigInteger[] {x, y, BigInteger.ONE, x.multiply(y).mod(P)};
  }

  /** The Ed25519 public key (RFC 8032 §5.1.5) of a 32-byte private key seed. */
  public static byte[] publicKey(byte[] seed) {
    if (seed.length != 32) {
      throw new IllegalArgumentException("an Ed25519 seed is 32 bytes, got " + seed.length);
    }
    byte[] h;
    try {
      h = MessageDigest.getInstance("SHA-512").digest(seed);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-512", e);
    }
    byte[] a = java.util.Arrays.copyOf(h, 32);
    a[0] &= (byte) 248;
    a[31] &= 127;
    a[31] |= 64;
    java.util.Arrays.fill(h, (byte) 0);
    BigInteger scalar = littleEndian(a);
    java.util.Arrays.fill(a, (byte) 0);
    BigInteger[] point = IDENTITY;
    for (int i = scalar.bitLength() - 1; i >= 0; i--) {
      point = add(point, point);
      if (scalar.testBit(i)) {
        point = add(point, BASE);
      }
    }
    BigInteger zInv = point[2].modInverse(P);
    BigInteger x = point[0].multiply(zInv).mod(P);
    BigInteger y = point[1].multiply(zInv).mod(P);
    BigInteger encoded = x.testBit(0) ? y.setBit(255) : y;
    byte[] out = new byte[32];
    byte[] be = encoded.toByteArray();
    for (int i = 0; i < 32 && i < be.length; i++) {
      out[i] = be[be.length - 1 - i];
    }
    return out;
  }

  // RFC 8032 §5.1.4 addition in extended coordinates (complete: also doubles).
  private static BigInteger[] add(BigInteger[] p, BigInteger[] q) {
    BigInteger a = p[1].subtract(p[0]).multiply(q[1].subtract(q[0])).mod(P);
    BigInteger b = p[1].add(p[0]).multiply(q[1].add(q[0])).mod(P);
    BigInteger c = p[3].multiply(D2).multiply(q[3]).mod(P);
    BigInteger d = p[2].shiftLeft(1).multiply(q[2]).mod(P);
    BigInteger e = b.subtract(a);
    BigInteger f = d.subtract(c);
    BigInteger g = d.add(c);
    BigInteger h = b.add(a);
    return new BigInteger[] {
      e.multiply(f).mod(P), g.multiply(h).mod(P), f.multiply(g).mod(P), e.multiply(h).mod(P)
    };
  }

  private static BigInteger littleEndian(byte[] bytes) {
    byte[] be = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      be[i] = bytes[bytes.length - 1 - i];
    }
    return new BigInteger(1, be);
  }
}
