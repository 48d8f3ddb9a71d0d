package io.x402j.evm.rpc;

import java.util.List;
import java.util.Objects;

/**
 * One JSON-RPC call.
 *
 * @param method the method, e.g. {@code eth_call}
 * @param params the positional parameters: strings, numbers, booleans, maps and lists
 */
public record RpcCall(String method, List<Object> params) {
  /** Validates the fields. */
  public RpcCall {
    Objects.requireNonNull(method, "method");
    params =
        params == null
            ? List.of()
            : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(params));
  }

  /** A call of {@code method} with these parameters. */
  public static RpcCall of(String method, Object... params) {
    return new RpcCall(method, java.util.Arrays.asList(params));
  }
}
