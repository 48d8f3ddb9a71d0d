package io.x402j.core.extensions.offerreceipt;

import java.math.BigInteger;
import java.util.Map;

/** Strict reads of payload fields. */
final class Fields {
  private Fields() {}

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(Object value, String what) {
    if (!(value instanceof Map)) {
      throw new IllegalArgumentException(what + " is not a JSON object");
    }
    return (Map<String, Object>) value;
  }

  static String string(Map<String, Object> m, String field) {
    Object v = m.get(field);
    if (!(v instanceof String)) {
      throw new IllegalArgumentException(
          v == null ? field + " is missing" : field + " is not a string");
    }
    return (String) v;
  }

  static long uint(Map<String, Object> m, String field, boolean required) {
    Object v = m.get(field);
    if (v == null) {
      if (required) {
        throw new IllegalArgumentException(field + " is missing");
      }
      return 0;
    }
    if (v instanceof Long || v instanceof Integer) {
      long n = ((Number) v).longValue();
      if (n >= 0) {
        return n;
      }
    }
    if (v instanceof BigInteger) {
      throw new IllegalArgumentException(field + " is too large");
    }
    throw new IllegalArgumentException(field + " is not a non-negative integer");
  }
}
