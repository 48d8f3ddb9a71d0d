package io.x402j.server.internal;

import io.x402j.core.internal.JsonValues;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/** Identities and lifetimes of payments, for the replay guard. Not part of the x402j API. */
public final class PaymentIds {
  private PaymentIds() {}

  /**
   * What makes a payment the same payment. For an authorization with a payer and a nonce (exact on
   * EVM) that is the payer, the nonce and where it is spent, whatever else the payload carries; a
   * payload with an added field is still the same payment. Otherwise a digest of the whole payload.
   */
  public static String key(String scheme, String network, String asset, Map<String, ?> payload) {
    Object authorization = payload.get("authorization");
    if (authorization instanceof Map<?, ?> a
        && a.get("from") instanceof String from
        && a.get("nonce") instanceof String nonce) {
      return String.join(
          "|",
          scheme,
          network,
          asset.toLowerCase(Locale.ROOT),
          from.toLowerCase(Locale.ROOT),
          nonce.toLowerCase(Locale.ROOT));
    }
    return scheme + "|" + network + "|" + digest(payload);
  }

  /**
   * When the payment stops being acceptable: the authorization's {@code validBefore} when it has
   * one, else {@code fallback}. Never earlier than {@code fallback}.
   */
  public static Instant expiry(Map<String, ?> payload, Instant fallback) {
    Object authorization = payload.get("authorization");
    if (authorization instanceof Map<?, ?> a && a.get("validBefore") instanceof String text) {
      try {
        BigInteger seconds = new BigInteger(text);
        if (seconds.bitLength() < 40) {
          Instant validBefore = Instant.ofEpochSecond(seconds.longValueExact());
          return validBefore.isAfter(fallback) ? validBefore : fallback;
        }
      } catch (NumberFormatException | ArithmeticException e) {
        // not a number: the facilitator refuses it; keep the fallback
      }
    }
    return fallback;
  }

  /** The value with every object's keys in order, so that key order does not change the digest. */
  private static Object sorted(Object value) {
    if (value instanceof Map<?, ?> map) {
      java.util.TreeMap<String, Object> out = new java.util.TreeMap<>();
      map.forEach((k, v) -> out.put((String) k, sorted(v)));
      return out;
    }
    if (value instanceof java.util.List<?> list) {
      return list.stream().map(PaymentIds::sorted).toList();
    }
    return value;
  }

  private static String digest(Map<String, ?> payload) {

    try {
      StringWriter out = new StringWriter();
      try (com.fasterxml.jackson.core.JsonGenerator g =
          new com.fasterxml.jackson.core.JsonFactory().createGenerator(out)) {
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
}
