package io.x402j.evm;

/**
 * An Ethereum account that signs 32-byte hashes: EIP-712 digests for payments, transaction hashes
 * for settlements. Implement it to keep keys in a KMS or HSM; {@link PrivateKeySigner} holds a key
 * in memory. Implementations are thread-safe and never reveal key material in {@code toString},
 * logs or exceptions. {@link #sign} may block (a remote signer); x402j calls it off request threads
 * where that matters.
 */
public interface Signer {
  /** The account's address. */
  EvmAddress address();

  /**
   * Signs a 32-byte hash as is (no prefix is added).
   *
   * @return a signature with low {@code s}
   */
  Signature sign(Bytes32 hash);
}
