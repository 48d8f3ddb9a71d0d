package io.x402j.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.support.JsonValues;
import io.x402j.core.support.Text;
import io.x402j.core.wire.MalformedMessageException;
import io.x402j.core.wire.MalformedMessageException.Kind;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the fields of one JSON object of an untrusted x402 message. Every failure is a {@link
 * MalformedMessageException} that names the field by its path ({@code accepts[0].amount}) and says
 * what was expected. Fields not read are returned by {@link #remaining()}, so unknown fields
 * survive a round trip. Not part of the x402j API.
 */
public final class JsonFields {
  private final JsonNode node;
  private final String path;
  private final Set<String> read = new HashSet<>();

  private JsonFields(JsonNode node, String path) {
    this.node = node;
    this.path = path;
  }

  /**
   * Wraps {@code node}, which must be a JSON object.
   *
   * @param path the node's path for messages; empty for the document root
   */
  public static JsonFields of(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      if (path.isEmpty()) {
        throw new MalformedMessageException(
            Kind.NOT_JSON, "", "expected a JSON object, got " + describe(node));
      }
      throw new MalformedMessageException(
          Kind.WRONG_TYPE, path, path + " must be an object, got " + describe(node));
    }
    return new JsonFields(node, path);
  }

  /** The path of a field of this object. */
  public String pathOf(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private JsonNode get(String name) {
    read.add(name);
    JsonNode value = node.get(name);
    return value == null || value.isNull() ? null : value;
  }

  /** Whether the field is present with a non-null value. */
  public boolean has(String name) {
    JsonNode value = node.get(name);
    return value != null && !value.isNull();
  }

  private MalformedMessageException missing(String name, String what) {
    return new MalformedMessageException(
        Kind.MISSING_FIELD,
        pathOf(name),
        "required field " + pathOf(name) + " (" + what + ") is missing");
  }

  private MalformedMessageException wrongType(String name, String expected, JsonNode value) {
    return new MalformedMessageException(
        Kind.WRONG_TYPE,
        pathOf(name),
        pathOf(name) + " must be " + expected + ", got " + describe(value));
  }

  /** A required string field; may be empty. */
  public String requireString(String name) {
    JsonNode value = get(name);
    if (value == null) {
      throw missing(name, "a string");
    }
    if (!value.isTextual()) {
      throw wrongType(name, "a string", value);
    }
    return value.textValue();
  }

  /** A required non-empty string field. */
  public String requireNonEmptyString(String name) {
    String value = requireString(name);
    if (value.isEmpty()) {
      throw new MalformedMessageException(
          Kind.INVALID_VALUE, pathOf(name), pathOf(name) + " must not be empty");
    }
    return value;
  }

  /** An optional string field: {@code null} when absent or JSON null. */
  public String optionalString(String name) {
    JsonNode value = get(name);
    if (value == null) {
      return null;
    }
    if (!value.isTextual()) {
      throw wrongType(name, "a string", value);
    }
    return value.textValue();
  }

  /** A required boolean field. */
  public boolean requireBoolean(String name) {
    JsonNode value = get(name);
    if (value == null) {
      throw missing(name, "true or false");
    }
    if (!value.isBoolean()) {
      throw wrongType(name, "true or false", value);
    }
    return value.booleanValue();
  }

  /**
   * A required positive whole number that fits an {@code int}; {@code 60.0} is accepted as 60, as
   * JavaScript peers treat it.
   */
  public int requirePositiveInt(String name) {
    JsonNode value = get(name);
    if (value == null) {
      throw missing(name, "a positive whole number");
    }
    if (!value.isNumber()) {
      throw wrongType(name, "a positive whole number", value);
    }
    BigDecimal number = value.decimalValue();
    if (number.signum() <= 0
        || number.stripTrailingZeros().scale() > 0
        || number.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
      throw new MalformedMessageException(
          Kind.INVALID_VALUE,
          pathOf(name),
          pathOf(name) + " must be a positive whole number, got " + value.asText());
    }
    return number.intValue();
  }

  /**
   * A required whole number from 0 to {@code max}, such as a count or an offset; {@code 10.0} is
   * accepted as 10, as JavaScript peers write it.
   */
  public long requireCount(String name, long max) {
    JsonNode value = get(name);
    if (value == null) {
      throw missing(name, "a whole number");
    }
    if (!value.isNumber()) {
      throw wrongType(name, "a whole number", value);
    }
    BigDecimal number = value.decimalValue();
    if (number.signum() < 0
        || number.stripTrailingZeros().scale() > 0
        || number.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw new MalformedMessageException(
          Kind.INVALID_VALUE,
          pathOf(name),
          pathOf(name) + " must be a whole number from 0 to " + max + ", got " + value.asText());
    }
    return number.longValueExact();
  }

  /**
   * The protocol version: a required whole number that must be one of {@code supported}.
   *
   * @param messageType the message name for the error, e.g. "PAYMENT-SIGNATURE"
   */
  public int requireVersion(String name, String messageType, int... supported) {
    JsonNode value = get(name);
    if (value == null) {
      throw missing(name, "the x402 protocol version");
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw wrongType(name, "a whole number", value);
    }
    int version = value.intValue();
    for (int candidate : supported) {
      if (candidate == version) {
        return version;
      }
    }
    StringBuilder accepted = new StringBuilder();
    for (int i = 0; i < supported.length; i++) {
      accepted.append(i == 0 ? "" : " or ").append(supported[i]);
    }
    throw new MalformedMessageException(
        Kind.UNSUPPORTED_VERSION,
        pathOf(name),
        messageType + " has x402Version " + version + "; supported: " + accepted);
  }

  /** A required amount: a string of decimal digits within uint256. */
  public TokenAmount requireAmount(String name) {
    JsonNode value = get(name);
    if (value == null) {
      throw missing(name, "an amount in atomic units, as a string");
    }
    if (!value.isTextual()) {
      throw wrongType(name, "an amount in atomic units as a decimal string", value);
    }
    return amount(name, value.textValue());
  }

  /** An optional amount; {@code null} when absent. */
  public TokenAmount optionalAmount(String name) {
    JsonNode value = get(name);
    if (value == null) {
      return null;
    }
    if (!value.isTextual()) {
      throw wrongType(name, "an amount in atomic units as a decimal string", value);
    }
    return amount(name, value.textValue());
  }

  private TokenAmount amount(String name, String text) {
    try {
      return TokenAmount.parse(text);
    } catch (TokenAmount.InvalidAmountException e) {
      Kind kind;
      switch (e.problem()) {
        case NEGATIVE:
          kind = Kind.NEGATIVE_AMOUNT;
          break;
        case TOO_LARGE:
          kind = Kind.AMOUNT_OUT_OF_RANGE;
          break;
        default:
          kind = Kind.INVALID_AMOUNT;
          break;
      }
      throw new MalformedMessageException(kind, pathOf(name), pathOf(name) + ": " + e.getMessage());
    }
  }

  /** A required CAIP-2 network string. */
  public Network requireNetwork(String name) {
    String text = requireString(name);
    try {
      return Network.parse(text);
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException(
          Kind.INVALID_VALUE, pathOf(name), pathOf(name) + ": " + e.getMessage());
    }
  }

  /** A required nested object. */
  public JsonFields requireObject(String name) {
    JsonNode value = get(name);
    if (value == null) {
      throw missing(name, "an object");
    }
    return of(value, pathOf(name));
  }

  /** An optional nested object; {@code null} when absent or JSON null. */
  public JsonFields optionalObject(String name) {
    JsonNode value = get(name);
    return value == null ? null : of(value, pathOf(name));
  }

  /** A required free-form object as canonical values. */
  public Map<String, Object> requireMap(String name) {
    JsonNode value = get(name);
    if (value == null) {
      throw missing(name, "an object");
    }
    if (!value.isObject()) {
      throw wrongType(name, "an object", value);
    }
    return castMap(JsonValues.fromNode(value));
  }

  /** An optional free-form object; {@code null} when absent or JSON null. */
  public Map<String, Object> optionalMap(String name) {
    JsonNode value = get(name);
    if (value == null) {
      return null;
    }
    if (!value.isObject()) {
      throw wrongType(name, "an object", value);
    }
    return castMap(JsonValues.fromNode(value));
  }

  /** A required array; each element is passed with its path. */
  public List<Element> requireArray(String name) {
    JsonNode value = get(name);
    if (value == null) {
      throw missing(name, "an array");
    }
    return array(name, value);
  }

  /** An optional array; empty when absent or JSON null. */
  public List<Element> optionalArray(String name) {
    JsonNode value = get(name);
    return value == null ? List.of() : array(name, value);
  }

  private List<Element> array(String name, JsonNode value) {
    if (!value.isArray()) {
      throw wrongType(name, "an array", value);
    }
    List<Element> elements = new ArrayList<>(value.size());
    for (int i = 0; i < value.size(); i++) {
      elements.add(new Element(value.get(i), pathOf(name) + "[" + i + "]"));
    }
    return elements;
  }

  /** The names of all fields of this object, in document order. */
  public List<String> fieldNames() {
    List<String> names = new ArrayList<>(node.size());
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** The fields not read so far, as canonical values in document order. */
  public Map<String, Object> remaining() {
    Map<String, Object> rest = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      if (!read.contains(field.getKey())) {
        rest.put(field.getKey(), JsonValues.fromNode(field.getValue()));
      }
    }
    return rest.isEmpty() ? Map.of() : Collections.unmodifiableMap(rest);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object value) {
    return (Map<String, Object>) value;
  }

  /** Describes a JSON value's type for an error message. */
  public static String describe(JsonNode value) {
    if (value == null || value.isMissingNode()) {
      return "nothing";
    }
    switch (value.getNodeType()) {
      case NULL:
        return "null";
      case STRING:
        return "the string " + Text.quote(value.textValue());
      case NUMBER:
        return "the number " + Text.quote(value.asText());
      case BOOLEAN:
        return value.asText();
      case ARRAY:
        return "an array";
      case OBJECT:
        return "an object";
      default:
        return value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One element of an array, with its path. */
  public static final class Element {
    private final JsonNode node;
    private final String path;

    Element(JsonNode node, String path) {
      this.node = node;
      this.path = path;
    }

    /** The element as an object. */
    public JsonFields object() {
      return JsonFields.of(node, path);
    }

    /** The element as a string. */
    public String string() {
      if (!node.isTextual()) {
        throw new MalformedMessageException(
            Kind.WRONG_TYPE, path, path + " must be a string, got " + describe(node));
      }
      return node.textValue();
    }
  }
}
