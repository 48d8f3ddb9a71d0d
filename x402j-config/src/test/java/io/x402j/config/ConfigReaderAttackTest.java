package io.x402j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Attacks on issue 14's promise 1 (one configuration reader): every bad value in a file is refused
 * with a clear error naming the key — never silently defaulted, replaced, truncated or ignored.
 * Each test here FAILS on the code under review.
 */
class ConfigReaderAttackTest {
  private static final Map<String, String> ENV = Map.of("SECRET", "s3cret");

  private static ConfigSection yaml(String text) {
    return ConfigSection.parse(text, "attack.yaml", ENV);
  }

  /**
   * Promise 1 broken: a YAML alias is read as its anchor's NAME. {@code rpcUrl: *main} silently
   * becomes the text "main" instead of the anchored value or an error. Cause: ConfigYaml.node()
   * takes p.getText() for Jackson's alias token, which is the anchor name
   * (x402j-config/.../internal/ConfigYaml.java:101).
   */
  @Test
  void aYamlAliasIsNeverSilentlyReadAsTheAnchorName() {
    String value;
    try {
      ConfigSection root = yaml("primary: &main https://rpc.example/${SECRET}\nrpcUrl: *main\n");
      value = root.get("rpcUrl", ValueParser.text(), null);
    } catch (ConfigException refused) {
      return; // refusing aliases keeps the promise
    }
    // Resolving them faithfully keeps it too: the anchor's name never does.
    assertThat(value).isEqualTo("https://rpc.example/s3cret");
  }

  /**
   * Promise 1 broken: an alias of a whole mapping also becomes a one-word string ("defaults"), so a
   * section written by alias is replaced by a scalar instead of refused.
   */
  @Test
  void anAliasOfAMappingIsRefusedNotReadAsAWord() {
    assertThatThrownBy(
            () ->
                yaml("base: &defaults {port: 1}\nlimits: *defaults\n")
                    .get("limits", ValueParser.text(), null))
        .isInstanceOf(ConfigException.class);
  }

  /**
   * Promise 1 broken (JSON vs YAML detection): text starting with '{' is read as ONE JSON value and
   * everything after it is silently ignored — here a whole YAML block with more settings. Cause:
   * ConfigYaml.read() parses one value and never checks for trailing tokens
   * (x402j-config/.../internal/ConfigYaml.java:38-42).
   */
  @Test
  void textAfterAJsonDocumentIsRefusedNotIgnored() {
    assertThatThrownBy(() -> yaml("{\"port\": \"1\"}\nauth:\n  bearerTokenEnv: TOKEN\n"))
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> yaml("{\"port\": \"1\"} {\"port\": \"2\"}"))
        .isInstanceOf(ConfigException.class);
  }

  /**
   * Promise 1 broken: a second YAML document ("---") is silently dropped — including a second
   * setting of a key the first document already has (a duplicate key no one is told about). Cause:
   * ConfigYaml.read() reads only the first document (ConfigYaml.java:38-42).
   */
  @Test
  void aSecondYamlDocumentIsRefusedNotIgnored() {
    assertThatThrownBy(() -> yaml("port: 1\n---\nport: 2\nauth: {bearerTokenEnv: TOKEN}\n"))
        .isInstanceOf(ConfigException.class);
  }

  /**
   * Promise 1 broken: YAML tags are silently ignored or change meaning. '!!binary' yields the
   * base64 text, a custom '!tag' is dropped, and '!!null' turns a written value into "not given",
   * so the fallback is used silently.
   */
  @Test
  void yamlTagsAreRefusedNotSilentlyReinterpreted() {
    assertThatThrownBy(() -> yaml("a: !!null 8080\n").get("a", ValueParser.port(), 4021))
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> yaml("a: !!binary aGVsbG8=\n").get("a", ValueParser.text(), null))
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> yaml("a: !secret hello\n").get("a", ValueParser.text(), null))
        .isInstanceOf(ConfigException.class);
  }

  /**
   * Promise 1 broken: a positive number below a double's range silently becomes 0.0. For a rate
   * limit 0 means "no limit", so {@code settlesPerSecond: 1e-400} (meant as nearly nothing)
   * disables the limit. Cause: ValueParser.nonNegativeNumber() bounds only the whole digits, not
   * the smallest magnitude, then doubleValue() underflows
   * (x402j-config/.../ValueParser.java:136-147).
   */
  @Test
  void aPositiveNumberNeverUnderflowsToZero() {
    double rate;
    try {
      rate = ValueParser.nonNegativeNumber().parse("settlesPerSecond", "1e-400");
    } catch (ConfigException refused) {
      assertThat(refused).hasMessageContaining("settlesPerSecond").hasMessageContaining("1e-400");
      return;
    }
    assertThat(rate).isPositive();
  }

  /**
   * Promise 1 broken (Unicode lookalikes): ValueParser.enumeration() upper-cases with
   * String.toUpperCase, which maps the long s 'ſ' (U+017F) to 'S' and the dotless 'ı' (U+0131) to
   * 'I', so non-ASCII spellings are accepted as a constant (ValueParser.java:215).
   */
  @Test
  void anEnumConstantIsNeverMatchedThroughANonAsciiLookalike() {
    ValueParser<java.util.concurrent.TimeUnit> unit =
        ValueParser.enumeration(java.util.concurrent.TimeUnit.class);
    assertThatThrownBy(() -> unit.parse("unit", "\u017feconds"))
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> unit.parse("unit", "m\u0131nutes"))
        .isInstanceOf(ConfigException.class);
  }
}
