package io.x402j.core.wire;

import io.x402j.core.internal.Checks;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A protocol v2 body of {@code POST /verify} or {@code POST /settle}.
 *
 * @param paymentPayload the payment
 * @param paymentRequirements the requirement the resource server expects it to satisfy
 * @param additionalFields fields this version of x402j does not model
 */
public record VerifyRequest(
    PaymentPayload paymentPayload,
    PaymentRequirements paymentRequirements,
    Map<String, Object> additionalFields)
    implements FacilitatorRequest {

  static final Set<String> FIELDS = Set.of("x402Version", "paymentPayload", "paymentRequirements");

  /** Validates the fields. */
  public VerifyRequest {
    Objects.requireNonNull(paymentPayload, "paymentPayload");
    Objects.requireNonNull(paymentRequirements, "paymentRequirements");
    additionalFields = Checks.additionalFields(additionalFields, FIELDS, "VerifyRequest");
  }

  @Override
  public int x402Version() {
    return PaymentPayload.X402_VERSION;
  }

  @Override
  public String scheme() {
    return paymentRequirements.scheme();
  }
}
