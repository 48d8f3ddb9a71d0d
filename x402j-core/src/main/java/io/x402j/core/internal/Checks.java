package io.x402j.core.internal;

import io.x402j.core.support.JsonValues;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Argument checks shared by the wire records. Not part of the x402j API. */
public final class Checks {
  private Checks() {}

  /** Requires a non-null, non-empty string. */
  public static String nonEmpty(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isEmpty()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
    return value;
  }

  /** Requires a positive number of seconds. */
  public static int positive(int value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
    return value;
  }

  /**
   * Returns a canonical copy of the unknown fields of a message, refusing names that the record
   * already models (they would be written twice).
   */
  public static Map<String, Object> additionalFields(
      Map<String, ?> fields, Set<String> known, String what) {
    Map<String, Object> copy = JsonValues.canonicalObjectOrEmpty(fields, what);
    for (String name : copy.keySet()) {
      if (known.contains(name)) {
        throw new IllegalArgumentException(
            what + " additional fields must not contain the modelled field '" + name + "'");
      }
    }
    return copy;
  }
}
