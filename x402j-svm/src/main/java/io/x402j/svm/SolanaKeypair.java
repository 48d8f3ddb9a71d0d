package io.x402j.svm;

import io.x402j.core.support.Base58;
import io.x402j.svm.internal.Curve25519;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Objects;

/**
 * An Ed25519 key pair held in memory, in Solana's keypair form: a 64-byte secret made of the
 * 32-byte private seed followed by the 32-byte public key (what {@code solana-keygen} and wallets
 * export, in base58 or as a JSON byte array). Loading refuses a secret whose public half is not the
 * key of its seed. {@link #toString()} shows only the address. Thread-safe.
 */
public final class SolanaKeypair implements SvmSigner {
  private static final byte[] PKCS8_PREFIX = {
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20
  };

  private final byte[] seed;
  private final SolanaAddress address;
  private final PrivateKey privateKey;

  private SolanaKeypair(byte[] seed) {
    this.seed = seed;
    this.address = SolanaAddress.of(Curve25519.publicKey(seed));
    byte[] encoded = new byte[PKCS8_PREFIX.length + 32];
    System.arraycopy(PKCS8_PREFIX, 0, encoded, 0, PKCS8_PREFIX.length);
    System.arraycopy(seed, 0, encoded, PKCS8_PREFIX.length, 32);
    try {
      this.privateKey =
          KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(encoded));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot load an Ed25519 key", e);
    } finally {
      Arrays.fill(encoded, (byte) 0);
    }
  }

  /**
   * The key pair with this 32-byte private seed.
   *
   * @throws IllegalArgumentException if {@code seed} is not 32 bytes
   */
  public static SolanaKeypair fromSeed(byte[] seed) {
    Objects.requireNonNull(seed, "seed");
    if (seed.length != 32) {
      throw new IllegalArgumentException("an Ed25519 seed is 32 bytes, got " + seed.length);
    }
    return new SolanaKeypair(seed.clone());
  }

  /**
   * Loads a 64-byte Solana secret (seed ‖ public key).
   *
   * @throws IllegalArgumentException if it is not 64 bytes or its public half is not the key of its
   *     seed; the message never contains the secret
   */
  public static SolanaKeypair fromSecret(byte[] secret) {
    Objects.requireNonNull(secret, "secret");
    if (secret.length != 64) {
      throw new IllegalArgumentException(
          "a Solana secret key is 64 bytes (seed and public key), got " + secret.length);
    }
    SolanaKeypair keypair = new SolanaKeypair(Arrays.copyOf(secret, 32));
    byte[] claimed = Arrays.copyOfRange(secret, 32, 64);
    if (!MessageDigest.isEqual(claimed, keypair.address.bytes())) {
      throw new IllegalArgumentException(
          "the public half of the Solana secret key does not match its private seed"
              + " (corrupted or mismatched key)");
    }
    return keypair;
  }

  /**
   * Loads a base58 64-byte Solana secret (seed ‖ public key), as Phantom or {@code solana-keygen}
   * export it.
   *
   * @throws IllegalArgumentException if it is not strict base58 of 64 bytes or its halves do not
   *     match; the message never contains the secret
   */
  public static SolanaKeypair fromBase58Secret(String secret) {
    Objects.requireNonNull(secret, "secret");
    byte[] bytes;
    try {
      bytes = Base58.decode(secret);
    } catch (IllegalArgumentException e) {
      // The message names a character of the secret: do not repeat it.
      throw new IllegalArgumentException("the Solana secret key is not valid base58");
    }
    try {
      return fromSecret(bytes);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /** A new random key pair. */
  public static SolanaKeypair generate() {
    return generate(new SecureRandom());
  }

  /** A new key pair from {@code random} (for tests with a seeded source). */
  public static SolanaKeypair generate(SecureRandom random) {
    byte[] seed = new byte[32];
    random.nextBytes(seed);
    return new SolanaKeypair(seed);
  }

  @Override
  public SolanaAddress address() {
    return address;
  }

  @Override
  public byte[] sign(byte[] message) {
    Objects.requireNonNull(message, "message");
    try {
      Signature signer = Signature.getInstance("Ed25519");
      signer.initSign(privateKey);
      signer.update(message);
      return signer.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  /** The 64-byte secret (seed ‖ public key). Handle with care. */
  public byte[] secret() {
    byte[] out = new byte[64];
    System.arraycopy(seed, 0, out, 0, 32);
    System.arraycopy(address.bytes(), 0, out, 32, 32);
    return out;
  }

  /** The secret in base58, the form wallets import. Handle with care. */
  public String secretBase58() {
    byte[] secret = secret();
    try {
      return Base58.encode(secret);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  /** The address only; never the secret. */
  @Override
  public String toString() {
    return "SolanaKeypair[" + address + "]";
  }
}
