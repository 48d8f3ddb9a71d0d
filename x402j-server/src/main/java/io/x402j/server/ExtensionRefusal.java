package io.x402j.server;

import java.util.Objects;

/**
 * Why a {@link GateExtension} refuses a payment's echo. The gate answers 402 whose {@code error}
 * names the extension and carries {@code message}; listeners are told {@code reason}.
 *
 * @param reason a short machine-readable reason in the style of the protocol's error reasons, e.g.
 *     {@code invalid_payload} or {@code payment_identifier_required}
 * @param message what is wrong, for the payer (no secrets, no internals)
 */
public record ExtensionRefusal(String reason, String message) {
  /** Validates the fields. */
  public ExtensionRefusal {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
    if (reason.isBlank()) {
      throw new IllegalArgumentException("an extension refusal needs a reason");
    }
  }

  /** A refusal with the reason {@code invalid_payload}. */
  public static ExtensionRefusal invalid(String message) {
    return new ExtensionRefusal("invalid_payload", message);
  }
}
