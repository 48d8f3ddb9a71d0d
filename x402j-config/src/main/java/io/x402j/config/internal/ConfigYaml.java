package io.x402j.config.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.x402j.config.ConfigException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.events.NodeEvent;

/**
 * Reads configuration text (YAML, or JSON) keeping every scalar as its text. Plain YAML would read
 * an unquoted address such as {@code 0x0000857b…} as a hexadecimal number and lose it; here it
 * stays the address. Text that starts with <code>{</code> is read as JSON, which YAML alone would
 * refuse when indented with tabs. Duplicate keys are refused, and so is anything an x402j
 * configuration never needs and a reader could misread: content after the first JSON object or YAML
 * document, YAML aliases and anchors ({@code *x}, {@code &x}) and tags ({@code !!int}, {@code
 * !custom}). Not part of the x402j API.
 */
public final class ConfigYaml {
  private static final YAMLFactory YAML = new PlainYamlFactory();
  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private ConfigYaml() {}

  /**
   * The document as a tree whose scalars are text (booleans stay booleans).
   *
   * @throws IOException for text that is not YAML (or JSON), naming the line
   */
  public static JsonNode read(String text) throws IOException {
    boolean json = isJson(text);
    try (JsonParser parser =
        json ? JSON.createParser(text) : YAML.createParser(new StringReader(text))) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return NullNode.getInstance();
      }
      JsonNode root = node(parser);
      boolean more;
      JsonLocation where;
      try {
        more = parser.nextToken() != null;
        where = parser.currentTokenLocation();
      } catch (JsonProcessingException e) { // text after a JSON object that is not JSON
        more = true;
        where = e.getLocation();
      }
      if (more) {
        throw new JsonParseException(
            parser,
            (json
                ? "content after the JSON object is not supported (one object per file)"
                : "a second YAML document is not supported (one document per file)"),
            where);
      }
      return root;
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

  /** Refuses an alias, anchor or tag on the current token: x402j configurations are plain. */
  private static void plain(JsonParser p) throws IOException {
    if (!(p instanceof YAMLParser)) {
      return;
    }
    YAMLParser yaml = (YAMLParser) p;
    if (yaml.isCurrentAlias()) {
      throw new JsonParseException(
          p, "aliases (*name) are not supported; write the value", p.currentTokenLocation());
    }
    if (yaml instanceof PlainYamlParser && ((PlainYamlParser) yaml).anchor() != null) {
      throw new JsonParseException(
          p, "anchors (&name) are not supported; write the value", p.currentTokenLocation());
    }
    if (yaml.getTypeId() != null) {
      throw new JsonParseException(
          p,
          "tags (such as !!int or !name) are not supported; write the value without one",
          p.currentTokenLocation());
    }
  }

  private static JsonNode node(JsonParser p) throws IOException {
    plain(p);
    JsonToken token = p.currentToken();
    switch (token) {
      case START_OBJECT:
        ObjectNode object = JsonNodeFactory.instance.objectNode();
        while (p.nextToken() != JsonToken.END_OBJECT) {
          plain(p);
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
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return new NumberText(p.getText());
      default:
        return TextNode.valueOf(p.getText());
    }
  }

  /**
   * A scalar written as a number ({@code 21}, {@code 0.5}, and in YAML also {@code 0x1F}): text
   * like every scalar, but a free-form JSON value (an example, a schema) reads it as the number
   * when it is one in JSON's grammar.
   */
  public static final class NumberText extends TextNode {
    private static final long serialVersionUID = 1L;

    NumberText(String text) {
      super(text);
    }
  }

  /** Jackson's YAML factory making {@link PlainYamlParser}s; an empty plain scalar is null. */
  private static final class PlainYamlFactory extends YAMLFactory {
    private static final long serialVersionUID = 1L;

    PlainYamlFactory() {
      super(
          YAMLFactory.builder()
              .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
              .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL));
    }

    @Override
    protected YAMLParser _createParser(Reader r, IOContext ctxt) {
      return new PlainYamlParser(
          ctxt, _parserFeatures, _yamlParserFeatures, _loaderOptions, _objectCodec, r);
    }
  }

  /** A YAML parser that also tells a scalar's anchor, which Jackson does not report. */
  private static final class PlainYamlParser extends YAMLParser {
    PlainYamlParser(
        IOContext ctxt,
        int parserFeatures,
        int yamlFeatures,
        LoaderOptions options,
        ObjectCodec codec,
        Reader reader) {
      super(ctxt, parserFeatures, yamlFeatures, options, codec, reader);
    }

    /** The anchor ({@code &name}) on the current node, or {@code null}. */
    String anchor() {
      return _lastEvent instanceof NodeEvent ? ((NodeEvent) _lastEvent).getAnchor() : null;
    }
  }
}
