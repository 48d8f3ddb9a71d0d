package io.x402j.facilitator.internal;

import io.x402j.core.support.Text;

/** Rejection reasons safe to send in a header and to log. Not part of the x402j API. */
final class Reasons {
  static final int MAX_LENGTH = 300;

  private Reasons() {}

  /** {@code text} as printable ASCII (others escaped as {@code \\uXXXX}), cut to a bound. */
  static String safe(String text) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_LENGTH));
    for (int i = 0; i < text.length() && out.length() < MAX_LENGTH; i++) {
      char c = text.charAt(i);
      if (c >= 0x20 && c < 0x7f) {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    if (out.length() >= MAX_LENGTH) {
      out.setLength(MAX_LENGTH - 1);
      out.append('~');
    }
    return out.toString();
  }

  /** A short quoted excerpt of sender-chosen text. */
  static String excerpt(String text) {
    return Text.quote(text);
  }
}
