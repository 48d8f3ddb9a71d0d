package io.x402j.settlement;

/**
 * What one reconciliation pass of an engine did with the settlements it found unresolved.
 *
 * @param confirmed settlements the chain showed as done
 * @param failed settlements now known to have moved no money; they may be settled again
 * @param rebroadcast transactions the network did not know, sent again from the ledger
 * @param stillPending settlements whose outcome the chain cannot tell yet
 */
public record ReconcileReport(int confirmed, int failed, int rebroadcast, int stillPending) {
  /** Nothing reconciled. */
  public static final ReconcileReport NONE = new ReconcileReport(0, 0, 0, 0);

  /** Validates the counts. */
  public ReconcileReport {
    if (confirmed < 0 || failed < 0 || rebroadcast < 0 || stillPending < 0) {
      throw new IllegalArgumentException("reconciliation counts must not be negative");
    }
  }

  /** The sum of two passes (of two engines, say). */
  public ReconcileReport plus(ReconcileReport other) {
    return new ReconcileReport(
        confirmed + other.confirmed,
        failed + other.failed,
        rebroadcast + other.rebroadcast,
        stillPending + other.stillPending);
  }

  /** Whether the pass changed anything. */
  public boolean changedAnything() {
    return confirmed + failed + rebroadcast > 0;
  }
}
