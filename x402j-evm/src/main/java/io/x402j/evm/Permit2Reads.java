package io.x402j.evm;

import io.x402j.core.Network;
import java.math.BigInteger;
import java.util.Objects;
import java.util.Optional;

/**
 * The chain reads a paying client needs to add a gas-sponsoring extension to a Permit2 payment: the
 * payer's ERC-20 allowance of Permit2, the token's EIP-2612 nonce, and the account nonce and fees
 * of a raw {@code approve} transaction. x402j-client implements it over JSON-RPC. Implementations
 * are thread-safe; a method may block on the network and throws an unchecked exception when the
 * node cannot answer.
 */
public interface Permit2Reads {
  /** {@code token.allowance(owner, Permit2)}. */
  BigInteger permit2Allowance(Network network, EvmAddress token, EvmAddress owner);

  /**
   * {@code token.nonces(owner)}, or empty when the token has no EIP-2612 {@code nonces} (the call
   * reverts or returns no word).
   */
  Optional<BigInteger> eip2612Nonce(Network network, EvmAddress token, EvmAddress owner);

  /** The account's next transaction nonce ({@code eth_getTransactionCount(account, "pending")}). */
  long transactionNonce(Network network, EvmAddress account);

  /**
   * EIP-1559 fee estimates for a transaction sent now, or empty when the node gives none (the
   * client then uses {@link Fees#DEFAULT}).
   */
  Optional<Fees> fees(Network network);

  /**
   * EIP-1559 fees per gas, in wei.
   *
   * @param maxFeePerGas the most paid per gas
   * @param maxPriorityFeePerGas the tip per gas
   */
  record Fees(BigInteger maxFeePerGas, BigInteger maxPriorityFeePerGas) {
    /** The fallback of @x402/evm: 1 gwei max fee, 0.1 gwei tip. */
    public static final Fees DEFAULT =
        new Fees(BigInteger.valueOf(1_000_000_000L), BigInteger.valueOf(100_000_000L));

    /** Validates the fields. */
    public Fees {
      Objects.requireNonNull(maxFeePerGas, "maxFeePerGas");
      Objects.requireNonNull(maxPriorityFeePerGas, "maxPriorityFeePerGas");
      if (maxFeePerGas.signum() < 0 || maxPriorityFeePerGas.signum() < 0) {
        throw new IllegalArgumentException("fees must not be negative");
      }
    }
  }
}
