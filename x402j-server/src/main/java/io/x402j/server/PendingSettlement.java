package io.x402j.server;

/**
 * What the gate does when the facilitator answers {@code settlement_pending}: the transaction was
 * broadcast but its outcome is not known yet. Neither policy loses the payment.
 */
public enum PendingSettlement {
  /**
   * Ask the facilitator again (it follows the same transaction) until the pending wait is over. A
   * confirmation releases the response; a failure refuses it. Still pending after the wait: the
   * response is withheld and the answer is 402 with the pending receipt and {@code Retry-After};
   * the same payment header, sent again, is then accepted without a new payment and settles the
   * same transaction. The default.
   */
  WAIT,

  /**
   * Release the response at once with the pending receipt ({@code success:false}, {@code
   * errorReason: settlement_pending} and the transaction hash), trusting the transaction to be
   * mined. For sellers who prefer speed to certainty.
   */
  RELEASE
}
