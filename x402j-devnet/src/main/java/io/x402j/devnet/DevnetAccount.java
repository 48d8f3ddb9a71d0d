package io.x402j.devnet;

import io.x402j.evm.EvmAddress;
import io.x402j.evm.PrivateKeySigner;
import java.util.Objects;

/**
 * A funded account of the devnet. Its key is derived from its name and is public knowledge: it is
 * for the local chain only.
 *
 * @param name the account's role, e.g. {@code buyer}
 * @param address its address
 * @param privateKey its private key in hex (devnet only)
 */
public record DevnetAccount(String name, EvmAddress address, String privateKey) {
  /** Validates the fields. */
  public DevnetAccount {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(privateKey, "privateKey");
  }

  /** A signer for the account. */
  public PrivateKeySigner signer() {
    return PrivateKeySigner.fromHex(privateKey);
  }

  /** Shows the name and address only. */
  @Override
  public String toString() {
    return name + " " + address;
  }
}
