package io.x402j.core.extensions.offerreceipt;

import io.x402j.core.support.Base58;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Optional;

/**
 * {@code did:key} identifiers (multibase base58btc of a multicodec-prefixed public key), the {@code
 * kid}s x402j's JWS signers use: Ed25519 ({@code 0xed}) and secp256k1 ({@code 0xe7}, compressed
 * point).
 */
public final class DidKeys {
  /** Multicodec of an Ed25519 public key. */
  public static final int ED25519 = 0xed;

  /** Multicodec of a compressed secp256k1 public key. */
  public static final int SECP256K1 = 0xe7;

  private DidKeys() {}

  /**
   * A decoded {@code did:key}.
   *
   * @param codec the multicodec
   * @param key the key bytes after it
   */
  public record Decoded(int codec, byte[] key) {}

  /** The {@code did:key:z…#z…} DID URL of a key. */
  public static String didKey(int codec, byte[] key) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int c = codec;
    while (c >= 0x80) {
      bytes.write((c & 0x7f) | 0x80);
      c >>>= 7;
    }
    bytes.write(c);
    bytes.write(key, 0, key.length);
    String id = "z" + base58(bytes.toByteArray());
    return "did:key:" + id + "#" + id;
  }

  /** The key of a {@code did:key} DID or DID URL, or empty when {@code kid} is not one. */
  public static Optional<Decoded> decode(String kid) {
    if (kid == null || !kid.startsWith("did:key:z") || kid.length() > 200) {
      return Optional.empty();
    }
    String id = kid.substring("did:key:".length());
    int hash = id.indexOf('#');
    if (hash >= 0) {
      id = id.substring(0, hash);
    }
    byte[] bytes = unbase58(id.substring(1));
    if (bytes == null) {
      return Optional.empty();
    }
    int codec = 0;
    int shift = 0;
    int at = 0;
    while (at < bytes.length && at < 4) {
      int b = bytes[at++] & 0xff;
      codec |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return Optional.of(new Decoded(codec, Arrays.copyOfRange(bytes, at, bytes.length)));
      }
      shift += 7;
    }
    return Optional.empty();
  }

  static String base58(byte[] input) {
    return Base58.encode(input);
  }

  static byte[] unbase58(String text) {
    return Base58.decodeOrNull(text, 128);
  }
}
