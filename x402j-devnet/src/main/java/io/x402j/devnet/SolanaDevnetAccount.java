package io.x402j.devnet;

import java.util.Objects;

/**
 * A funded account of the {@link SolanaDevnet}. Its key is derived from its name and is public
 * knowledge: it is for the local runtime only.
 *
 * @param name the account's role, e.g. {@code buyer}
 * @param address its base58 address
 * @param privateKey its base58 64-byte secret key (seed then public key, as Solana tools write it)
 * @param tokenAccount its associated token account of the devnet mint (base58), which may not exist
 */
public record SolanaDevnetAccount(
    String name, String address, String privateKey, String tokenAccount) {
  /** Validates the fields. */
  public SolanaDevnetAccount {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(tokenAccount, "tokenAccount");
  }

  /** Shows the name and address only. */
  @Override
  public String toString() {
    return name + " " + address;
  }
}
