package io.x402j.mcp.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.x402j.core.wire.MalformedMessageException;
import io.x402j.core.wire.MalformedMessageException.Kind;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Moves x402 messages between the JSON text {@code WireCodec} reads and writes and the plain Java
 * values (maps, lists, strings, numbers) the MCP SDK holds in {@code _meta} and {@code
 * structuredContent}. Strictness stays with {@code WireCodec}: a value is written back to text and
 * decoded there, so the MCP path refuses exactly what the HTTP path refuses.
 */
public final class McpJson {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

  private McpJson() {}

  /** The JSON object {@code json} (written by x402j) as an insertion-ordered map. */
  public static Map<String, Object> toMap(String json) {
    try {
      return MAPPER.readValue(json, OBJECT);
    } catch (JsonProcessingException e) {
      // Only called on text x402j wrote itself.
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The JSON object in {@code text} as a map, or {@code null} when the text is not a JSON object
   * (an ordinary message). Only used to recognise a message; decoding reads the text again
   * strictly.
   */
  public static Map<String, Object> parseObjectOrNull(String text) {
    if (text == null) {
      return null;
    }
    String trimmed = text.strip();
    if (!trimmed.startsWith("{")) {
      return null;
    }
    try {
      return MAPPER.readValue(trimmed, OBJECT);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /**
   * The JSON text of an untrusted value that must be a JSON object.
   *
   * @param field where the value was found, for the error message
   * @throws MalformedMessageException if the value is not a JSON object
   */
  public static String objectText(Object value, String field) {
    if (value == null) {
      throw new MalformedMessageException(Kind.MISSING_FIELD, field, field + " is missing");
    }
    if (!(value instanceof Map)) {
      throw new MalformedMessageException(
          Kind.WRONG_TYPE, field, field + " must be a JSON object, got " + typeName(value));
    }
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new MalformedMessageException(
          Kind.NOT_JSON, field, field + " is not representable as JSON: " + e.getOriginalMessage());
    }
  }

  /**
   * Re-raises a decoding failure of a message found at {@code prefix}, so the field names the place
   * in the MCP message ({@code _meta["x402/payment"].accepted.amount}).
   */
  public static MalformedMessageException at(String prefix, MalformedMessageException e) {
    String field = e.field().isEmpty() ? prefix : prefix + "." + e.field();
    return new MalformedMessageException(e.kind(), field, field + ": " + e.getMessage());
  }

  /** A JSON type name for error messages. */
  public static String typeName(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String) {
      return "a string";
    }
    if (value instanceof Number) {
      return "a number";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    if (value instanceof java.util.List || value.getClass().isArray()) {
      return "an array";
    }
    if (value instanceof Map) {
      return "an object";
    }
    return "a " + value.getClass().getSimpleName();
  }
}
