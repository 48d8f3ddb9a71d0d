package io.x402j.server;

import java.util.Objects;

/**
 * A {@link GateExtension}'s answer to a request that asks to be served without payment (e.g. a
 * wallet sign-in): {@link Granted}, or {@link Denied} with what is wrong.
 */
public sealed interface PaymentWaiver {
  /**
   * Serve the request without payment: the gate lets it through as free, verifying and settling
   * nothing. The grant reaches the application: {@link GateDecision.Free#waiver()}, the servlet
   * filter's request attribute {@code io.x402j.signedIn}, the HTTP gateway's {@code
   * X-Payment-Signed-In} header to the upstream.
   *
   * @param subject who was admitted (e.g. the signed-in wallet's canonical address)
   * @param network the CAIP-2 network the subject signed in on, or {@code null} when the subject is
   *     not an account of a network
   */
  record Granted(String subject, String network) implements PaymentWaiver {
    /** Validates the fields. */
    public Granted {
      Objects.requireNonNull(subject, "subject");
    }

    /** A grant to {@code subject}, of no particular network. */
    public Granted(String subject) {
      this(subject, null);
    }

    /**
     * The subject as one string: a CAIP-10 account id ({@code eip155:8453:0xAbC…}, {@code
     * solana:5eykt4Us…:7xKX…}) when it has a network, else the subject.
     */
    public String account() {
      return network == null ? subject : network + ":" + subject;
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

  /** A grant for the account {@code address} on the CAIP-2 {@code network}. */
  static PaymentWaiver granted(String address, String network) {
    return new Granted(address, Objects.requireNonNull(network, "network"));
  }

  /** A denial with {@code reason} and {@code message}. */
  static PaymentWaiver denied(String reason, String message) {
    return new Denied(new ExtensionRefusal(reason, message));
  }
}
