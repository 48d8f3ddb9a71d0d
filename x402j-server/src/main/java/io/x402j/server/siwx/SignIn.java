package io.x402j.server.siwx;

import java.util.Objects;

/**
 * A verified sign-in, as a {@link SignInPolicy} sees it.
 *
 * @param address the wallet's canonical address (EIP-55 for EVM, base58 for Solana)
 * @param network the CAIP-2 chain it signed for
 * @param contractWallet whether a contract wallet accepted the signature (ERC-1271), whose owner
 *     may differ from chain to chain
 * @param resource the resource key the request is for (see {@link PaymentHistory})
 */
public record SignIn(String address, String network, boolean contractWallet, String resource) {
  /** Validates the fields. */
  public SignIn {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(resource, "resource");
  }
}
