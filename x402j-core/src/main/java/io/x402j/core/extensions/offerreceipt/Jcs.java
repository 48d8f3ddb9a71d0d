package io.x402j.core.extensions.offerreceipt;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * JSON Canonicalization Scheme (RFC 8785) for the values offer and receipt payloads hold: strings,
 * integers, booleans, {@code null}, lists and maps (keys sorted by UTF-16 code units, as RFC 8785
 * and {@code @x402/extensions} sort them). Fractions are refused: no payload field is one.
 */
public final class Jcs {
  private Jcs() {}

  /** The canonical JSON text of {@code value}. */
  public static String canonicalize(Object value) {
    StringBuilder out = new StringBuilder();
    write(out, value);
    return out.toString();
  }

  private static void write(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof Boolean) {
      out.append(value);
    } else if (value instanceof Long || value instanceof Integer || value instanceof BigInteger) {
      BigInteger n =
          value instanceof BigInteger
              ? (BigInteger) value
              : BigInteger.valueOf(((Number) value).longValue());
      if (n.abs().bitLength() > 53) {
        throw new IllegalArgumentException(
            "integer " + n + " is beyond what JSON numbers hold exactly");
      }
      out.append(n);
    } else if (value instanceof String) {
      string(out, (String) value);
    } else if (value instanceof List) {
      out.append('[');
      boolean first = true;
      for (Object item : (List<?>) value) {
        if (!first) {
          out.append(',');
        }
        first = false;
        write(out, item);
      }
      out.append(']');
    } else if (value instanceof Map) {
      List<String> keys = new ArrayList<>();
      for (Object k : ((Map<?, ?>) value).keySet()) {
        keys.add((String) k);
      }
      keys.sort(null); // String.compareTo compares UTF-16 code units, as RFC 8785 requires
      out.append('{');
      boolean first = true;
      for (String k : keys) {
        if (!first) {
          out.append(',');
        }
        first = false;
        string(out, k);
        out.append(':');
        write(out, ((Map<?, ?>) value).get(k));
      }
      out.append('}');
    } else {
      throw new IllegalArgumentException(
          "cannot canonicalize a " + value.getClass().getSimpleName());
    }
  }

  private static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
