package io.x402j.core.wire;

import io.x402j.core.ErrorReason;
import io.x402j.core.internal.Checks;
import io.x402j.core.support.JsonValues;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A facilitator's answer to {@code /verify} (both protocol versions). An invalid payment is a
 * normal answer with {@code isValid} false and a reason, not an error.
 *
 * @param isValid whether the payment would settle
 * @param invalidReason the reason it would not ({@link ErrorReason} wire string), or {@code null}
 * @param invalidMessage a human-readable explanation, or {@code null}
 * @param payer the payer's address, or {@code null} when unknown
 * @param extensions extension data, or {@code null}
 * @param additionalFields fields this version of x402j does not model
 */
public record VerifyResponse(
    boolean isValid,
    String invalidReason,
    String invalidMessage,
    String payer,
    Map<String, Object> extensions,
    Map<String, Object> additionalFields) {

  static final Set<String> FIELDS =
      Set.of("isValid", "invalidReason", "invalidMessage", "payer", "extensions");

  /** Copies the maps. */
  public VerifyResponse {
    extensions = JsonValues.canonicalObject(extensions, "extensions");
    additionalFields = Checks.additionalFields(additionalFields, FIELDS, "VerifyResponse");
  }

  /** The payment is valid. */
  public static VerifyResponse valid(String payer) {
    return new VerifyResponse(true, null, null, payer, null, Map.of());
  }

  /** The payment is invalid for {@code reason}; the message defaults to its description. */
  public static VerifyResponse invalid(ErrorReason reason, String message, String payer) {
    Objects.requireNonNull(reason, "reason");
    return new VerifyResponse(
        false,
        reason.wire(),
        message == null ? reason.description() : message,
        payer,
        null,
        Map.of());
  }

  /** The reason as a known constant; empty when valid or when the peer sent an unknown string. */
  public Optional<ErrorReason> reason() {
    return ErrorReason.fromWire(invalidReason);
  }
}
