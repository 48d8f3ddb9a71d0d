package io.x402j.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.x402j.config.internal.ConfigYaml;
import io.x402j.core.support.Text;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One mapping of a configuration file (YAML, or JSON, which is YAML too): the whole file or a
 * nested section, read key by key through {@link ValueParser}s. Every scalar stays text until a
 * parser reads it (an unquoted {@code 0x…} address is not a hexadecimal number), {@code ${NAME}} is
 * replaced from the environment, duplicate and unknown keys are refused, and every error names the
 * key by its full dotted path, e.g. {@code networks[0].maxFeePerGasGwei}.
 *
 * <pre>{@code
 * ConfigSection root = ConfigSection.load(file, System.getenv()).allowOnly("port", "routes");
 * int port = root.get("port", ValueParser.port(), 4021);
 * for (ConfigSection route : root.sections("routes")) { ... }
 * }</pre>
 *
 * <p>Immutable; errors are {@link ConfigException}s.
 */
public final class ConfigSection {
  private final JsonNode node; // an object, or missing for an absent section
  private final String path; // "" for the file itself
  private final Map<String, String> env;

  private ConfigSection(JsonNode node, String path, Map<String, String> env) {
    this.node = node;
    this.path = path;
    this.env = Map.copyOf(env);
  }

  /**
   * Reads a configuration file, which must be a mapping.
   *
   * @param env where {@code ${NAME}} references are looked up
   * @throws IOException if the file cannot be read (a missing file is named by the exception)
   * @throws ConfigException naming the file and line when it is not YAML, or not a mapping
   */
  public static ConfigSection load(Path file, Map<String, String> env) throws IOException {
    return parse(Files.readString(file), "configuration " + file, env);
  }

  /**
   * Reads configuration text, which must be a mapping.
   *
   * @param source names the text at the start of errors about the whole text, e.g. {@code
   *     configuration app.yaml} or {@code networks file n.yaml}
   * @param env where {@code ${NAME}} references are looked up
   * @throws ConfigException naming the source and line when it is not YAML (or JSON), or not a
   *     mapping
   */
  public static ConfigSection parse(String text, String source, Map<String, String> env) {
    return new ConfigSection(ConfigYaml.mapping(text, source), "", env);
  }

  /** This section's path, e.g. {@code networks[0]}, or {@code ""} for the whole file. */
  public String path() {
    return path;
  }

  /** The full path of {@code key} in this section, e.g. {@code networks[0].rpcUrls}. */
  public String path(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /**
   * Refuses any key but {@code keys}, naming the first unknown one and the known ones.
   *
   * @return this section
   * @throws ConfigException for an unknown key
   */
  public ConfigSection allowOnly(String... keys) {
    List<String> known = List.of(keys);
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!known.contains(name)) {
        // The key is the file's text: quoted, escaped and shortened if it needs to be.
        String shown = path(name);
        String quoted = Text.quote(shown);
        if (!quoted.equals("'" + shown + "'")) {
          shown = quoted;
        }
        throw new ConfigException(
            path(name), "unknown setting " + shown + " (known: " + String.join(", ", known) + ")");
      }
    }
    return this;
  }

  /**
   * Whether {@code key} is given. A key written with no value ({@code port:}, {@code auth: ~}) is
   * given: reading it is refused, never taken as "not given".
   */
  public boolean has(String key) {
    return node.get(key) != null;
  }

  /** The value of {@code key}, or {@code null} when absent; refused when written empty. */
  private JsonNode given(String key) {
    JsonNode value = node.get(key);
    if (value != null && value.isNull()) {
      throw empty(path(key));
    }
    return value;
  }

  private static ConfigException empty(String where) {
    return new ConfigException(
        where, where + " has no value; leave the setting out or give a value");
  }

  /**
   * The value of {@code key}, or empty when it is not given.
   *
   * @throws ConfigException naming the key when its value is refused or is not a single value
   */
  public <T> Optional<T> find(String key, ValueParser<T> parser) {
    JsonNode value = given(key);
    return value == null ? Optional.empty() : Optional.of(scalar(value, path(key), parser));
  }

  /**
   * The value of {@code key}, or {@code fallback} (which may be {@code null}) when it is not given.
   *
   * @throws ConfigException naming the key when its value is refused or is not a single value
   */
  public <T> T get(String key, ValueParser<T> parser, T fallback) {
    JsonNode value = given(key);
    return value == null ? fallback : scalar(value, path(key), parser);
  }

  /**
   * The value of {@code key}, which must be given.
   *
   * @param hint how it is written, e.g. {@code e.g. eip155:8453}, shown when it is missing
   * @throws ConfigException naming the key when it is missing or its value is refused
   */
  public <T> T require(String key, ValueParser<T> parser, String hint) {
    JsonNode value = given(key);
    if (value == null) {
      throw new ConfigException(path(key), path(key) + " is required (" + hint + ")");
    }
    return scalar(value, path(key), parser);
  }

  /**
   * The values of the list {@code key}, empty when it is not given.
   *
   * @throws ConfigException naming the key when it is not a list, or an item ({@code key[2]}) when
   *     that is refused
   */
  public <T> List<T> list(String key, ValueParser<T> parser) {
    List<T> values = new ArrayList<>();
    JsonNode list = given(key);
    if (list == null) {
      return values;
    }
    if (!list.isArray()) {
      throw new ConfigException(
          path(key), path(key) + " must be a list, e.g. [a, b]; got " + kind(list));
    }
    for (int i = 0; i < list.size(); i++) {
      values.add(scalar(list.get(i), path(key) + "[" + i + "]", parser));
    }
    return values;
  }

  /**
   * The mapping {@code key}; an empty section when it is not given.
   *
   * @throws ConfigException naming the key when it is not a mapping
   */
  public ConfigSection section(String key) {
    JsonNode value = given(key);
    if (value == null) {
      return new ConfigSection(MissingNode.getInstance(), path(key), env);
    }
    if (!value.isObject()) {
      throw new ConfigException(
          path(key), path(key) + " must be a mapping of settings; got " + kind(value));
    }
    return new ConfigSection(value, path(key), env);
  }

  /**
   * The list of mappings {@code key}, each a section named {@code key[i]}; empty when not given.
   *
   * @throws ConfigException naming the key when it is not a list, or the item that is not a mapping
   */
  public List<ConfigSection> sections(String key) {
    List<ConfigSection> sections = new ArrayList<>();
    JsonNode list = given(key);
    if (list == null) {
      return sections;
    }
    if (!list.isArray()) {
      throw new ConfigException(
          path(key), path(key) + " must be a list of mappings; got " + kind(list));
    }
    for (int i = 0; i < list.size(); i++) {
      String where = path(key) + "[" + i + "]";
      JsonNode item = list.get(i);
      if (item.isNull()) {
        throw empty(where);
      }
      if (!item.isObject()) {
        throw new ConfigException(
            where, where + " must be a mapping of settings; got " + kind(item));
      }
      sections.add(new ConfigSection(item, where, env));
    }
    return sections;
  }

  /**
   * The value of {@code key} as a free-form JSON value, for examples and JSON Schemas: mappings,
   * lists, text, booleans, and numbers where the file writes a number in JSON's grammar (quote a
   * number to keep it text; {@code 0x1F} stays text). {@code ${NAME}} in text is replaced from the
   * environment. Empty when not given.
   *
   * @throws ConfigException naming the key (or the item inside it) that has no value
   */
  public Optional<Object> json(String key) {
    JsonNode value = given(key);
    return value == null ? Optional.empty() : Optional.of(jsonValue(value, path(key)));
  }

  private static final java.util.regex.Pattern JSON_NUMBER =
      java.util.regex.Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

  private Object jsonValue(JsonNode value, String where) {
    if (value.isNull()) {
      throw empty(where);
    }
    if (value.isObject()) {
      Map<String, Object> out = new java.util.LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : value.properties()) {
        out.put(e.getKey(), jsonValue(e.getValue(), where + "." + e.getKey()));
      }
      return out;
    }
    if (value.isArray()) {
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < value.size(); i++) {
        out.add(jsonValue(value.get(i), where + "[" + i + "]"));
      }
      return out;
    }
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    String text = value.asText();
    if (value instanceof ConfigYaml.NumberText && JSON_NUMBER.matcher(text).matches()) {
      return new java.math.BigDecimal(text);
    }
    return EnvPlaceholders.resolve(text, env, where);
  }

  private <T> T scalar(JsonNode value, String where, ValueParser<T> parser) {
    if (value.isNull()) {
      throw empty(where);
    }
    if (!value.isValueNode()) {
      throw new ConfigException(where, where + " must be a single value; got " + kind(value));
    }
    String raw = value.asText();
    String text = EnvPlaceholders.resolve(raw, env, where);
    try {
      return Objects.requireNonNull(parser.parse(where, text), where);
    } catch (ConfigException e) {
      // The environment's text may be a secret: show the value as written.
      throw text.equals(raw) ? e : e.showing(raw, EnvPlaceholders.values(raw, env));
    }
  }

  private static String kind(JsonNode value) {
    if (value.isObject()) {
      return "a mapping";
    }
    if (value.isArray()) {
      return "a list";
    }
    return value.isNull() ? "nothing" : "a single value";
  }
}
