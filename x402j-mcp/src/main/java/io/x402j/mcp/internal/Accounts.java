package io.x402j.mcp.internal;

import io.x402j.core.Network;
import io.x402j.evm.EvmAddress;
import io.x402j.svm.SolanaAddress;
import java.util.Optional;

/**
 * The wallet's addresses (never its keys): the EVM account and the Solana account, each {@code
 * null} when the wallet has no key of that kind.
 */
public record Accounts(EvmAddress evm, SolanaAddress solana) {
  /** The address that pays on {@code network}, if the wallet has one. */
  public Optional<String> on(Network network) {
    if (Network.SOLANA.equals(network.namespace())) {
      return Optional.ofNullable(solana).map(SolanaAddress::toString);
    }
    return Optional.ofNullable(evm).map(EvmAddress::toString);
  }
}
