package io.x402j.core.facilitator;

/** The calls of the facilitator HTTP API. */
public enum FacilitatorOperation {
  /** {@code POST /verify}: would this payment settle? Read-only, so safe to retry. */
  VERIFY("verify"),
  /** {@code POST /settle}: settle the payment on chain. Not retried unless provably unsent. */
  SETTLE("settle"),
  /** {@code GET /supported}: which kinds and signers. Read-only. */
  SUPPORTED("supported");

  private final String path;

  FacilitatorOperation(String path) {
    this.path = path;
  }

  /** The path segment, e.g. {@code verify}. */
  public String path() {
    return path;
  }
}
