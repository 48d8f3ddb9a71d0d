package io.x402j.server;

import java.util.Objects;

/**
 * A {@link GateExtension}'s answer to a request that asks to be served without payment (e.g. a
 * wallet sign-in): {@link Granted}, or {@link Denied} with what is wrong.
 */
public sealed interface PaymentWaiver {
  /**
   * Serve the request without payment: the gate lets it through as free, verifying and settling
   * nothing.
   *
   * @param subject who was admitted (e.g. the signed-in address), for logs
   */
  record Granted(String subject) implements PaymentWaiver {
    /** Validates the fields. */
    public Granted {
      Objects.requireNonNull(subject, "subject");
    }
  }

  /**
   * Do not waive payment. A request that carries a payment goes on to pay; one that does not is
   * answered with the route's 402, whose {@code error} names the extension and {@code refusal}'s
   * message.
   *
   * @param refusal why
   */
  record Denied(ExtensionRefusal refusal) implements PaymentWaiver {
    /** Validates the fields. */
    public Denied {
      Objects.requireNonNull(refusal, "refusal");
    }
  }

  /** A grant for {@code subject}. */
  static PaymentWaiver granted(String subject) {
    return new Granted(subject);
  }

  /** A denial with {@code reason} and {@code message}. */
  static PaymentWaiver denied(String reason, String message) {
    return new Denied(new ExtensionRefusal(reason, message));
  }
}
