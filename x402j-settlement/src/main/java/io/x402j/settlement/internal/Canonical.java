package io.x402j.settlement.internal;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The checks every string a ledger stores must pass, so that one value has one spelling and fits
 * the columns of every ledger. Not part of the x402j API.
 */
public final class Canonical {
  /** The most scheme-specific details one record or submission carries. */
  public static final int MAX_DETAILS = 16;

  /** The longest value of a detail. */
  public static final int MAX_DETAIL_LENGTH = 512;

  private static final Pattern DETAIL_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,31}");

  private Canonical() {}

  /**
   * Returns {@code value} if it is a token: 1 to {@code max} printable ASCII characters without
   * whitespace.
   *
   * @throws IllegalArgumentException naming {@code what} otherwise
   */
  public static String token(String value, String what, int max) {
    Objects.requireNonNull(value, what);
    if (value.isEmpty() || value.length() > max) {
      throw new IllegalArgumentException(
          what + " must have 1 to " + max + " characters, got " + value.length());
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        throw new IllegalArgumentException(
            what + " must be printable ASCII without spaces; character " + i + " is not");
      }
    }
    return value;
  }

  /** {@link #token}, or {@code null} for {@code null}. */
  public static String optionalToken(String value, String what, int max) {
    return value == null ? null : token(value, what, max);
  }

  /**
   * An immutable, sorted copy of {@code details}: at most {@value #MAX_DETAILS} entries, names of a
   * letter then up to 31 letters, digits, {@code _ . -}, values {@link #token tokens} of at most
   * {@value #MAX_DETAIL_LENGTH} characters.
   */
  public static Map<String, String> details(Map<String, String> details, String what) {
    if (details == null || details.isEmpty()) {
      return Map.of();
    }
    if (details.size() > MAX_DETAILS) {
      throw new IllegalArgumentException(
          what + " may hold at most " + MAX_DETAILS + " entries, got " + details.size());
    }
    TreeMap<String, String> copy = new TreeMap<>();
    for (Map.Entry<String, String> e : details.entrySet()) {
      String name = Objects.requireNonNull(e.getKey(), what + " name");
      if (!DETAIL_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(what + " has an invalid name");
      }
      copy.put(name, token(e.getValue(), what + " " + name, MAX_DETAIL_LENGTH));
    }
    return java.util.Collections.unmodifiableSortedMap(copy);
  }
}
