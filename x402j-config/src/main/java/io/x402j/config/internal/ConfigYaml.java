package io.x402j.config.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.x402j.config.ConfigException;
import java.io.IOException;

/**
 * Reads configuration text (YAML, or JSON) keeping every scalar as its text. Plain YAML would read
 * an unquoted address such as {@code 0x0000857b…} as a hexadecimal number and lose it; here it
 * stays the address. Text that starts with <code>{</code> is read as JSON, which YAML alone would
 * refuse when indented with tabs. Duplicate keys are refused. Not part of the x402j API.
 */
public final class ConfigYaml {
  private static final YAMLFactory YAML =
      YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private ConfigYaml() {}

  /**
   * The document as a tree whose scalars are text (booleans stay booleans).
   *
   * @throws IOException for text that is not YAML (or JSON), naming the line
   */
  public static JsonNode read(String text) throws IOException {
    try (JsonParser parser = (isJson(text) ? JSON : YAML).createParser(text)) {
      JsonToken first = parser.nextToken();
      return first == null ? NullNode.getInstance() : node(parser);
    }
  }

  /**
   * Reads configuration text that must be a mapping.
   *
   * @param source names the text at the start of messages, e.g. {@code configuration app.yaml}
   * @throws ConfigException naming the source and line when it is not YAML, or not a mapping
   */
  public static JsonNode mapping(String text, String source) {
    JsonNode root;
    try {
      root = read(text);
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          source,
          source
              + " is not valid "
              + (isJson(text) ? "JSON" : "YAML")
              + ": "
              + e.getOriginalMessage()
              + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()));
    } catch (IOException e) {
      throw new ConfigException(source, source + " cannot be read: " + e.getMessage());
    }
    if (!root.isObject()) {
      throw new ConfigException(source, source + " must be a mapping of settings");
    }
    return root;
  }

  private static boolean isJson(String text) {
    return text.stripLeading().startsWith("{");
  }

  private static JsonNode node(JsonParser p) throws IOException {
    JsonToken token = p.currentToken();
    switch (token) {
      case START_OBJECT:
        ObjectNode object = JsonNodeFactory.instance.objectNode();
        while (p.nextToken() != JsonToken.END_OBJECT) {
          String name = p.currentName();
          p.nextToken();
          object.set(name, node(p));
        }
        return object;
      case START_ARRAY:
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          array.add(node(p));
        }
        return array;
      case VALUE_NULL:
        return NullNode.getInstance();
      case VALUE_TRUE:
        return BooleanNode.TRUE;
      case VALUE_FALSE:
        return BooleanNode.FALSE;
      default:
        return TextNode.valueOf(p.getText());
    }
  }
}
