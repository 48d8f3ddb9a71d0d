package io.x402j.core.support;

import java.math.BigDecimal;

/**
 * Rules for untrusted text: quoting it inside error messages and log lines (control, bidi and
 * line-separator characters escaped), and reading digits as ASCII only.
 */
public final class Text {
  private static final int MAX_EXCERPT = 80;

  private Text() {}

  /**
   * Returns {@code value} quoted for an error message: shortened to a readable length and with
   * control characters escaped, so hostile input can neither flood a log nor forge log lines.
   */
  public static String quote(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_EXCERPT) + 8).append('\'');
    int limit = Math.min(value.length(), MAX_EXCERPT);
    for (int i = 0; i < limit; i++) {
      char c = value.charAt(i);
      if (needsEscape(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (value.length() > MAX_EXCERPT) {
      out.append("…(").append(value.length()).append(" chars)");
    }
    return out.append('\'').toString();
  }

  /**
   * The value of the ASCII hex digit {@code c}, or -1 for anything else. Never {@code
   * Character.digit}, which also reads '１' and '١' as digits.
   */
  public static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /**
   * Characters that could forge or hide text in a log line or a terminal: C0 and C1 controls, line
   * and paragraph separators, bidirectional overrides and isolates, and the quote itself.
   */
  private static boolean needsEscape(char c) {
    return c < 0x20
        || c >= 0x7f && c <= 0x9f
        || c == 0x2028
        || c == 0x2029
        || c >= 0x202a && c <= 0x202e
        || c >= 0x2066 && c <= 0x2069
        || c == '\'';
  }

  /**
   * Says where {@code value} leaves ASCII, e.g. {@code contains a non-ASCII character U+FF11 at
   * index 9}, or returns {@code null} when it is all ASCII. Wire values that are numbers or hex
   * must be ASCII: {@code Character.digit} and {@code BigInteger} also read '１' (full-width) and
   * '١' (Arabic-Indic) as 1, which would give one value many spellings.
   */
  public static String nonAscii(String value) {
    if (value == null) {
      return null;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c > 0x7f) {
        return String.format(
            java.util.Locale.ROOT,
            "contains a non-ASCII character U+%04X at index %d",
            value.codePointAt(i),
            i);
      }
    }
    return null;
  }

  /**
   * Returns {@code value} in plain digits when that is short, in scientific notation otherwise:
   * {@code 1E+999999999} written out would take a gigabyte.
   */
  public static String decimal(BigDecimal value) {
    long scale = value.scale();
    return Math.abs(scale) <= 100 ? value.toPlainString() : value.toString();
  }
}
