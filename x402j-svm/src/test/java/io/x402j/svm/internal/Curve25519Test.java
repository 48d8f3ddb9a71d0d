package io.x402j.svm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.svm.SolanaKeypair;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link Curve25519#isSmallOrder} (a comparison against the small-order encodings) answers exactly
 * as the arithmetic it replaced: decompress with the runtime's semantics (y mod p, any sign bit),
 * multiply by 8, compare with the identity. That arithmetic is kept here as the oracle.
 */
class Curve25519Test {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void theTableHoldsTheYOfEveryTorsionPoint() {
    // [L]P lies in the torsion subgroup for any point P; collect those points until all 8 show.
    Random random = new Random(1);
    Set<String> torsion = new TreeSet<>();
    Set<String> ys = new TreeSet<>();
    while (torsion.size() < 8) {
      byte[] candidate = new byte[32];
      random.nextBytes(candidate);
      BigInteger[] point = Oracle.decompress(candidate);
      if (point == null) {
        continue;
      }
      byte[] encoded = Oracle.encode(Oracle.multiply(point, Oracle.L));
      assertThat(Oracle.isSmallOrder(encoded)).isTrue();
      torsion.add(HEX.formatHex(encoded));
      encoded[31] &= 0x7f;
      ys.add(HEX.formatHex(encoded));
    }
    assertThat(ys)
        .containsExactlyInAnyOrder(
            "0000000000000000000000000000000000000000000000000000000000000000",
            "0100000000000000000000000000000000000000000000000000000000000000",
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    for (String point : torsion) {
      byte[] bytes = HEX.parseHex(point);
      for (byte[] encoding : encodings(bytes)) {
        agree(encoding);
        assertThat(Curve25519.isSmallOrder(encoding)).as(HEX.formatHex(encoding)).isTrue();
      }
    }
  }

  /** Both signs, and y + p where that still fits in 255 bits (only y = 0 and y = 1). */
  private static java.util.List<byte[]> encodings(byte[] point) {
    java.util.List<byte[]> out = new java.util.ArrayList<>();
    BigInteger y = Oracle.littleEndian(point).clearBit(255);
    for (BigInteger alias : new BigInteger[] {y, y.add(Oracle.P)}) {
      if (alias.bitLength() > 255) {
        continue;
      }
      for (boolean sign : new boolean[] {false, true}) {
        out.add(Oracle.toBytes(sign ? alias.setBit(255) : alias));
      }
    }
    return out;
  }

  @Test
  void everyNonCanonicalYAndItsNearMissesAgree() {
    for (int k = 0; k < 19; k++) {
      for (boolean sign : new boolean[] {false, true}) {
        BigInteger y = Oracle.P.add(BigInteger.valueOf(k));
        agree(Oracle.toBytes(sign ? y.setBit(255) : y));
        BigInteger below = Oracle.P.subtract(BigInteger.valueOf(k + 1));
        agree(Oracle.toBytes(sign ? below.setBit(255) : below));
        BigInteger small = BigInteger.valueOf(k);
        agree(Oracle.toBytes(sign ? small.setBit(255) : small));
      }
    }
    byte[] ones = new byte[32];
    Arrays.fill(ones, (byte) 0xff);
    agree(ones);
    // every single-bit change of every small-order encoding
    for (String y :
        new String[] {
          "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
          "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
          "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
          "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
          "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
          "0000000000000000000000000000000000000000000000000000000000000000",
          "0100000000000000000000000000000000000000000000000000000000000000"
        }) {
      for (int bit = 0; bit < 256; bit++) {
        byte[] bytes = HEX.parseHex(y);
        bytes[bit / 8] ^= (byte) (1 << (bit % 8));
        agree(bytes);
      }
    }
  }

  @Test
  void randomBytesRandomPointsAndValidSignaturesAgree() {
    Random random = new Random(15);
    int points = 0;
    for (int i = 0; i < 3000; i++) {
      byte[] bytes = new byte[32];
      random.nextBytes(bytes);
      agree(bytes);
      if (Oracle.decompress(bytes) != null) {
        points++;
      }
    }
    assertThat(points).isGreaterThan(1000);
    for (int i = 0; i < 100; i++) {
      SolanaKeypair keypair = SolanaKeypair.generate();
      byte[] message = new byte[1 + random.nextInt(200)];
      random.nextBytes(message);
      byte[] signature = keypair.sign(message);
      agree(keypair.address().bytes());
      byte[] r = Arrays.copyOf(signature, 32);
      assertThat(Curve25519.isSmallOrder(signature, 0)).isEqualTo(Oracle.isSmallOrder(r)).isFalse();
      assertThat(Curve25519.isSmallOrder(keypair.address().bytes())).isFalse();
    }
  }

  @Test
  void readsThe32BytesAtAnOffsetAndRefusesWhatDoesNotFit() {
    byte[] signature = new byte[64];
    signature[0] = 1; // R = identity
    assertThat(Curve25519.isSmallOrder(signature, 0)).isTrue();
    assertThat(Curve25519.isSmallOrder(signature, 32)).isTrue(); // S = 0 read as y = 0
    assertThat(Curve25519.isSmallOrder(signature, 33)).isFalse();
    assertThat(Curve25519.isSmallOrder(signature, -1)).isFalse();
    assertThat(Curve25519.isSmallOrder(null, 0)).isFalse();
    assertThat(Curve25519.isSmallOrder(new byte[31])).isFalse();
    assertThat(Curve25519.isSmallOrder(new byte[33])).isFalse();
    assertThat(Curve25519.isSmallOrder(null)).isFalse();
  }

  private static void agree(byte[] bytes) {
    assertThat(Curve25519.isSmallOrder(bytes))
        .as(HEX.formatHex(bytes))
        .isEqualTo(Oracle.isSmallOrder(bytes));
    byte[] shifted = new byte[40];
    System.arraycopy(bytes, 0, shifted, 5, 32);
    assertThat(Curve25519.isSmallOrder(shifted, 5))
        .as(HEX.formatHex(bytes))
        .isEqualTo(Oracle.isSmallOrder(bytes));
  }

  /** The BigInteger small-order test that the verification path used before (the oracle). */
  static final class Oracle {
    static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    static final BigInteger L =
        BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));
    private static final BigInteger D =
        BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
    private static final BigInteger D2 = D.shiftLeft(1).mod(P);
    private static final BigInteger SQRT_M1 =
        BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P);

    static boolean isSmallOrder(byte[] compressed) {
      BigInteger[] point = decompress(compressed);
      if (point == null) {
        return false;
      }
      for (int i = 0; i < 3; i++) {
        point = add(point, point);
      }
      return point[0].signum() == 0 && point[1].equals(point[2]);
    }

    static BigInteger[] decompress(byte[] compressed) {
      if (compressed == null || compressed.length != 32) {
        return null;
      }
      BigInteger encoded = littleEndian(compressed);
      boolean sign = encoded.testBit(255);
      BigInteger y = encoded.clearBit(255).mod(P);
      BigInteger y2 = y.multiply(y).mod(P);
      BigInteger u = y2.subtract(BigInteger.ONE).mod(P);
      BigInteger v = D.multiply(y2).add(BigInteger.ONE).mod(P);
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

    static BigInteger[] add(BigInteger[] p, BigInteger[] q) {
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

    static BigInteger[] multiply(BigInteger[] point, BigInteger scalar) {
      BigInteger[] result = {BigInteger.ZERO, BigInteger.ONE, BigInteger.ONE, BigInteger.ZERO};
      for (int i = scalar.bitLength() - 1; i >= 0; i--) {
        result = add(result, result);
        if (scalar.testBit(i)) {
          result = add(result, point);
        }
      }
      return result;
    }

    static byte[] encode(BigInteger[] point) {
      BigInteger zInv = point[2].modInverse(P);
      BigInteger x = point[0].multiply(zInv).mod(P);
      BigInteger y = point[1].multiply(zInv).mod(P);
      return toBytes(x.testBit(0) ? y.setBit(255) : y);
    }

    static byte[] toBytes(BigInteger value) {
      byte[] out = new byte[32];
      byte[] be = value.toByteArray();
      for (int i = 0; i < 32 && i < be.length; i++) {
        out[i] = be[be.length - 1 - i];
      }
      return out;
    }

    static BigInteger littleEndian(byte[] bytes) {
      byte[] be = new byte[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        be[i] = bytes[bytes.length - 1 - i];
      }
      return new BigInteger(1, be);
    }
  }
}
