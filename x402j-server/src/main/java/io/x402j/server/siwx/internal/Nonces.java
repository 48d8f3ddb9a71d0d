package io.x402j.server.siwx.internal;

import io.x402j.core.extensions.siwx.SiwxChallenge;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Nonces a server can recognise without storing them: 8 random bytes and the first 8 bytes of an
 * HMAC-SHA256, under the server's secret, of those bytes and every other field of the challenge, as
 * 32 lowercase hex digits. A nonce therefore proves that this server (or one sharing its secret)
 * issued exactly this challenge; that it is used once is the replay store's job. Not part of the
 * x402j API.
 */
public final class Nonces {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] LABEL =
      "x402j sign-in-with-x nonce v1".getBytes(StandardCharsets.UTF_8);

  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  /** Nonces under {@code secret} (at least 32 bytes). */
  public Nonces(byte[] secret) {
    if (secret.length < 32) {
      throw new IllegalArgumentException("the sign-in nonce secret must be at least 32 bytes");
    }
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
  }

  /** A nonce for a challenge with these fields (its nonce field is ignored). */
  public String issue(SiwxChallenge challenge) {
    byte[] salt = new byte[8];
    random.nextBytes(salt);
    return HEX.formatHex(salt) + HEX.formatHex(mac(salt, challenge));
  }

  /** Whether {@code challenge}'s nonce was issued for exactly its other fields. */
  public boolean issued(SiwxChallenge challenge) {
    String nonce = challenge.nonce();
    if (nonce.length() != 32 || !nonce.matches("[0-9a-f]{32}")) {
      return false;
    }
    byte[] bytes = HEX.parseHex(nonce);
    byte[] salt = java.util.Arrays.copyOfRange(bytes, 0, 8);
    byte[] tag = java.util.Arrays.copyOfRange(bytes, 8, 16);
    return MessageDigest.isEqual(tag, mac(salt, challenge));
  }

  private byte[] mac(byte[] salt, SiwxChallenge c) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(LABEL);
      mac.update(salt);
      field(mac, c.domain());
      field(mac, c.uri());
      field(mac, c.version());
      field(mac, c.issuedAt());
      field(mac, c.expirationTime());
      field(mac, c.notBefore());
      field(mac, c.statement());
      field(mac, c.requestId());
      if (c.resources() == null) {
        mac.update((byte) 0);
      } else {
        mac.update((byte) 1);
        mac.update(intBytes(c.resources().size()));
        for (String r : c.resources()) {
          field(mac, r);
        }
      }
      return java.util.Arrays.copyOf(mac.doFinal(), 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  // Absent and empty differ; a length prefix keeps one field from running into the next.
  private static void field(Mac mac, String value) {
    if (value == null) {
      mac.update((byte) 0);
      return;
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    mac.update((byte) 1);
    mac.update(intBytes(bytes.length));
    mac.update(bytes);
  }

  private static byte[] intBytes(int n) {
    return new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
  }
}
