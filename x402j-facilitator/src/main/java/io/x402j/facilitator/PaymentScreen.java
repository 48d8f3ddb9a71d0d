package io.x402j.facilitator;

import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides whether a payment may be accepted at all, before it is verified or settled: sanctions
 * lists, abuse blocks, business rules. Must be fast and thread-safe; it runs on every call.
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

  /** Lets every payment through. */
  static PaymentScreen none() {
    return (network, payer, payTo) -> Optional.empty();
  }
}
