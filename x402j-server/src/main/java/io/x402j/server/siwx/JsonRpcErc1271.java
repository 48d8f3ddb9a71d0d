package io.x402j.server.siwx;

import io.x402j.evm.Bytes32;
import io.x402j.evm.Eip3009Calls;
import io.x402j.evm.Erc1271;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.evm.rpc.RpcCall;
import io.x402j.evm.rpc.RpcResult;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@link Erc1271} over JSON-RPC: an {@code eth_call} of {@code isValidSignature(hash, signature)}
 * on the wallet, through the node configured for the chain. Valid only for an answer of exactly one
 * ABI word holding the magic value {@code 0x1626ba7e}; a revert, an empty answer (no code) or any
 * other bytes are not valid. A chain without a node, or a node that cannot be reached, fails the
 * future.
 */
public final class JsonRpcErc1271 implements Erc1271 {
  private final Map<Long, JsonRpcClient> nodes;

  /** Asks {@code nodes} by EVM chain id. */
  public JsonRpcErc1271(Map<Long, JsonRpcClient> nodes) {
    this.nodes = Map.copyOf(nodes);
  }

  @Override
  public CompletableFuture<Boolean> isValidSignature(
      long chainId, EvmAddress wallet, Bytes32 hash, byte[] signature) {
    JsonRpcClient node = nodes.get(chainId);
    if (node == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("no JSON-RPC node is configured for eip155:" + chainId));
    }
    RpcCall call =
        RpcCall.of(
            "eth_call",
            Eip3009Calls.callObject(null, wallet, Eip3009Calls.isValidSignature(hash, signature)),
            "latest");
    return node.batch(List.of(call)).thenApply(results -> magic(results.get(0)));
  }

  private static boolean magic(RpcResult result) {
    if (!result.ok() || result.result() == null || !result.result().isTextual()) {
      return false;
    }
    String text = result.result().asText();
    if (text.length() != 66 || !text.startsWith("0x") || !Hex.isHexDigits(text, 2)) {
      return false;
    }
    byte[] word = Hex.decode(text);
    byte[] expected = Arrays.copyOf(Eip3009Calls.ERC1271_MAGIC, 32);
    return Arrays.equals(word, expected);
  }
}
