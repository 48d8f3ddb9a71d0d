package io.x402j.client;

import java.io.IOException;
import java.net.URI;
import java.util.Objects;

/**
 * A payment was signed and sent, but the answer to the paid request never came: the connection
 * failed or timed out after the request left. The seller may have settled it, so it is counted as
 * spent (the spend controls counted it when it was signed). Do not pay again as if nothing had
 * happened: {@link #payment()} says what was sent, and {@link #authorization()} is the very payment
 * — a seller can charge one authorization at most once, so repeating the request with it cannot
 * cost more, whereas a fresh payment would. The message names the URL and the amount, never the
 * signed payment itself.
 *
 * <p>To repeat it, send the request again with {@link #authorization()}'s header ({@link
 * X402Client} sends a request that already carries a payment as it is). When the 402 declared the
 * {@code payment-identifier} extension the payment carries an id ({@link
 * PaymentAuthorization#paymentIdentifier()}), and the repeat carries the same one: an x402j gate
 * then answers it from what it stored (the settlement receipt, or the settlement it is still
 * following) instead of treating it as a new payment.
 */
public class PaymentAnswerLostException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient PlannedPayment payment;
  private final transient PaymentAuthorization authorization;

  /**
   * @param url where the paid request went
   * @param authorization the payment it carried
   * @param cause why no answer came
   */
  public PaymentAnswerLostException(URI url, PaymentAuthorization authorization, Throwable cause) {
    super(
        "a payment of "
            + Objects.requireNonNull(authorization, "authorization").payment().describe()
            + " was sent to "
            + url
            + " but its answer was lost ("
            + (cause == null ? "no reason given" : cause.getMessage())
            + "); it may have been settled, so it is counted as spent",
        cause);
    this.payment = authorization.payment();
    this.authorization = authorization;
  }

  /** What was sent. */
  public PlannedPayment payment() {
    return payment;
  }

  /** The payment the lost request carried, to repeat the request with rather than pay anew. */
  public PaymentAuthorization authorization() {
    return authorization;
  }
}
