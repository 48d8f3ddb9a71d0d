package io.x402j.core.wire;

import io.x402j.core.internal.Checks;
import io.x402j.core.support.JsonValues;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A signed payment (protocol v2), sent base64-encoded in the {@code PAYMENT-SIGNATURE} header.
 *
 * @param resource the resource paid for, or {@code null}
 * @param accepted the requirement chosen from the 402, echoed verbatim
 * @param payload the scheme-specific proof of payment; for exact/EVM, {@code signature} and {@code
 *     authorization}
 * @param extensions protocol extension data, or {@code null} when absent
 * @param additionalFields fields this version of x402j does not model
 */
public record PaymentPayload(
    ResourceInfo resource,
    PaymentRequirements accepted,
    Map<String, Object> payload,
    Map<String, Object> extensions,
    Map<String, Object> additionalFields) {

  /** The protocol version of this message type. */
  public static final int X402_VERSION = 2;

  static final Set<String> FIELDS =
      Set.of("x402Version", "resource", "accepted", "payload", "extensions");

  /** Validates the fields and makes immutable copies. */
  public PaymentPayload {
    Objects.requireNonNull(accepted, "accepted");
    payload = JsonValues.canonicalObject(Objects.requireNonNull(payload, "payload"), "payload");
    extensions = JsonValues.canonicalObject(extensions, "extensions");
    additionalFields = Checks.additionalFields(additionalFields, FIELDS, "PaymentPayload");
  }

  /** A payment for {@code accepted} carrying {@code payload}. */
  public static PaymentPayload of(
      ResourceInfo resource, PaymentRequirements accepted, Map<String, ?> payload) {
    return new PaymentPayload(
        resource, accepted, JsonValues.canonicalObject(payload, "payload"), null, Map.of());
  }

  /** Always {@value #X402_VERSION}. */
  public int x402Version() {
    return X402_VERSION;
  }
}
