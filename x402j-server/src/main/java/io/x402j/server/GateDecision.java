package io.x402j.server;

/**
 * What the gate decided about a request: it is {@link Free}, it must be answered with a {@link
 * Respond response} (a 402 or an error), or it is paid and {@link Admit admitted} to its handler,
 * whose response must then be buffered until {@link Admission#complete} says it may be released.
 */
public sealed interface GateDecision {
  /** No route charges for this request: let it through untouched. */
  record Free() implements GateDecision {}

  /** Answer with {@code response}; do not run the handler. */
  record Respond(GateResponse response) implements GateDecision {}

  /** The payment verified: run the handler with its response buffered, then complete. */
  record Admit(Admission admission) implements GateDecision {}
}
