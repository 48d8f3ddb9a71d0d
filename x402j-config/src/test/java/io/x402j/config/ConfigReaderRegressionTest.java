package io.x402j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Near misses of the attacks in {@link ConfigReaderAttackTest}: explicit nulls, signed zero and
 * leading zeros, a zero with a huge scale, URLs quoted with their credentials, and the messages of
 * the refusals (naming the key or the file's line).
 */
class ConfigReaderRegressionTest {
  private static ConfigSection yaml(String text, Map<String, String> env) {
    return ConfigSection.parse(text, "regression.yaml", env);
  }

  private static ConfigSection yaml(String text) {
    return yaml(text, Map.of());
  }

  @Test
  void anExplicitNullOrEmptyValueIsRefusedNamingTheKey() {
    String refused = " has no value; leave the setting out or give a value";
    assertThatThrownBy(() -> yaml("auth: ~\n").section("auth"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("auth" + refused);
    assertThatThrownBy(
            () ->
                yaml("auth: {bearerTokenEnv: ~}\n")
                    .section("auth")
                    .get("bearerTokenEnv", ValueParser.text(), null))
        .hasMessage("auth.bearerTokenEnv" + refused);
    assertThatThrownBy(() -> yaml("port:\nhost: h\n").get("port", ValueParser.port(), 4021))
        .hasMessage("port" + refused);
    assertThatThrownBy(() -> yaml("port: null\n").find("port", ValueParser.port()))
        .hasMessage("port" + refused);
    assertThatThrownBy(() -> yaml("rpcUrls:\n").list("rpcUrls", ValueParser.text()))
        .hasMessage("rpcUrls" + refused);
    assertThatThrownBy(() -> yaml("rpcUrls: [http://a, ~]\n").list("rpcUrls", ValueParser.text()))
        .hasMessage("rpcUrls[1]" + refused);
    assertThatThrownBy(() -> yaml("networks: [~]\n").sections("networks"))
        .hasMessage("networks[0]" + refused);
    assertThatThrownBy(() -> yaml("network: ~\n").require("network", ValueParser.text(), "e.g. x"))
        .hasMessage("network" + refused);
    // A quoted empty string is a value, read (and refused) by its parser.
    assertThatThrownBy(() -> yaml("port: ''\n").get("port", ValueParser.port(), 1))
        .hasMessage("port must be a whole number in 0..65535, got ''");
  }

  @Test
  void zeroTakesNoSignAndIntegersNoLeadingZeros() {
    ValueParser<Integer> port = ValueParser.port();
    assertThatThrownBy(() -> port.parse("port", "-0"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("port must be a whole number in 0..65535, got '-0' (zero takes no sign)");
    assertThatThrownBy(() -> port.parse("port", "+0")).hasMessageContaining("zero takes no sign");
    assertThatThrownBy(() -> port.parse("port", "010"))
        .hasMessage(
            "port must be a whole number in 0..65535, got '010'"
                + " (no leading zeros: YAML 1.1 reads 010 as octal 8)");
    assertThatThrownBy(() -> port.parse("port", "-007")).hasMessageContaining("leading zeros");
    assertThat(port.parse("port", "0")).isZero();
    assertThat(port.parse("port", "+10")).isEqualTo(10);
    assertThat(ValueParser.longInteger(-5, 5).parse("n", "-5")).isEqualTo(-5L);
  }

  @Test
  void aZeroWithAHugeExponentIsPlainZero() {
    ValueParser<BigDecimal> gwei = ValueParser.decimal(9, 30);
    BigDecimal zero = gwei.parse("maxFeePerGasGwei", "0e-999999999");
    assertThat(zero.signum()).isZero();
    assertThat(zero.scale()).isBetween(0, 9);
    assertThat(zero.toPlainString()).isEqualTo("0");
    assertThat(gwei.parse("maxFeePerGasGwei", "0e999999999").toPlainString()).isEqualTo("0");
    assertThat(gwei.parse("maxFeePerGasGwei", "0.000").toPlainString()).isEqualTo("0.000");
    assertThat(ValueParser.nonNegativeNumber().parse("rate", "0e-999999999")).isZero();
    assertThatThrownBy(() -> ValueParser.nonNegativeNumber().parse("rate", "4.9e-325"))
        .hasMessageContaining("rate")
        .hasMessageContaining("too small");
    assertThat(ValueParser.nonNegativeNumber().parse("rate", "1e-300")).isPositive();
  }

  @Test
  void anEnumIsReadFromAsciiOnly() {
    ValueParser<java.util.concurrent.TimeUnit> unit =
        ValueParser.enumeration(java.util.concurrent.TimeUnit.class);
    assertThat(unit.parse("unit", "Seconds")).isEqualTo(java.util.concurrent.TimeUnit.SECONDS);
    assertThatThrownBy(() -> unit.parse("unit", "ｓeconds")) // full-width s
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void aRefusedUrlIsQuotedWithoutItsUserInfoOrQuery() {
    ValueParser<java.net.URI> url = ValueParser.uri("http", "https");
    assertThatThrownBy(() -> url.parse("rpcUrl", "ftp://user:hunter2@rpc.example/v2?key=abc123"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ftp://***@rpc.example/v2?***")
        .hasMessageNotContaining("hunter2")
        .hasMessageNotContaining("abc123");
    assertThatThrownBy(() -> url.parse("rpcUrl", "https://user:pw@rpc example/?apiKey=abc123"))
        .hasMessageNotContaining("pw@")
        .hasMessageNotContaining("abc123");
    // Written with ${NAME}, the value is shown as written, still redacted.
    Map<String, String> env = Map.of("KEY", "s3cret");
    assertThatThrownBy(
            () ->
                yaml("rpc: \"ftp://u:pass@x/?k=${KEY}\"\n", env)
                    .get("rpc", ValueParser.uri("http", "https"), null))
        .hasMessage(
            "rpc must be an http(s) URL such as http://127.0.0.1:9000, got 'ftp://***@x/?***'");
    assertThat(Redaction.url("jdbc:postgresql://x402j:pw@db:5432/x402j?ssl=true"))
        .isEqualTo("jdbc:postgresql://***@db:5432/x402j?***");
    assertThat(Redaction.credentials("jdbc:postgresql://u:pw@db/x?password=p2&user=u"))
        .containsExactly("u:pw", "pw", "p2");
  }

  @Test
  void aParserWithoutAnExpectationNeverEchoesTheSubstitutedValue() {
    ValueParser<String> echoing =
        (setting, text) -> {
          throw new ConfigException(setting, setting + " cannot use " + text);
        };
    Map<String, String> env = Map.of("TOKEN", "t0ken-s3cret");
    assertThatThrownBy(() -> yaml("a: x-${TOKEN}\n", env).get("a", echoing, null))
        .isInstanceOf(ConfigException.class)
        .hasMessage("a is refused, got 'x-${TOKEN}'");
  }

  @Test
  void trailingContentAliasesAndTagsAreRefusedNamingTheLine() {
    assertThatThrownBy(() -> yaml("{\"port\": \"1\"}\nauth:\n  bearerTokenEnv: T\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("regression.yaml is not valid JSON: content after the JSON object")
        .hasMessageEndingWith("at line 2");
    assertThatThrownBy(() -> yaml("port: 1\n---\nport: 2\n"))
        .hasMessageContaining("a second YAML document is not supported")
        .hasMessageEndingWith("at line 3");
    assertThatThrownBy(() -> yaml("a: 1\nb: *x\n"))
        .hasMessageContaining("aliases (*name) are not supported; write the value");
    assertThatThrownBy(() -> yaml("a: &x 1\n")).hasMessageContaining("anchors (&name)");
    assertThatThrownBy(() -> yaml("a: !!int 1\n")).hasMessageContaining("tags");
    assertThatThrownBy(() -> yaml("a: !!str 1\n")).hasMessageContaining("tags");
    assertThatThrownBy(() -> yaml("a: !custom {b: 1}\n")).hasMessageContaining("tags");
    // One document with a leading "---" and a closing "..." is still one document.
    assertThat(yaml("---\na: 1\n...\n").get("a", ValueParser.port(), null)).isEqualTo(1);
    assertThat(yaml("{\"a\": \"1\"}\n\n").get("a", ValueParser.port(), null)).isEqualTo(1);
  }
}
