package io.x402j.core.wire;

import java.util.Map;

/**
 * The body of {@code POST /verify} and {@code POST /settle}: a payment and the requirement it must
 * satisfy. The specification's VerifyRequest and SettleRequest have the same shape, so one type
 * serves both; {@link VerifyRequest} is the v2 form and {@link VerifyRequestV1} the v1 form.
 */
public sealed interface FacilitatorRequest permits VerifyRequest, VerifyRequestV1 {
  /** The protocol version of the payment. */
  int x402Version();

  /** The scheme of the payment, e.g. {@code exact}. */
  String scheme();

  /** The v2 request for {@code payload} against {@code requirements}. */
  static VerifyRequest of(PaymentPayload payload, PaymentRequirements requirements) {
    return new VerifyRequest(payload, requirements, Map.of());
  }

  /** The v1 request for {@code payload} against {@code requirements}. */
  static VerifyRequestV1 of(PaymentPayloadV1 payload, PaymentRequirementsV1 requirements) {
    return new VerifyRequestV1(payload, requirements, Map.of());
  }
}
