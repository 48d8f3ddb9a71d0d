package io.x402j.client;

import io.x402j.client.internal.RpcPermit2Reads;
import io.x402j.core.Network;
import io.x402j.core.NetworkPattern;
import io.x402j.evm.Permit2Reads;
import io.x402j.evm.rpc.JsonRpcClient;
import java.util.Map;
import java.util.Objects;

/**
 * The chain reads a {@link Payer} built with {@link Payer.Builder#evmRpcUrl} makes (the payer's
 * Permit2 allowance, a token's EIP-2612 nonce, the account's transaction nonce, fees), for a tool
 * that needs them outside a payer, e.g. to approve Permit2 before paying.
 */
public final class EvmNodeReads {
  private EvmNodeReads() {}

  /**
   * Reads about {@code network} through {@code node}. The node's {@code eth_chainId} is checked
   * against {@code network} before its first answer is used; a node of another chain is refused
   * with an {@link IllegalStateException} naming it.
   */
  public static Permit2Reads of(Network network, JsonRpcClient node) {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(node, "node");
    return RpcPermit2Reads.ofClients(Map.of(NetworkPattern.of(network), node));
  }
}
