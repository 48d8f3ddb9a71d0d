package io.x402j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSectionTest {
  private static final Map<String, String> ENV = Map.of("SECRET", "s3cret", "PORT", "8080");

  private static ConfigSection yaml(String text) {
    return ConfigSection.parse(text, "test.yaml", ENV);
  }

  @Test
  void nestedSectionsAndListsAreNamedByTheirFullPath() {
    ConfigSection root =
        yaml(
            "networks:\n"
                + "  - network: a\n"
                + "    rpcUrls: [http://x, http://y]\n"
                + "    limits: {port: 99999}\n");
    ConfigSection network = root.sections("networks").get(0);
    assertThat(network.path()).isEqualTo("networks[0]");
    assertThat(network.list("rpcUrls", ValueParser.text())).containsExactly("http://x", "http://y");
    assertThatThrownBy(() -> network.section("limits").get("port", ValueParser.port(), 1))
        .hasMessage("networks[0].limits.port must be a whole number in 0..65535, got '99999'");
    assertThatThrownBy(() -> network.list("rpcUrls", ValueParser.port()))
        .hasMessageStartingWith("networks[0].rpcUrls[0] must be a whole number");
  }

  @Test
  void aJsonValueKeepsNumbersAndBooleansButNotHexOrQuotedNumbers() {
    ConfigSection root =
        yaml(
            "example: {temperature: 21, ratio: 0.5, ok: true, id: '7', addr: 0x1F, who: '${PORT}'}\n"
                + "schema: {properties: {days: {type: integer, minimum: 1}}, required: [days]}\n"
                + "hole: {a: [1, ~]}\n");
    assertThat(root.json("example"))
        .contains(
            Map.of(
                "temperature",
                new java.math.BigDecimal("21"),
                "ratio",
                new java.math.BigDecimal("0.5"),
                "ok",
                true,
                "id",
                "7",
                "addr",
                "0x1F",
                "who",
                "8080"));
    assertThat(root.json("schema"))
        .contains(
            Map.of(
                "properties",
                Map.of("days", Map.of("type", "integer", "minimum", new java.math.BigDecimal("1"))),
                "required",
                java.util.List.of("days")));
    assertThat(root.json("absent")).isEmpty();
    assertThatThrownBy(() -> root.json("hole")).hasMessageStartingWith("hole.a[1] has no value");
    assertThat(ConfigSection.parse("{\"n\": 3}", "t.json", ENV).json("n"))
        .contains(new java.math.BigDecimal("3"));
  }

  @Test
  void absentKeysTakeTheFallbackAndRequiredOnesAreNamed() {
    ConfigSection root = yaml("a: 1\nb: ~\n");
    // An explicit null ("b: ~") is not "not given": issue 14 refuses it naming the key.
    assertThatThrownBy(() -> root.get("b", ValueParser.port(), 7))
        .isInstanceOf(ConfigException.class)
        .hasMessage("b has no value; leave the setting out or give a value");
    assertThat(root.get("c", ValueParser.port(), null)).isNull();
    assertThat(root.find("a", ValueParser.port())).contains(1);
    assertThat(root.list("c", ValueParser.text())).isEmpty();
    assertThat(root.sections("c")).isEmpty();
    assertThat(root.section("c").get("x", ValueParser.text(), "d")).isEqualTo("d");
    assertThatThrownBy(() -> root.require("c", ValueParser.text(), "e.g. eip155:8453"))
        .hasMessage("c is required (e.g. eip155:8453)");
  }

  @Test
  void unknownKeysAreRefusedWithTheKnownOnes() {
    assertThatThrownBy(() -> yaml("prot: 1\n").allowOnly("host", "port"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("unknown setting prot (known: host, port)");
    assertThatThrownBy(() -> yaml("auth: {bearerTokenENV: X}\n").section("auth").allowOnly("a"))
        .hasMessageStartingWith("unknown setting auth.bearerTokenENV");
    assertThatThrownBy(() -> yaml("auth: {\"x\\e[2J\": 1}\n").section("auth").allowOnly("a"))
        .as("a key is the file's text: escaped")
        .hasMessage("unknown setting 'auth.x\\u001b[2J' (known: a)");
  }

  @Test
  void theWrongShapeIsRefusedNotIgnored() {
    ConfigSection root = yaml("assets: 0x01\nport: [1]\nauth: token\nroutes: [x]\n");
    assertThatThrownBy(() -> root.list("assets", ValueParser.text()))
        .hasMessageStartingWith("assets must be a list");
    assertThatThrownBy(() -> root.get("port", ValueParser.port(), 1))
        .hasMessage("port must be a single value; got a list");
    assertThatThrownBy(() -> root.section("auth")).hasMessageStartingWith("auth must be a mapping");
    assertThatThrownBy(() -> root.sections("routes"))
        .hasMessageStartingWith("routes[0] must be a mapping");
  }

  @Test
  void scalarsStayTextAndBooleansReadAsText() {
    ConfigSection root = yaml("payTo: 0x0000857b06519E91e3A54538791bDbb0E22373e3\non: true\n");
    assertThat(root.get("payTo", ValueParser.text(), null))
        .isEqualTo("0x0000857b06519E91e3A54538791bDbb0E22373e3");
    assertThat(root.get("on", ValueParser.bool(), false)).isTrue();
  }

  @Test
  void variablesAreReplacedButARefusedValueIsShownAsWritten() {
    ConfigSection root = yaml("port: ${PORT}\nhost: ${SECRET}\nurl: x/${MISSING}\n");
    assertThat(root.get("port", ValueParser.port(), 1)).isEqualTo(8080);
    assertThatThrownBy(() -> root.get("host", ValueParser.port(), 1))
        .hasMessage("host must be a whole number in 0..65535, got '${SECRET}'")
        .hasMessageNotContaining("s3cret");
    assertThatThrownBy(() -> root.get("url", ValueParser.text(), null))
        .hasMessage("url refers to the environment variable MISSING, which is not set");
  }

  @Test
  void duplicateKeysAndBrokenYamlNameTheLine() {
    assertThatThrownBy(() -> yaml("port: 1\nport: 2\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("test.yaml is not valid YAML")
        .hasMessageContaining("port")
        .hasMessageContaining("line 2");
    assertThatThrownBy(() -> yaml("networks: [\n")).hasMessageContaining("line");
    assertThatThrownBy(() -> yaml("- a\n- b\n")).hasMessageContaining("must be a mapping");
    assertThatThrownBy(() -> yaml("")).hasMessageContaining("must be a mapping");
  }

  @Test
  void jsonIsReadAsJsonSoTabsMayIndentIt() {
    ConfigSection root = yaml("{\n\t\"port\": 8080,\n\t\"payTo\": \"0x01\"\n}\n");
    assertThat(root.get("port", ValueParser.port(), 1)).isEqualTo(8080);
    assertThatThrownBy(() -> yaml("{\"port\": 1, \"port\": 2}"))
        .hasMessageContaining("test.yaml is not valid JSON")
        .hasMessageContaining("port");
    assertThatThrownBy(() -> yaml("{\"port\": 1,\n")).hasMessageContaining("line");
  }

  @Test
  void filesAreReadAndAMissingOneIsAnIoError(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(file, "{\"port\": 9000}");
    assertThat(ConfigSection.load(file, ENV).get("port", ValueParser.port(), 1)).isEqualTo(9000);
    assertThatThrownBy(() -> ConfigSection.load(dir.resolve("absent.yaml"), ENV))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("absent.yaml");
  }
}
