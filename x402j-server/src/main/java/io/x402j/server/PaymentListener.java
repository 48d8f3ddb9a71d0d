package io.x402j.server;

import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.VerifyResponse;

/**
 * Hooks around the payment of a request, for accounting, logging or metrics. Every method has an
 * empty default. Hooks run on the gate's threads and should be quick; an exception thrown by a hook
 * is logged and never changes the outcome.
 */
public interface PaymentListener {
  /** A payment is about to be verified. */
  default void beforeVerify(PaymentEvent event) {}

  /** The facilitator answered a verification. */
  default void afterVerify(PaymentEvent event, VerifyResponse result) {}

  /** A verified payment is about to be settled. */
  default void beforeSettle(PaymentEvent event) {}

  /** The facilitator answered a settlement (success, failure or pending). */
  default void afterSettle(PaymentEvent event, SettleResponse result) {}

  /**
   * A paid request did not get its resource.
   *
   * @param reason the x402 reason or a short description
   * @param error the exception, when the facilitator could not be reached; else {@code null}
   */
  default void onFailure(PaymentEvent event, String reason, Throwable error) {}
}
