package io.x402j.core.wire;

import io.x402j.core.ErrorReason;
import io.x402j.core.X402Exception;
import java.util.Objects;

/**
 * An x402 message (a payment header or a facilitator JSON body) that cannot be decoded. The message
 * names what is wrong and where; {@link #kind()} says which rule was broken, so callers can answer
 * with the right status and reason without parsing text.
 */
public final class MalformedMessageException extends X402Exception {
  private static final long serialVersionUID = 1L;

  /** Which rule the input broke. */
  public enum Kind {
    /** The header or body is longer than the configured limit; it was not decoded. */
    TOO_LARGE,
    /** The header is not standard, padded base64. */
    BAD_BASE64,
    /** The header uses the URL-safe base64 alphabet ({@code -} and {@code _}). */
    URL_SAFE_BASE64,
    /** The decoded bytes are not UTF-8 JSON, or the JSON is not an object. */
    NOT_JSON,
    /** A field has the wrong JSON type (a number where a string is required, …). */
    WRONG_TYPE,
    /** A required field is absent or null. */
    MISSING_FIELD,
    /** A field has the right type but an invalid value (an empty scheme, a bad network, …). */
    INVALID_VALUE,
    /** An amount is not a decimal string of digits. */
    INVALID_AMOUNT,
    /** An amount is negative. */
    NEGATIVE_AMOUNT,
    /** An amount is larger than the uint256 maximum. */
    AMOUNT_OUT_OF_RANGE,
    /** {@code x402Version} is not one this message type supports. */
    UNSUPPORTED_VERSION
  }

  private final Kind kind;
  private final String field;

  /**
   * @param kind which rule was broken
   * @param field the JSON path of the offending field ({@code accepts[0].amount}), or empty for the
   *     message as a whole
   * @param message a sentence naming the problem and the input
   */
  public MalformedMessageException(Kind kind, String field, String message) {
    super(message);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.field = field == null ? "" : field;
  }

  /** Which rule the input broke. */
  public Kind kind() {
    return kind;
  }

  /** The JSON path of the offending field, or the empty string for the message as a whole. */
  public String field() {
    return field;
  }

  /**
   * The wire reason to report for this problem: {@code invalid_x402_version} for an unsupported
   * version, {@code invalid_payment_requirements} for a problem inside {@code paymentRequirements},
   * and {@code invalid_payload} otherwise.
   */
  public ErrorReason reason() {
    if (kind == Kind.UNSUPPORTED_VERSION) {
      return ErrorReason.INVALID_X402_VERSION;
    }
    if (field.startsWith("paymentRequirements")) {
      return ErrorReason.INVALID_PAYMENT_REQUIREMENTS;
    }
    return ErrorReason.INVALID_PAYLOAD;
  }
}
