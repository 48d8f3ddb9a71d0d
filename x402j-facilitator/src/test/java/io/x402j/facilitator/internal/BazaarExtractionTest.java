package io.x402j.facilitator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The spec's soft-drop rules and the schema bounds, one rule per assertion. */
class BazaarExtractionTest {
  static final ObjectMapper JSON = new ObjectMapper();
  final BoundedSchemaValidator validator = new BoundedSchemaValidator();

  @Test
  void routeTemplatesFollowIsValidRouteTemplate() {
    assertThat(BazaarExtraction.routeTemplate(TextNode.valueOf("/users/:userId")))
        .isEqualTo("/users/:userId");
    assertThat(BazaarExtraction.routeTemplate(TextNode.valueOf("users/:id"))).isNull();
    assertThat(BazaarExtraction.routeTemplate(TextNode.valueOf("/users/../admin"))).isNull();
    assertThat(BazaarExtraction.routeTemplate(TextNode.valueOf("/users/%2e%2e/admin"))).isNull();
    assertThat(BazaarExtraction.routeTemplate(TextNode.valueOf("/a/%252e%252e/b"))).isNull();
    assertThat(BazaarExtraction.routeTemplate(TextNode.valueOf("/x/http%3A%2F%2Fevil"))).isNull();
    assertThat(BazaarExtraction.routeTemplate(TextNode.valueOf("/a b"))).isNull();
    assertThat(BazaarExtraction.routeTemplate(null)).isNull();
  }

  @Test
  void serviceMetadataIsSoftDroppedFieldByField() {
    assertThat(BazaarExtraction.serviceName("Example Weather")).isEqualTo("Example Weather");
    assertThat(BazaarExtraction.serviceName("x".repeat(33))).isNull();
    assertThat(BazaarExtraction.serviceName("Wetter\u00e9")).isNull();
    assertThat(BazaarExtraction.serviceName("a\nb")).isNull();
    assertThat(
            BazaarExtraction.tags(
                List.of("weather", "Weather", "", "x".repeat(33), "a", "b", "c", "d", "e")))
        .containsExactly("weather", "a", "b", "c", "d");
    assertThat(BazaarExtraction.tags("weather")).isEmpty();
    assertThat(BazaarExtraction.iconUrl("https://cdn.example.com/i.png")).isNotNull();
    for (String bad :
        List.of(
            "ftp://cdn.example.com/i.png",
            "https://user@cdn.example.com/i.png",
            "https://127.0.0.1/i.png",
            "https://[::1]/i.png",
            "https://localhost/i.png",
            "https://2130706433/i.png",
            "https://0x7f000001/i.png",
            "https://%6c%6f%63%61%6c%68%6f%73%74/i.png",
            "data:image/png;base64,AAAA",
            "https://cdn.example.com/\u0000.png")) {
      assertThat(BazaarExtraction.iconUrl(bad)).as(bad).isNull();
    }
  }

  JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  @Test
  void sameDocumentRefsAreFollowedAndExternalOnesRefused() throws Exception {
    JsonNode info = json("{\"input\":{\"type\":\"http\"}}");
    assertThat(
            validator.check(
                json(
                    "{\"$defs\":{\"in\":{\"type\":\"object\",\"required\":[\"type\"]}},"
                        + "\"properties\":{\"input\":{\"$ref\":\"#/$defs/in\"}}}"),
                info))
        .isEmpty();
    assertThat(
            validator.check(
                json(
                    "{\"$defs\":{\"in\":{\"required\":[\"method\"]}},"
                        + "\"properties\":{\"input\":{\"$ref\":\"#/$defs/in\"}}}"),
                info))
        .get()
        .asString()
        .contains("method");
    assertThat(validator.check(json("{\"$ref\":\"https://example.com/s.json\"}"), info))
        .get()
        .asString()
        .contains("external");
    assertThat(validator.check(json("{\"$ref\":\"s.json#/a\"}"), info)).isPresent();
    assertThat(validator.check(json("{\"$ref\":\"#/$defs/missing\"}"), info))
        .get()
        .asString()
        .contains("points to nothing");
    assertThat(
            validator.check(
                json(
                    "{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/b\"},\"b\":{\"$ref\":\"#/$defs/a\"}},"
                        + "\"$ref\":\"#/$defs/a\"}"),
                info))
        .get()
        .asString()
        .contains("cycle");
  }

  @Test
  void aCatastrophicPatternSpendsItsBudgetQuickly() throws Exception {
    long start = System.nanoTime();
    assertThat(
            validator.check(
                json("{\"properties\":{\"s\":{\"pattern\":\"^(.*a){12}$\"}}}"),
                json("{\"s\":\"" + "a".repeat(40) + "!\"}")))
        .get()
        .asString()
        .contains("too long to match");
    assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
    assertThat(
            validator.check(
                json("{\"properties\":{\"s\":{\"pattern\":\"^a+$\"}}}"), json("{\"s\":\"aaa\"}")))
        .isEmpty();
  }

  @Test
  void hugeNumbersAreRefusedBeforeMultipleOf() throws Exception {
    assertThat(
            validator.check(
                json("{\"multipleOf\":1e-300}"), json("{\"input\":{\"type\":\"http\"}}")))
        .get()
        .asString()
        .contains("number");
  }
}
