package io.x402j.server.internal;

import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.PaymentRequirements;
import java.util.Map;
import java.util.Objects;

/**
 * What a request's payment header amounts to against a route's offer, as {@link PaymentMatcher}
 * found it: no payment, a payment refused before any facilitator is asked, or a payment matched to
 * one offered option. Not part of the x402j API.
 */
public sealed interface PaymentMatch {
  /** The request carries no payment header. */
  record Unpaid() implements PaymentMatch {}

  /**
   * The payment cannot be for this offer: malformed, for another resource, or matching no option.
   *
   * @param x402Version the protocol version the refusal is answered in
   * @param reason what is wrong, for the payer
   */
  record Refused(int x402Version, String reason) implements PaymentMatch {
    /** Validates the fields. */
    public Refused {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * The payment names one offered option.
   *
   * @param x402Version the protocol version of the payment
   * @param requirements the option's v2 requirements (also for a v1 payment)
   * @param request what the facilitator is asked to verify and settle
   * @param payload the scheme's payload, from which the payment's identity is derived
   */
  record Matched(
      int x402Version,
      PaymentRequirements requirements,
      FacilitatorRequest request,
      Map<String, Object> payload)
      implements PaymentMatch {
    /** Validates the fields. */
    public Matched {
      Objects.requireNonNull(requirements, "requirements");
      Objects.requireNonNull(request, "request");
    }
  }
}
