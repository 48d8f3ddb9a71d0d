package io.x402j.core.scheme;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.x402j.core.Network;
import io.x402j.core.internal.Checks;
import io.x402j.core.support.JsonValues;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What makes a payment the same payment, whatever text it arrived as: the key under which a gate
 * remembers that a payment was used, and until when the payment can be used at all. A scheme
 * derives it from parsed, canonical values (for exact on EVM: the token, the payer and the
 * authorization nonce), so that every spelling of one payment has one identity.
 *
 * @param id the canonical identity; equal for all spellings of one payment, different for different
 *     payments
 * @param validBefore when the payment stops being acceptable, or {@code null} when the scheme
 *     cannot say
 * @param payer the account the payment says it pays from, in its canonical form (lower-case hex for
 *     an EVM address, base58 of the 32-byte key on Solana), read from the parsed payload before any
 *     verification, or {@code null} when the scheme cannot tell. Not proof of anything until the
 *     payment verifies; a gate scopes {@code payment-identifier} ids by it and checks it against
 *     the payer verification names.
 */
public record PaymentIdentity(String id, Instant validBefore, String payer) {
  /** Validates the fields. */
  public PaymentIdentity {
    Checks.nonEmpty(id, "id");
    if (payer != null) {
      Checks.nonEmpty(payer, "payer");
    }
  }

  /** An identity that names no payer. */
  public PaymentIdentity(String id, Instant validBefore) {
    this(id, validBefore, null);
  }

  /**
   * The identity of a payment of a scheme that does not define one: the scheme, the network and a
   * SHA-256 digest of the payload as canonical JSON (numbers by value, object keys sorted), so key
   * order or {@code 1.0} for {@code 1} do not make a new payment. Strings are compared as sent.
   */
  public static PaymentIdentity ofJson(String scheme, Network network, Map<String, ?> payload) {
    Checks.nonEmpty(scheme, "scheme");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(payload, "payload");
    return new PaymentIdentity(scheme + "|" + network + "|" + digest(payload), null);
  }

  private static String digest(Map<String, ?> payload) {
    try {
      StringWriter out = new StringWriter();
      try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
        JsonValues.write(g, sorted(JsonValues.canonical(payload, "payload")));
      }
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(out.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise a payload", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The value with every object's keys in order, so that key order does not change the digest. */
  private static Object sorted(Object value) {
    if (value instanceof Map<?, ?> map) {
      TreeMap<String, Object> out = new TreeMap<>();
      map.forEach((k, v) -> out.put((String) k, sorted(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(PaymentIdentity::sorted).toList();
    }
    return value;
  }
}
