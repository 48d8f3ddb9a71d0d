package io.x402j.core.scheme;

import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequirements;
import java.util.Objects;

/**
 * A payment to verify or settle, as a facilitator scheme receives it. Protocol v1 payments arrive
 * translated to the v2 form; {@code x402Version} says which protocol the resource server spoke, for
 * the few rules that differ.
 *
 * @param x402Version the protocol version of the request, 1 or 2
 * @param payload the payment; {@code payload.accepted()} is what the client says it paid for
 * @param requirements what the resource server expects the payment to satisfy
 * @param settlementId the resource server's settlement attempt ({@link
 *     io.x402j.core.wire.FacilitatorRequest#SETTLEMENT_ID}), or {@code null} when it named none
 */
public record SchemeRequest(
    int x402Version,
    PaymentPayload payload,
    PaymentRequirements requirements,
    String settlementId) {
  /** Validates the fields. */
  public SchemeRequest {
    if (x402Version != 1 && x402Version != 2) {
      throw new IllegalArgumentException("x402Version must be 1 or 2, got " + x402Version);
    }
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(requirements, "requirements");
  }

  /** A request that names no settlement attempt. */
  public SchemeRequest(int x402Version, PaymentPayload payload, PaymentRequirements requirements) {
    this(x402Version, payload, requirements, null);
  }
}
