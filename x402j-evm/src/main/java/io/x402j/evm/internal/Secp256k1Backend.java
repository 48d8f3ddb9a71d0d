package io.x402j.evm.internal;

/**
 * secp256k1 signing and public-key recovery. Two implementations that must agree on every input:
 * {@link NativeSecp256k1} (libsecp256k1 through JNI, several times faster) and {@link
 * BouncyCastleSecp256k1} (pure Java, always available). Not part of the x402j API.
 */
public interface Secp256k1Backend {
  /**
   * Recovers the 64-byte public key ({@code x ‖ y}) that produced a signature, or {@code null} when
   * the signature recovers to no key.
   *
   * @param hash the 32-byte signed hash
   * @param compact {@code r ‖ s}, 64 bytes
   * @param recoveryId 0 or 1
   */
  byte[] recover(byte[] hash, byte[] compact, int recoveryId);

  /**
   * Signs a 32-byte hash with a 32-byte private key.
   *
   * @return {@code r ‖ s ‖ recoveryId}, 65 bytes, with low s
   */
  byte[] sign(byte[] hash, byte[] privateKey);

  /** The 64-byte public key of a private key. */
  byte[] publicKey(byte[] privateKey);

  /** A short name for logs and benchmarks. */
  String name();

  /** The native backend when its library loads on this platform, else BouncyCastle. */
  static Secp256k1Backend best() {
    return Holder.BEST;
  }

  /** Lazily chosen once per JVM. */
  final class Holder {
    static final Secp256k1Backend BEST = choose();

    private Holder() {}

    private static Secp256k1Backend choose() {
      Secp256k1Backend nativeBackend = NativeSecp256k1.loadOrNull();
      return nativeBackend != null ? nativeBackend : new BouncyCastleSecp256k1();
    }
  }
}
