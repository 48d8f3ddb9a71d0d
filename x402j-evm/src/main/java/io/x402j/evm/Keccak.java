package io.x402j.evm;

import org.bouncycastle.jcajce.provider.digest.Keccak.Digest256;

/** Keccak-256 as Ethereum uses it (the pre-standard padding, not SHA3-256). */
public final class Keccak {
  private Keccak() {}

  /** The Keccak-256 hash of {@code input}. */
  public static byte[] hash(byte[] input) {
    Digest256 digest = new Digest256();
    return digest.digest(input);
  }

  /** The Keccak-256 hash of the concatenation of {@code parts}. */
  public static byte[] hash(byte[]... parts) {
    Digest256 digest = new Digest256();
    for (byte[] part : parts) {
      digest.update(part);
    }
    return digest.digest();
  }

  /** The Keccak-256 hash of the UTF-8 bytes of {@code text}. */
  public static byte[] hash(String text) {
    return hash(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
