package io.x402j.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * Ties a settlement attempt's id to the whole payment that started it. A payment's identity in the
 * replay store is its authorization (for EIP-3009: payer and nonce), which the settlement's
 * transaction makes public; the signature is not part of it. So that a copy carrying someone else's
 * signature cannot follow a pending settlement (run the handler, take the response, or release the
 * entry by failing), the gate's settlement id is 16 random bytes followed by the SHA-256 of the
 * scheme payload (signature included) in a canonical JSON form, URL-safe base64: 64 characters. Ids
 * of another shape (from stores that make their own, or from before this) are not checked. Not part
 * of the x402j API.
 */
final class SettlementBinding {
  private static final ObjectMapper CANONICAL =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
  private static final int RANDOM_BYTES = 16;
  private static final int DIGEST_BYTES = 32;

  private SettlementBinding() {}

  /** The SHA-256 of {@code payload} in canonical JSON (keys sorted at every level). */
  static byte[] digest(Map<String, Object> payload) {
    try {
      byte[] json = CANONICAL.writeValueAsString(payload).getBytes(StandardCharsets.UTF_8);
      return MessageDigest.getInstance("SHA-256").digest(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the payment payload cannot be written as JSON", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** A fresh settlement id bound to the payment with {@code digest}. */
  static String newId(byte[] digest) {
    byte[] id = new byte[RANDOM_BYTES + DIGEST_BYTES];
    RANDOM.nextBytes(id);
    System.arraycopy(digest, 0, id, RANDOM_BYTES, DIGEST_BYTES);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
  }

  /**
   * Whether the payment with {@code digest} may follow the attempt {@code settlementId}: the one
   * that started it, or any payment when the id is not bound to one.
   */
  static boolean startedBy(String settlementId, byte[] digest) {
    byte[] id;
    try {
      id = Base64.getUrlDecoder().decode(settlementId);
    } catch (IllegalArgumentException e) {
      return true; // not an id of ours: nothing to check it against
    }
    if (id.length != RANDOM_BYTES + DIGEST_BYTES) {
      return true;
    }
    return MessageDigest.isEqual(Arrays.copyOfRange(id, RANDOM_BYTES, id.length), digest);
  }
}
