package io.x402j.server;

import java.util.Map;

/**
 * What to do with a buffered handler response once the payment is dealt with: {@link Release} it
 * (with the receipt headers), or {@link Refuse} it and send another answer instead.
 */
public sealed interface Completion {
  /**
   * Send the handler's response, adding {@code headers} (the receipt, when a payment was settled).
   *
   * @param headers headers to add to the handler's response
   * @param settled whether a payment was settled for this response (when not, the handler failed
   *     and nothing was charged)
   */
  record Release(Map<String, String> headers, boolean settled) implements Completion {
    /** Copies the headers. */
    public Release {
      headers = Map.copyOf(headers);
    }

    /**
     * The {@code Cache-Control} value for a settled response: the handler's own, marked {@code
     * private} so shared caches never hand a paid response to somebody else.
     *
     * @param handlerValue the handler's {@code Cache-Control}, or {@code null}
     */
    public String cacheControl(String handlerValue) {
      if (!settled) {
        return handlerValue;
      }
      if (handlerValue == null || handlerValue.isBlank()) {
        return "private";
      }
      for (String directive : handlerValue.split(",")) {
        String d = directive.strip().toLowerCase(java.util.Locale.ROOT);
        if (d.equals("private") || d.equals("no-store")) {
          return handlerValue;
        }
      }
      return handlerValue + ", private";
    }
  }

  /** Discard the handler's response, headers and body, and send {@code response} instead. */
  record Refuse(GateResponse response) implements Completion {}
}
