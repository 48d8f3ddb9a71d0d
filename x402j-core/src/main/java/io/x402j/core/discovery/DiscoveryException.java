package io.x402j.core.discovery;

import io.x402j.core.X402Exception;
import java.util.Objects;

/**
 * A discovery request that produced no usable answer: the facilitator was unreachable, too slow,
 * answered an HTTP error, answered something that is not a discovery response, or paged
 * inconsistently. Messages name what is wrong and never contain the facilitator URL's query, user
 * info or authentication headers, where API keys live.
 */
public final class DiscoveryException extends X402Exception {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Failure {
    /** No connection could be made. */
    UNREACHABLE,
    /** The connection broke. */
    CONNECTION_LOST,
    /** No complete answer within the configured timeout. */
    TIMEOUT,
    /** An HTTP status other than 2xx (redirects are not followed). */
    HTTP_STATUS,
    /** A 2xx answer that is not a discovery response (not JSON, a field missing or mistyped). */
    BAD_RESPONSE,
    /** Pages that do not line up: an offset other than asked for, a cursor seen before. */
    BAD_PAGING
  }

  private final Failure failure;
  private final int statusCode;

  /** Creates the exception; {@code statusCode} is 0 when no response arrived. */
  public DiscoveryException(Failure failure, int statusCode, String message, Throwable cause) {
    super(message, cause);
    this.failure = Objects.requireNonNull(failure, "failure");
    this.statusCode = statusCode;
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
