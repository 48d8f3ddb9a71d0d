package io.x402j.settlement;

/** Where a settlement is: claimed → submitted → confirmed, failed or pending. */
public enum SettlementState {
  /** A facilitator took the payment; nothing is signed or broadcast yet. */
  CLAIMED,
  /** The transaction is signed and recorded; it may be on its way to the network. */
  SUBMITTED,
  /**
   * The transaction is final on chain and moved the payment (on EVM: status 1 and the {@code
   * Transfer}).
   */
  CONFIRMED,
  /** No money moved: refused before broadcast, or the transaction failed on chain. */
  FAILED,
  /** Broadcast, but its outcome was not seen in time; it is still to be learned. */
  PENDING;

  /** Whether the outcome is final. */
  public boolean isFinal() {
    return this == CONFIRMED || this == FAILED;
  }
}
