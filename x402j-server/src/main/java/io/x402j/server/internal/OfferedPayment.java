package io.x402j.server.internal;

import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.PaymentRequirementsV1;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One way to pay a route, in each protocol version it is offered in: the v2 requirements always,
 * and their v1 form when the route speaks v1 and the network has a v1 name. Keeping both forms in
 * one value is what ties a v1 payment to the v2 requirements that are priced, identified and
 * reported. Not part of the x402j API.
 *
 * @param requirements the v2 form
 * @param v1Requirements the v1 form, or {@code null} when this option is not offered to v1 payers
 * @param dynamicExtraFields the {@code extra} fields the scheme lets a payer echo with another
 *     value
 */
public record OfferedPayment(
    PaymentRequirements requirements,
    PaymentRequirementsV1 v1Requirements,
    Set<String> dynamicExtraFields) {
  /** Validates the fields. */
  public OfferedPayment {
    Objects.requireNonNull(requirements, "requirements");
    dynamicExtraFields = Set.copyOf(dynamicExtraFields);
  }

  /** An option whose scheme declares no dynamic {@code extra} fields. */
  public OfferedPayment(PaymentRequirements requirements, PaymentRequirementsV1 v1Requirements) {
    this(requirements, v1Requirements, Set.of());
  }

  /** The v1 form, when this option is offered to v1 payers. */
  public Optional<PaymentRequirementsV1> v1() {
    return Optional.ofNullable(v1Requirements);
  }

  /** Whether a v2 payer's {@code accepted} echo is this option. */
  public boolean acceptedBy(PaymentRequirements accepted) {
    return Requirements.accepts(requirements, accepted, dynamicExtraFields);
  }
}
