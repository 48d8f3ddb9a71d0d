package io.x402j.client;

import io.x402j.core.extensions.PaymentIdentifier;
import io.x402j.core.extensions.PaymentIdentifierExtension;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentHeader;
import java.util.Objects;
import java.util.Optional;

/**
 * A signed payment, ready to be sent with the retried request.
 *
 * @param headerName {@code PAYMENT-SIGNATURE} (v2) or {@code X-PAYMENT} (v1)
 * @param headerValue the encoded payment
 * @param payment what it pays
 */
public record PaymentAuthorization(String headerName, String headerValue, PlannedPayment payment) {
  /** Validates the fields. */
  public PaymentAuthorization {
    Objects.requireNonNull(headerName, "headerName");
    Objects.requireNonNull(headerValue, "headerValue");
    Objects.requireNonNull(payment, "payment");
  }

  /**
   * The {@code payment-identifier} id this payment carries (added when the 402 declared the
   * extension), if any. Sending this same header again repeats the id, so a seller that remembers
   * it can recognise the repeat (see {@link PaymentAnswerLostException}).
   */
  public Optional<PaymentIdentifier> paymentIdentifier() {
    if (!headerName.equals(PaymentHeader.PAYMENT_SIGNATURE.headerName())) {
      return Optional.empty(); // protocol v1 carries no extensions
    }
    return PaymentIdentifierExtension.read(
                HeaderCodec.standard().decodePaymentSignature(headerValue).extensions())
            instanceof PaymentIdentifierExtension.Echo.Identified identified
        ? Optional.of(identified.id())
        : Optional.empty();
  }

  @Override
  public String toString() {
    return "PaymentAuthorization[" + headerName + ", " + payment.describe() + "]";
  }
}
