package io.x402j.client;

import java.util.Objects;

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

  @Override
  public String toString() {
    return "PaymentAuthorization[" + headerName + ", " + payment.describe() + "]";
  }
}
