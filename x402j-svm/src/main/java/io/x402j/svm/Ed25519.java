package io.x402j.svm;

import io.x402j.svm.internal.Curve25519;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;

/**
 * Ed25519 as Solana uses it: signature verification (the JDK's RFC 8032 implementation) and the
 * curve-point test of program-derived addresses.
 */
public final class Ed25519 {
  private static final byte[] X509_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  private Ed25519() {}

  /**
   * Whether {@code signature} is a valid Ed25519 signature of {@code message} by {@code key}, as
   * the Solana runtime decides it ({@code ed25519-dalek verify_strict}): RFC 8032 verification (the
   * JDK's), and in addition a key or signature R of small order is refused, since such a
   * "signature" can be valid for every message. Never throws for malformed input: a signature that
   * is not 64 bytes, or a key that is not a curve point, is simply not valid.
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
      byte[] encoded = new byte[X509_PREFIX.length + 32];
      System.arraycopy(X509_PREFIX, 0, encoded, 0, X509_PREFIX.length);
      System.arraycopy(key.bytes(), 0, encoded, X509_PREFIX.length, 32);
      PublicKey publicKey =
          KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(publicKey);
      verifier.update(message);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
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
