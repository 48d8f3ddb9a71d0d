package io.x402j.svm;

/**
 * Bytes that are not a well-formed Solana transaction or message; the message says what is wrong
 * and where. The only exception {@link SolanaTransaction#decode} throws.
 */
public final class SolanaDecodeException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** An exception with this explanation. */
  public SolanaDecodeException(String message) {
    super(message);
  }
}
