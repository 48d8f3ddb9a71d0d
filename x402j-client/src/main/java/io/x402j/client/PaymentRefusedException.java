package io.x402j.client;

import io.x402j.core.X402Exception;
import java.util.List;

/**
 * No payment was made: no offered requirement could be paid, or the spend controls refused every
 * one. Nothing was signed. {@link #reasons()} says why, one line per offered requirement.
 */
public class PaymentRefusedException extends X402Exception {
  private static final long serialVersionUID = 1L;

  private final List<String> reasons;

  /** A refusal with the reason for each requirement. */
  public PaymentRefusedException(String url, List<String> reasons) {
    super("no payment was made for " + url + ": " + String.join("; ", reasons));
    this.reasons = List.copyOf(reasons);
  }

  /** Why each offered requirement was refused. */
  public List<String> reasons() {
    return reasons;
  }
}
