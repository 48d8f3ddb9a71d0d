package io.x402j.core.facilitator;

import io.x402j.core.X402Exception;
import java.util.Objects;

/**
 * A facilitator call that produced no answer: the facilitator was unreachable, too slow, failed, or
 * answered something that is not x402. An answer saying a payment is invalid is not an exception;
 * it is a {@link io.x402j.core.wire.VerifyResponse} or {@link io.x402j.core.wire.SettleResponse}.
 * Messages never contain the facilitator URL's query or credentials, nor authentication headers.
 */
public final class FacilitatorException extends X402Exception {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Failure {
    /** No connection could be made (nothing was sent). */
    UNREACHABLE,
    /** The connection broke after the request may have been sent. */
    CONNECTION_LOST,
    /** No complete answer within the configured timeout. */
    TIMEOUT,
    /** An HTTP error status without an x402 answer in the body. */
    HTTP_STATUS,
    /** A success status whose body is not the expected JSON, or a body over the size limit. */
    BAD_RESPONSE
  }

  private final FacilitatorOperation operation;
  private final Failure failure;
  private final int statusCode;

  /** Creates the exception; {@code statusCode} is 0 when no response arrived. */
  public FacilitatorException(
      FacilitatorOperation operation,
      Failure failure,
      int statusCode,
      String message,
      Throwable cause) {
    super(message, cause);
    this.operation = Objects.requireNonNull(operation, "operation");
    this.failure = Objects.requireNonNull(failure, "failure");
    this.statusCode = statusCode;
  }

  /** The call that failed. */
  public FacilitatorOperation operation() {
    return operation;
  }

  /** What went wrong. */
  public Failure failure() {
    return failure;
  }

  /** The HTTP status, or 0 when no response arrived. */
  public int statusCode() {
    return statusCode;
  }
}
