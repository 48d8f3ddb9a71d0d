package io.x402j.mcp;

import io.x402j.client.Charge;
import io.x402j.client.PlannedPayment;
import io.x402j.core.X402Exception;
import io.x402j.core.wire.SettleResponse;
import java.util.Optional;

/**
 * A paid tool call did not get its result: a payment was made (signed, sent and counted as spent)
 * and the server asked for payment again, or the call failed. The client never pays a second time
 * for one call. {@link #payment()} and {@link #charge()} say what was paid; {@link #receipt()} is
 * the server's settlement answer, when it sent one.
 *
 * <p>Refusals before anything is signed are a {@link io.x402j.client.PaymentRefusedException} (the
 * spend controls, no scheme for the offer) or an {@link X402Exception} (an unreadable payment
 * request), as for HTTP.
 */
public class McpPaymentException extends X402Exception {
  private static final long serialVersionUID = 1L;

  private final transient PlannedPayment payment;
  private final transient Charge charge;
  private final transient SettleResponse receipt;

  /** A paid call that failed; the fields say what was paid. */
  public McpPaymentException(
      String message,
      PlannedPayment payment,
      Charge charge,
      SettleResponse receipt,
      Throwable cause) {
    super(message, cause);
    this.payment = payment;
    this.charge = charge;
    this.receipt = receipt;
  }

  /** What was paid. */
  public Optional<PlannedPayment> payment() {
    return Optional.ofNullable(payment);
  }

  /** What the payment counts for against the spend controls. */
  public Optional<Charge> charge() {
    return Optional.ofNullable(charge);
  }

  /** The server's settlement answer, if it sent one. */
  public Optional<SettleResponse> receipt() {
    return Optional.ofNullable(receipt);
  }
}
