package io.x402j.svm;

import java.util.Objects;

/**
 * An account an instruction uses, and how.
 *
 * @param address the account
 * @param signer whether it must sign the transaction
 * @param writable whether the instruction may change it
 */
public record AccountMeta(SolanaAddress address, boolean signer, boolean writable) {
  /** Checks the address. */
  public AccountMeta {
    Objects.requireNonNull(address, "address");
  }

  /** A writable account that does not sign. */
  public static AccountMeta writable(SolanaAddress address) {
    return new AccountMeta(address, false, true);
  }

  /** A read-only account that does not sign. */
  public static AccountMeta readonly(SolanaAddress address) {
    return new AccountMeta(address, false, false);
  }

  /** A read-only account that signs. */
  public static AccountMeta readonlySigner(SolanaAddress address) {
    return new AccountMeta(address, true, false);
  }

  /** A writable account that signs. */
  public static AccountMeta writableSigner(SolanaAddress address) {
    return new AccountMeta(address, true, true);
  }
}
