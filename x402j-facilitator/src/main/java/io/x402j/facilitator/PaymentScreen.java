package io.x402j.facilitator;

import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides whether a payment may be accepted at all, before it is verified or settled: sanctions
 * lists, abuse blocks, business rules. Must be fast and thread-safe; it runs on every call.
 *
 * <p>{@link FacilitatorService} passes canonical values: on EVM networks the payer and the
 * recipient are parsed addresses in their EIP-55 form, and a payment whose payer or recipient is
 * not an address is refused before any screen sees it. A screen called directly should still parse
 * what it compares, as {@link DenylistScreen} does.
 */
@FunctionalInterface
public interface PaymentScreen {
  /** Why a payment is refused. */
  record Refusal(ErrorReason reason, String message) {
    /** Validates the fields. */
    public Refusal {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * Screens a payment.
   *
   * @param payer the payer's address, or {@code null} when the payload does not say
   * @param payTo the recipient
   * @return a refusal, or empty to let the payment through
   */
  Optional<Refusal> screen(Network network, String payer, String payTo);

  /** This screen, then {@code next} for what this one lets through. */
  default PaymentScreen andThen(PaymentScreen next) {
    Objects.requireNonNull(next, "next");
    return (network, payer, payTo) -> {
      Optional<Refusal> refusal = screen(network, payer, payTo);
      return refusal.isPresent() ? refusal : next.screen(network, payer, payTo);
    };
  }

  /** Lets every payment through. */
  static PaymentScreen none() {
    return (network, payer, payTo) -> Optional.empty();
  }
}
