package io.x402j.core;

/**
 * Base class of the unchecked exceptions x402j throws. Expected payment outcomes (an invalid
 * signature, a failed settlement) are values, not exceptions; exceptions are for malformed input,
 * transport failures and misuse.
 */
public class X402Exception extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message that names what went wrong. */
  public X402Exception(String message) {
    super(message);
  }

  /** Creates an exception with a message and the underlying cause. */
  public X402Exception(String message, Throwable cause) {
    super(message, cause);
  }
}
