package io.x402j.core.support;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Free-form JSON values (the {@code extra}, {@code extensions} and unknown fields of x402 messages)
 * held as plain Java objects in one canonical form, so that two values that JSON considers equal
 * are {@link Object#equals equal} in Java too.
 *
 * <p>Canonical form: {@code null}, {@link String}, {@link Boolean}, {@link Long} for integers that
 * fit, {@link BigInteger} for larger integers, {@link BigDecimal} (without trailing zeros) for
 * fractions, unmodifiable {@link List} and insertion-ordered unmodifiable {@link Map} with string
 * keys. Like JavaScript, {@code 1.0} and {@code 1} are the same number; map key order does not
 * affect equality.
 */
public final class JsonValues {
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private JsonValues() {}

  /**
   * Returns an unmodifiable canonical copy of a JSON object given as a map, or {@code null} for
   * {@code null}.
   *
   * @throws IllegalArgumentException if a value is not representable in JSON; the message names the
   *     key
   */
  public static Map<String, Object> canonicalObject(Map<String, ?> map, String what) {
    if (map == null) {
      return null;
    }
    return canonicalMap(map, what);
  }

  /** Like {@link #canonicalObject} but maps {@code null} to an empty map. */
  public static Map<String, Object> canonicalObjectOrEmpty(Map<String, ?> map, String what) {
    return map == null ? Map.of() : canonicalMap(map, what);
  }

  /** Returns the canonical form of one JSON value. */
  public static Object canonical(Object value, String path) {
    if (value == null || value instanceof String || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Number) {
      return canonicalNumber((Number) value, path);
    }
    if (value instanceof Map) {
      @SuppressWarnings("unchecked")
      Map<Object, ?> map = (Map<Object, ?>) value;
      for (Object key : map.keySet()) {
        if (!(key instanceof String)) {
          throw new IllegalArgumentException(path + " has a non-string key " + key);
        }
      }
      @SuppressWarnings("unchecked")
      Map<String, ?> stringKeyed = (Map<String, ?>) value;
      return canonicalMap(stringKeyed, path);
    }
    if (value instanceof List) {
      List<?> list = (List<?>) value;
      List<Object> copy = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        copy.add(canonical(list.get(i), path + "[" + i + "]"));
      }
      return Collections.unmodifiableList(copy);
    }
    if (value instanceof JsonNode) {
      return fromNode((JsonNode) value);
    }
    throw new IllegalArgumentException(
        path + " holds a " + value.getClass().getName() + ", which is not a JSON value");
  }

  private static Map<String, Object> canonicalMap(Map<String, ?> map, String path) {
    Map<String, Object> copy = new LinkedHashMap<>(Math.max(4, map.size() * 2));
    for (Map.Entry<String, ?> entry : map.entrySet()) {
      if (entry.getKey() == null) {
        throw new IllegalArgumentException(path + " has a null key");
      }
      copy.put(entry.getKey(), canonical(entry.getValue(), path + "." + entry.getKey()));
    }
    return Collections.unmodifiableMap(copy);
  }

  private static Object canonicalNumber(Number number, String path) {
    if (number instanceof Long
        || number instanceof Integer
        || number instanceof Short
        || number instanceof Byte) {
      return number.longValue();
    }
    if (number instanceof BigInteger) {
      return fromBigInteger((BigInteger) number);
    }
    BigDecimal decimal;
    if (number instanceof BigDecimal) {
      decimal = (BigDecimal) number;
    } else if (number instanceof Double || number instanceof Float) {
      double d = number.doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException(path + " is " + d + ", which JSON cannot represent");
      }
      decimal = new BigDecimal(number.toString());
    } else {
      throw new IllegalArgumentException(
          path + " holds a " + number.getClass().getName() + ", which is not a JSON number");
    }
    if (decimal.signum() == 0) {
      return 0L;
    }
    BigDecimal stripped = decimal.stripTrailingZeros();
    if (stripped.scale() <= 0) {
      return fromBigInteger(stripped.toBigIntegerExact());
    }
    return stripped;
  }

  private static Object fromBigInteger(BigInteger value) {
    if (value.compareTo(LONG_MIN) >= 0 && value.compareTo(LONG_MAX) <= 0) {
      return value.longValue();
    }
    return value;
  }

  /** Converts a parsed JSON tree into canonical form. */
  public static Object fromNode(JsonNode node) {
    switch (node.getNodeType()) {
      case NULL:
      case MISSING:
        return null;
      case STRING:
        return node.textValue();
      case BOOLEAN:
        return node.booleanValue();
      case NUMBER:
        if (node.isIntegralNumber()) {
          return fromBigInteger(node.bigIntegerValue());
        }
        return canonicalNumber(node.decimalValue(), "");
      case ARRAY:
        {
          List<Object> list = new ArrayList<>(node.size());
          for (JsonNode element : node) {
            list.add(fromNode(element));
          }
          return Collections.unmodifiableList(list);
        }
      case OBJECT:
        {
          Map<String, Object> map = new LinkedHashMap<>(Math.max(4, node.size() * 2));
          for (Map.Entry<String, JsonNode> field : node.properties()) {
            map.put(field.getKey(), fromNode(field.getValue()));
          }
          return Collections.unmodifiableMap(map);
        }
      default:
        // BINARY and POJO nodes never come out of the parser.
        throw new IllegalArgumentException("unsupported JSON node " + node.getNodeType());
    }
  }

  /** Writes a canonical value with a streaming generator. */
  public static void write(JsonGenerator out, Object value) throws IOException {
    if (value == null) {
      out.writeNull();
    } else if (value instanceof String) {
      out.writeString((String) value);
    } else if (value instanceof Boolean) {
      out.writeBoolean((Boolean) value);
    } else if (value instanceof Long) {
      out.writeNumber((Long) value);
    } else if (value instanceof BigInteger) {
      out.writeNumber((BigInteger) value);
    } else if (value instanceof BigDecimal) {
      out.writeNumber((BigDecimal) value);
    } else if (value instanceof Map) {
      out.writeStartObject();
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
        out.writeFieldName((String) entry.getKey());
        write(out, entry.getValue());
      }
      out.writeEndObject();
    } else if (value instanceof List) {
      out.writeStartArray();
      for (Object element : (List<?>) value) {
        write(out, element);
      }
      out.writeEndArray();
    } else {
      // Values are canonicalised on the way in, so this is a programming error.
      throw new IllegalStateException("not a canonical JSON value: " + value.getClass());
    }
  }
}
