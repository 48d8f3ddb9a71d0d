package io.x402j.settlement;

import java.time.Duration;
import java.time.Instant;

/** The rule every ledger applies to an existing record when a payment is claimed again. */
public final class Claims {
  private Claims() {}

  /**
   * Whether a new claim of a payment with {@code fingerprint} may take over {@code existing}: no
   * record, a {@link SettlementState#FAILED failed} one (no money moved), or a {@link
   * SettlementState#CLAIMED claim} whose owner went silent for longer than {@code lease}. A record
   * of another signed payment with the same key is never taken over.
   */
  public static boolean mayTakeOver(
      SettlementRecord existing, String fingerprint, Instant now, Duration lease) {
    if (existing == null) {
      return true;
    }
    if (!existing.fingerprint().equals(fingerprint)) {
      return false;
    }
    return existing.state() == SettlementState.FAILED
        || existing.state() == SettlementState.CLAIMED
            && existing.updatedAt().plus(lease).isBefore(now);
  }
}
