package io.x402j.core.extensions.siwx;

import java.util.Objects;

/** What a {@link SiwxVerifier} found: the signer's canonical address, or why not. */
public sealed interface SiwxVerification {
  /**
   * The signature is the address's.
   *
   * @param address the signer's canonical address: EIP-55 checksummed for EVM, base58 for Solana
   * @param contractWallet whether a contract wallet accepted the signature (ERC-1271) rather than
   *     the address's own key
   */
  record Valid(String address, boolean contractWallet) implements SiwxVerification {
    /** Validates the fields. */
    public Valid {
      Objects.requireNonNull(address, "address");
    }
  }

  /**
   * The signature is not accepted.
   *
   * @param reason a machine-readable reason in the official package's style, e.g. {@code
   *     invalid_siwx_signature}
   * @param message what is wrong, for the client
   */
  record Invalid(String reason, String message) implements SiwxVerification {
    /** Validates the fields. */
    public Invalid {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }
  }
}
