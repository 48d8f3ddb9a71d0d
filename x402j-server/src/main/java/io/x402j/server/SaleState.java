package io.x402j.server;

/** What became of a paid request, as the {@link SalesRecord} is told. */
public enum SaleState {
  /** The payment was verified and the request handed to its handler. */
  ADMITTED,
  /** The payment was settled: the money moved. */
  SETTLED,
  /** The payment bought nothing (invalid, used, refused by the facilitator, handler failed). */
  REFUSED,
  /** The settlement was broadcast or asked for, and its outcome is not known yet. */
  PENDING;

  /** The lower-case name kept in stores and shown on pages, e.g. {@code settled}. */
  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * The state named {@code text} ({@link #wire()} form, any case).
   *
   * @throws IllegalArgumentException naming the text, for an unknown state
   */
  public static SaleState parse(String text) {
    for (SaleState s : values()) {
      if (s.name().equalsIgnoreCase(text)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown sale state "
            + io.x402j.core.support.Text.quote(text)
            + " (admitted, settled, refused or pending)");
  }
}
