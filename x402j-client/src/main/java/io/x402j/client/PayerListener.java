package io.x402j.client;

import io.x402j.core.wire.SettleResponse;

/**
 * Hooks around payments, for accounting or a human in the loop. Every method has an empty default.
 * {@link #beforePayment} may veto a payment by throwing; exceptions from the others are logged and
 * ignored.
 */
public interface PayerListener {
  /** A payment is about to be signed; throw to stop it (nothing is signed or spent). */
  default void beforePayment(PlannedPayment payment) {}

  /**
   * The paid request was answered.
   *
   * @param status the HTTP status of the paid request
   * @param receipt the settlement receipt, or {@code null} when the server sent none
   */
  default void afterPayment(PlannedPayment payment, int status, SettleResponse receipt) {}

  /**
   * A payment was refused, or a paid request did not get its resource.
   *
   * @param payment the payment, or {@code null} when none was made
   * @param reason what went wrong
   */
  default void onFailure(PlannedPayment payment, String reason) {}
}
