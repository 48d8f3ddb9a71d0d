package io.x402j.evm.rpc;

import com.fasterxml.jackson.databind.JsonNode;

/** The outcome of one call in a batch: a result or an error. */
public final class RpcResult {
  private final JsonNode result;
  private final RpcError error;

  private RpcResult(JsonNode result, RpcError error) {
    this.result = result;
    this.error = error;
  }

  /** A successful call. */
  public static RpcResult ok(JsonNode result) {
    return new RpcResult(result, null);
  }

  /** A failed call. */
  public static RpcResult failed(RpcError error) {
    return new RpcResult(null, error);
  }

  /** Whether the call succeeded. */
  public boolean ok() {
    return error == null;
  }

  /** The result; {@code null} when the call failed. */
  public JsonNode result() {
    return result;
  }

  /** The error; {@code null} when the call succeeded. */
  public RpcError error() {
    return error;
  }

  @Override
  public String toString() {
    return ok() ? "ok " + result : "error " + error.code() + " " + error.message();
  }
}
