package io.x402j.config.internal;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.regex.Pattern;

/** Number syntax of settings: ASCII digits only, bounded length. Not part of the x402j API. */
public final class Numbers {
  private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]{1,9})?");

  private Numbers() {}

  /** Whether {@code text} is an optional sign and ASCII digits. */
  public static boolean isInteger(String text) {
    return INTEGER.matcher(text).matches();
  }

  /**
   * The decimal {@code text} spells, or {@code null}. {@code BigDecimal} alone would also read '１'
   * (full-width) as 1; the result is not expanded, so {@code 1e999999999} costs nothing.
   */
  public static BigDecimal decimal(String text) {
    String s = Objects.requireNonNull(text, "text").strip();
    if (s.length() > 100 || !DECIMAL.matcher(s).matches()) {
      return null;
    }
    try {
      return new BigDecimal(s);
    } catch (NumberFormatException e) { // an exponent beyond an int's range
      return null;
    }
  }
}
