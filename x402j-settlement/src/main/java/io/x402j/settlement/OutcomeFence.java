package io.x402j.settlement;

import java.time.Instant;

/**
 * Which attempt an outcome belongs to, so that a slow former owner of a claim cannot overwrite what
 * the current owner recorded. An outcome about a transaction is recorded only while the record
 * holds that transaction; an outcome reached before anything was broadcast only while the record is
 * still the caller's claim, unchanged since {@code claimedAt}. A confirmed settlement is final.
 *
 * @param transaction the id of the transaction the outcome is about, or {@code null}
 * @param claimedAt when the caller's claim was granted, for outcomes without a transaction
 */
public record OutcomeFence(String transaction, Instant claimedAt) {
  /** Validates that exactly one of the two is given. */
  public OutcomeFence {
    if ((transaction == null) == (claimedAt == null)) {
      throw new IllegalArgumentException("an outcome fence names a transaction or a claim");
    }
  }

  /** An outcome learned about {@code transaction}. */
  public static OutcomeFence ofTransaction(String transaction) {
    return new OutcomeFence(transaction, null);
  }

  /** An outcome reached before broadcast, by the claim granted at {@code claimedAt}. */
  public static OutcomeFence ofClaim(Instant claimedAt) {
    return new OutcomeFence(null, claimedAt);
  }

  /** Whether {@code record} may take an outcome under this fence. */
  public boolean admits(SettlementRecord record) {
    if (record == null || record.state() == SettlementState.CONFIRMED) {
      return false;
    }
    if (transaction != null) {
      return record.submission() != null && record.submission().transaction().equals(transaction);
    }
    return record.state() == SettlementState.CLAIMED
        && record.submission() == null
        && record.updatedAt().equals(claimedAt);
  }
}
