package io.x402j.server.internal;

import io.x402j.core.scheme.PaymentIdentity;
import io.x402j.core.scheme.SchemeRegistry;
import io.x402j.core.scheme.SchemeServer;
import io.x402j.core.wire.PaymentRequirements;
import java.time.Instant;
import java.util.Map;

/** Identities and lifetimes of payments, for the replay guard. Not part of the x402j API. */
public final class PaymentIds {
  // Later than this (year ~36812) a validBefore means "no end" to the store: the fallback applies.
  private static final long MAX_VALID_BEFORE_SECONDS = 1L << 40;

  private PaymentIds() {}

  /**
   * What makes a payment the same payment: the identity the payment's scheme derives from parsed
   * values (for exact on EVM, the token, payer and nonce, whatever else the payload carries or
   * however its hex is spelled), or a digest of the canonical payload for a scheme not registered.
   *
   * @param requirements the requirements the payment was matched to (v2 form)
   * @throws IllegalArgumentException naming the field, when the payload is malformed for its scheme
   */
  public static PaymentIdentity identify(
      SchemeRegistry<SchemeServer> schemes,
      int x402Version,
      PaymentRequirements requirements,
      Map<String, Object> payload) {
    return schemes
        .find(2, requirements.scheme(), requirements.network())
        .map(scheme -> scheme.identify(x402Version, requirements, payload))
        .orElseGet(
            () -> PaymentIdentity.ofJson(requirements.scheme(), requirements.network(), payload));
  }

  /**
   * When the payment stops being acceptable: its parsed {@code validBefore} when the scheme gives
   * one, else {@code fallback}. Never earlier than {@code fallback}.
   */
  public static Instant expiry(PaymentIdentity identity, Instant fallback) {
    Instant validBefore = identity.validBefore();
    if (validBefore != null
        && validBefore.getEpochSecond() < MAX_VALID_BEFORE_SECONDS
        && validBefore.isAfter(fallback)) {
      return validBefore;
    }
    return fallback;
  }
}
