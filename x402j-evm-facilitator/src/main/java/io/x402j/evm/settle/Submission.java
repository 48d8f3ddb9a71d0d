package io.x402j.evm.settle;

import io.x402j.evm.EvmAddress;
import java.util.Objects;

/**
 * The transaction that settles a payment, recorded before it is broadcast so that a crash between
 * broadcast and receipt cannot lose it, and so it can be broadcast again.
 *
 * @param transactionHash the transaction hash
 * @param signer the facilitator account that signed it
 * @param nonce the signer's transaction nonce
 * @param rawTransaction the signed transaction in hex
 */
public record Submission(
    String transactionHash, EvmAddress signer, long nonce, String rawTransaction) {
  /** Validates the fields. */
  public Submission {
    Objects.requireNonNull(transactionHash, "transactionHash");
    Objects.requireNonNull(signer, "signer");
    Objects.requireNonNull(rawTransaction, "rawTransaction");
  }
}
