package io.x402j.evm.settle;

/** Where a settlement is: claimed → submitted → confirmed, failed or pending. */
public enum SettlementState {
  /** A facilitator took the payment; nothing is signed or broadcast yet. */
  CLAIMED,
  /** The transaction is signed and recorded; it may be on its way to the network. */
  SUBMITTED,
  /** The transaction was mined with status 1 and the expected {@code Transfer}. */
  CONFIRMED,
  /** No money moved: refused before broadcast, or the transaction reverted. */
  FAILED,
  /** Broadcast, but no receipt was seen in time; the outcome is still to be learned. */
  PENDING;

  /** Whether the outcome is final. */
  public boolean isFinal() {
    return this == CONFIRMED || this == FAILED;
  }
}
