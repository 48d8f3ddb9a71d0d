package io.x402j.svm;

import io.x402j.svm.internal.Curve25519;

/**
 * Ed25519 as Solana uses it: signature verification and the curve-point test of program-derived
 * addresses.
 *
 * <p>Verification runs BouncyCastle's RFC 8032 implementation: measured here it is about seven
 * times faster than the JDK's (which a facilitator pays once per verified Solana payment), and
 * Ed25519Test checks that the two agree, including on malleated and non-canonical input.
 */
public final class Ed25519 {
  private Ed25519() {}

  /**
   * Whether {@code signature} is a valid Ed25519 signature of {@code message} by {@code key}, as
   * the Solana runtime decides it ({@code ed25519-dalek verify_strict}): RFC 8032 verification
   * (cofactorless, S reduced, canonical encodings), and in addition a key or signature R of small
   * order is refused, since such a "signature" can be valid for every message. Never throws for
   * malformed input: a signature that is not 64 bytes, or a key that is not a curve point, is
   * simply not valid.
   */
  public static boolean verify(SolanaAddress key, byte[] message, byte[] signature) {
    if (key == null || message == null || signature == null || signature.length != 64) {
      return false;
    }
    byte[] keyBytes = key.bytes();
    if (Curve25519.isSmallOrder(keyBytes) || Curve25519.isSmallOrder(signature, 0)) {
      return false;
    }
    try {
      return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(
          signature, 0, keyBytes, 0, message, 0, message.length);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Whether 32 bytes are a compressed point of the Ed25519 curve, as the Solana runtime decides it:
   * a program-derived address must not be one. Returns false for anything not 32 bytes long.
   */
  public static boolean isOnCurve(byte[] bytes) {
    return Curve25519.isOnCurve(bytes);
  }
}
