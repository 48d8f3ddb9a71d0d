package io.x402j.evm;

import java.util.concurrent.CompletableFuture;

/**
 * Asks a contract wallet whether it accepts a signature (ERC-1271 {@code isValidSignature(bytes32,
 * bytes)} returning {@code 0x1626ba7e}), on the chain the signature is for. x402j-server has an
 * implementation over JSON-RPC; tests may answer from memory.
 */
@FunctionalInterface
public interface Erc1271 {
  /**
   * Whether {@code wallet} on chain {@code chainId} accepts {@code signature} for {@code hash}:
   * true only for the magic value; false for a revert, an account without code or any other answer.
   *
   * <p>The future fails when the chain cannot be asked (no node for it, node unreachable).
   */
  CompletableFuture<Boolean> isValidSignature(
      long chainId, EvmAddress wallet, Bytes32 hash, byte[] signature);
}
