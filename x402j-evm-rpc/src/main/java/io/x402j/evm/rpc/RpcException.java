package io.x402j.evm.rpc;

import io.x402j.core.X402Exception;
import java.util.Objects;

/**
 * A JSON-RPC call that failed: the node was unreachable, too slow, answered an HTTP error or
 * something that is not JSON-RPC, or returned an error object. Messages name the node by scheme and
 * host only, never its path or query, which often carry API keys.
 */
public final class RpcException extends X402Exception {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Kind {
    /** No connection could be made; nothing was sent. */
    UNREACHABLE,
    /** The connection broke after the request may have been sent. */
    CONNECTION_LOST,
    /** No answer within the timeout. */
    TIMEOUT,
    /** An HTTP error status. */
    HTTP_STATUS,
    /** An answer that is not JSON-RPC. */
    BAD_RESPONSE,
    /** A JSON-RPC error object; see {@link #error()}. */
    RPC_ERROR
  }

  private final Kind kind;
  private final String method;
  private final int httpStatus;
  private final transient RpcError error;

  /** Creates the exception. */
  public RpcException(
      Kind kind, String method, int httpStatus, RpcError error, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.method = method;
    this.httpStatus = httpStatus;
    this.error = error;
  }

  /** What went wrong. */
  public Kind kind() {
    return kind;
  }

  /** The method called (the first of a batch). */
  public String method() {
    return method;
  }

  /** The HTTP status, or 0. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The JSON-RPC error for {@link Kind#RPC_ERROR}, else {@code null}. */
  public RpcError error() {
    return error;
  }
}
