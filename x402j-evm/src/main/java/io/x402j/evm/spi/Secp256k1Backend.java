package io.x402j.evm.spi;

import io.x402j.evm.internal.BouncyCastleSecp256k1;
import java.util.Iterator;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * secp256k1 signing and public-key recovery, the one piece of elliptic-curve arithmetic x402j
 * needs. x402j-evm carries a pure-Java implementation (BouncyCastle), always available; {@code
 * x402j-evm-facilitator} adds libsecp256k1 through JNI, several times faster at recovery, as a
 * {@link ServiceLoader} provider of this interface. Every implementation must agree with the others
 * on every input, and a provider whose constructor throws (its native library does not load on this
 * platform) is skipped.
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

  /** The first provider on the class path that loads on this platform, else {@link #pureJava()}. */
  static Secp256k1Backend best() {
    return Holder.BEST;
  }

  /** The pure-Java implementation, available everywhere. */
  static Secp256k1Backend pureJava() {
    return Holder.PURE_JAVA;
  }

  /** Chosen lazily, once per JVM. Not part of the x402j API. */
  final class Holder {
    static final Secp256k1Backend PURE_JAVA = new BouncyCastleSecp256k1();
    static final Secp256k1Backend BEST = choose();

    private Holder() {}

    private static Secp256k1Backend choose() {
      Iterator<Secp256k1Backend> providers =
          ServiceLoader.load(Secp256k1Backend.class, Secp256k1Backend.class.getClassLoader())
              .iterator();
      while (true) {
        try {
          if (!providers.hasNext()) {
            return PURE_JAVA;
          }
          return providers.next();
        } catch (ServiceConfigurationError unavailable) {
          // a provider whose library does not load here: try the next one
        }
      }
    }
  }
}
