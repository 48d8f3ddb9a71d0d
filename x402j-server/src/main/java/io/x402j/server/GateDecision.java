package io.x402j.server;

/**
 * What the gate decided about a request: it is {@link Free}, it must be answered with a {@link
 * Respond response} (a 402 or an error), or it is paid and {@link Admit admitted} to its handler,
 * whose response must then be buffered until {@link Admission#complete} says it may be released.
 */
public sealed interface GateDecision {
  /**
   * No route charges for this request, or an extension waived its payment: let it through
   * untouched.
   *
   * @param waiver the extension's grant when a paid route was waived (e.g. a wallet signed in with
   *     sign-in-with-x), for the application to know who it serves; {@code null} when the request
   *     is simply free
   */
  record Free(PaymentWaiver.Granted waiver) implements GateDecision {
    /** A request no route charges for. */
    public Free() {
      this(null);
    }
  }

  /** Answer with {@code response}; do not run the handler. */
  record Respond(GateResponse response) implements GateDecision {}

  /** The payment verified: run the handler with its response buffered, then complete. */
  record Admit(Admission admission) implements GateDecision {}
}
