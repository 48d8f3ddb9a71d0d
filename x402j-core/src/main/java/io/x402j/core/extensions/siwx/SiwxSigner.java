package io.x402j.core.extensions.siwx;

/**
 * A wallet that signs in: builds the message for a challenge on one chain and signs it with its
 * key. Implementations: {@code SiweSigner} (x402j-evm) and {@code SiwsSigner} (x402j-svm).
 * Thread-safe; never reveals key material.
 */
public interface SiwxSigner {
  /** Whether this wallet can sign in on {@code chain} (its namespace and signature type). */
  boolean supports(SiwxChain chain);

  /**
   * Signs {@code challenge} for {@code chain}.
   *
   * @throws IllegalArgumentException if the challenge cannot be formed into this chain's message (a
   *     field the message format does not allow)
   */
  SiwxProof sign(SiwxChallenge challenge, SiwxChain chain);
}
