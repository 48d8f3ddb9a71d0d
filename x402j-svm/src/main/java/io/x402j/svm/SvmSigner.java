package io.x402j.svm;

/**
 * Holds a Solana account's Ed25519 key and signs messages with it: the paying side's key in an
 * exact-scheme payment, or a facilitator's fee-payer key. Implementations are thread-safe and never
 * reveal the secret (not in {@code toString}, logs or exceptions).
 */
public interface SvmSigner {
  /** The account whose key signs. */
  SolanaAddress address();

  /**
   * The 64-byte Ed25519 signature of {@code message} (for a transaction: its message bytes).
   *
   * @throws IllegalStateException if the key cannot sign (e.g. a remote signer failed)
   */
  byte[] sign(byte[] message);
}
