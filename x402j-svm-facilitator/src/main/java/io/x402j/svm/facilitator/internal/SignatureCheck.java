package io.x402j.svm.facilitator.internal;

import io.x402j.svm.Ed25519;
import io.x402j.svm.SolanaAddress;
import io.x402j.svm.internal.Curve25519;

/**
 * The verifier's Ed25519 check: the rule of {@link Ed25519#verify} (small-order keys and {@code R}
 * refused, as the runtime's {@code verify_strict}; RFC 8032 otherwise), computed with
 * BouncyCastle's RFC 8032 code. The JDK's provider spends several milliseconds per verification, so
 * under load it was most of a {@code /verify}'s CPU time (JFR: 78 % of samples); BouncyCastle's
 * takes a tenth of that. {@code SignatureCheckTest} checks both agree on valid and invalid inputs.
 */
final class SignatureCheck {
  private SignatureCheck() {}

  /** Whether {@code signature} is {@code key}'s valid signature of {@code message}. */
  static boolean verify(SolanaAddress key, byte[] message, byte[] signature) {
    if (key == null || message == null || signature == null || signature.length != 64) {
      return false;
    }
    byte[] publicKey = key.bytes();
    if (Curve25519.isSmallOrder(publicKey) || Curve25519.isSmallOrder(signature, 0)) {
      return false;
    }
    try {
      return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(
          signature, 0, publicKey, 0, message, 0, message.length);
    } catch (RuntimeException e) {
      return false;
    }
  }
}
