package io.x402j.core.scheme;

import io.x402j.core.support.JsonValues;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link SchemeClient} makes for one requirement: the scheme-specific {@code payload} and
 * the payment-level {@code extensions} it adds (for exact via Permit2, {@code eip2612GasSponsoring}
 * or {@code erc20ApprovalGasSponsoring} when the payer has not approved Permit2).
 *
 * @param payload the scheme-specific payload object
 * @param extensions extensions to merge into the payment's {@code extensions}; empty for none
 */
public record SchemePayment(Map<String, Object> payload, Map<String, Object> extensions) {
  /** Validates and copies the maps. */
  public SchemePayment {
    Objects.requireNonNull(payload, "payload");
    payload = JsonValues.canonicalObject(payload, "payload");
    extensions = JsonValues.canonicalObjectOrEmpty(extensions, "extensions");
  }

  /** A payment with a payload and no extensions. */
  public static SchemePayment of(Map<String, Object> payload) {
    return new SchemePayment(payload, Map.of());
  }
}
