package io.x402j.okhttp;

import io.x402j.client.PaymentRefusedException;
import java.io.IOException;
import java.util.List;

/**
 * A payment was asked but not made (nothing was signed); the failure of the OkHttp call. {@link
 * #reasons()} says why, one line per offered requirement.
 */
public final class PaymentRefusedIOException extends IOException {
  private static final long serialVersionUID = 1L;

  private final List<String> reasons;

  PaymentRefusedIOException(PaymentRefusedException refusal) {
    super(refusal.getMessage(), refusal);
    this.reasons = refusal.reasons();
  }

  /** Why each offered requirement was refused. */
  public List<String> reasons() {
    return reasons;
  }
}
