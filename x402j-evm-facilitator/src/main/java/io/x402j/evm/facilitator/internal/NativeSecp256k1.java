package io.x402j.evm.facilitator.internal;

import fr.acinq.secp256k1.Secp256k1;
import io.x402j.evm.spi.Secp256k1Backend;
import java.util.Arrays;

/**
 * libsecp256k1 through the ACINQ JNI bindings, found by {@link Secp256k1Backend#best()} as a
 * service provider. Not part of the x402j API.
 */
public final class NativeSecp256k1 implements Secp256k1Backend {
  private static final byte[] ONE_KEY = new byte[32];

  static {
    ONE_KEY[31] = 1;
  }

  private final Secp256k1 secp;

  /** Loads the native library; throws when it does not load here (the provider is then skipped). */
  public NativeSecp256k1() {
    this(loadOrThrow());
  }

  private NativeSecp256k1(Secp256k1 secp) {
    this.secp = secp;
  }

  private static Secp256k1 loadOrThrow() {
    NativeSecp256k1 loaded = loadOrNull();
    if (loaded == null) {
      throw new IllegalStateException("libsecp256k1 does not load on this platform");
    }
    return loaded.secp;
  }

  /** The backend, or {@code null} when the native library cannot load on this platform. */
  public static NativeSecp256k1 loadOrNull() {
    try {
      Secp256k1 secp = Secp256k1.get();
      // Exercise the library once so a broken load fails here, not on a payment.
      secp.pubkeyCreate(ONE_KEY);
      return new NativeSecp256k1(secp);
    } catch (Throwable e) { // UnsatisfiedLinkError, ExceptionInInitializerError, …
      return null;
    }
  }

  @Override
  public byte[] recover(byte[] hash, byte[] compact, int recoveryId) {
    try {
      byte[] key = secp.ecdsaRecover(compact, hash, recoveryId);
      return uncompressed64(key);
    } catch (RuntimeException e) { // Secp256k1Exception for an unrecoverable signature
      return null;
    }
  }

  @Override
  public byte[] sign(byte[] hash, byte[] privateKey) {
    byte[] compact = secp.sign(hash, privateKey, null);
    byte[] publicKey = publicKey(privateKey);
    for (int recoveryId = 0; recoveryId < 2; recoveryId++) {
      if (Arrays.equals(publicKey, recover(hash, compact, recoveryId))) {
        byte[] out = Arrays.copyOf(compact, 65);
        out[64] = (byte) recoveryId;
        return out;
      }
    }
    throw new IllegalStateException("libsecp256k1 produced a signature that recovers to no key");
  }

  @Override
  public byte[] publicKey(byte[] privateKey) {
    return uncompressed64(secp.pubkeyCreate(privateKey));
  }

  private byte[] uncompressed64(byte[] key) {
    if (key.length == 65) {
      return Arrays.copyOfRange(key, 1, 65);
    }
    if (key.length == 33) {
      return uncompressed64(secp.pubkeyParse(key));
    }
    throw new IllegalStateException("unexpected public key length " + key.length);
  }

  @Override
  public String name() {
    return "native";
  }
}
