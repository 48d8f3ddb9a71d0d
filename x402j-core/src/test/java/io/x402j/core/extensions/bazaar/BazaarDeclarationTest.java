package io.x402j.core.extensions.bazaar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The declaration's shapes. The exact equality with what the official {@code
 * declareDiscoveryExtension} builds is checked against the real package in x402j-interop's {@code
 * BazaarInteropIT}; here the rules that do not need it.
 */
class BazaarDeclarationTest {
  @SuppressWarnings("unchecked")
  static Map<String, Object> at(Map<String, Object> root, String... path) {
    Object node = root;
    for (String p : path) {
      node = ((Map<String, Object>) node).get(p);
    }
    return (Map<String, Object>) node;
  }

  @Test
  void aBareHttpDeclarationHasTheOfficialQueryForm() {
    Map<String, Object> ext = BazaarDeclaration.http().build().toExtension();

    assertThat(at(ext, "info", "input")).isEqualTo(Map.of("type", "http", "queryParams", Map.of()));
    assertThat(at(ext, "schema"))
        .containsEntry("$schema", "https://json-schema.org/draft/2020-12/schema")
        .containsEntry("required", List.of("input"));
    assertThat(at(ext, "schema", "properties", "input"))
        .containsEntry("required", List.of("type", "method"))
        .containsEntry("additionalProperties", false);
    assertThat(at(ext, "schema", "properties", "input", "properties", "method"))
        .isEqualTo(Map.of("type", "string", "enum", List.of("GET", "HEAD", "DELETE")));
    assertThat(ext).doesNotContainKey("routeTemplate");
  }

  @Test
  void aRequestPinsItsMethodAndABodyMethodDeclaresABody() {
    BazaarDeclaration d = BazaarDeclaration.http().build();

    Map<String, Object> get = d.forRequest("get", null, null);
    assertThat(at(get, "info", "input")).containsEntry("method", "GET");
    assertThat(at(get, "schema", "properties", "input", "properties", "method"))
        .isEqualTo(Map.of("type", "string", "enum", List.of("GET")));

    Map<String, Object> post = d.forRequest("POST", null, null);
    assertThat(at(post, "info", "input"))
        .containsEntry("method", "POST")
        .containsEntry("bodyType", "json")
        .containsEntry("body", Map.of())
        .doesNotContainKey("queryParams");
    assertThat(at(post, "schema", "properties", "input"))
        .containsEntry("required", List.of("type", "method", "bodyType", "body"));
  }

  @Test
  void aDynamicRouteDeclaresItsTemplateAndParameters() {
    Map<String, Object> ext =
        BazaarDeclaration.http().build().forRequest("GET", "/users/:id", Map.of("id", "42"));

    assertThat(ext).containsEntry("routeTemplate", "/users/:id");
    assertThat(at(ext, "info", "input")).containsEntry("pathParams", Map.of("id", "42"));
    assertThat(at(ext, "schema", "properties", "input", "properties", "pathParams"))
        .isEqualTo(Map.of("type", "object"));
  }

  @Test
  void anExplicitTemplateWinsAndAnInvalidOneIsRefused() {
    BazaarDeclaration d = BazaarDeclaration.http().routeTemplate("/u/:name").build();
    assertThat(d.forRequest("GET", "/users/:id", Map.of("name", "a")))
        .containsEntry("routeTemplate", "/u/:name");

    assertThatThrownBy(() -> BazaarDeclaration.http().routeTemplate("/a/%2e%2e/b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("routeTemplate");
    assertThatThrownBy(
            () -> BazaarDeclaration.http().build().forRequest("GET", "/x/http://evil", Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void headersAndOutputFormatAreDeclaredWithTheSpecsSchemaOnlyWhenUsed() {
    Map<String, Object> ext =
        BazaarDeclaration.http()
            .headers(Map.of("X-Units", "metric"))
            .output(List.of(1, 2))
            .outputType("json", "array of readings")
            .build()
            .toExtension();

    assertThat(at(ext, "info", "input")).containsEntry("headers", Map.of("X-Units", "metric"));
    assertThat(at(ext, "schema", "properties", "input", "properties", "headers"))
        .isEqualTo(Map.of("type", "object", "additionalProperties", Map.of("type", "string")));
    assertThat(at(ext, "info", "output"))
        .isEqualTo(
            Map.of("type", "json", "format", "array of readings", "example", List.of(1L, 2L)));
    assertThat(at(ext, "schema", "properties", "output", "properties", "example"))
        .isEqualTo(Map.of("type", "array"));
  }

  @Test
  void anOutputSchemaWithoutAnExampleDeclaresTheOutputByItsSchema() {
    Map<String, Object> schema =
        Map.of("type", "object", "properties", Map.of("temperature", Map.of("type", "number")));
    Map<String, Object> ext = BazaarDeclaration.http().outputSchema(schema).build().toExtension();

    assertThat(at(ext, "info", "output")).isEqualTo(Map.of("type", "json"));
    assertThat(at(ext, "schema", "properties", "output", "properties", "example"))
        .isEqualTo(schema);
    assertThat(at(ext, "schema", "properties", "output"))
        .containsEntry("required", List.of("type"));
    assertThat(BazaarDeclaration.http().build().toExtension().get("info"))
        .as("neither: no output")
        .isEqualTo(Map.of("input", Map.of("type", "http", "queryParams", Map.of())));
  }

  @Test
  void anMcpToolIsDeclaredTheSameForEveryRequest() {
    BazaarDeclaration d =
        BazaarDeclaration.mcp("get_weather", Map.of("type", "object"))
            .description("Weather")
            .transport(BazaarDeclaration.McpTransport.SSE)
            .build();

    Map<String, Object> ext = d.toExtension();
    assertThat(at(ext, "info", "input"))
        .isEqualTo(
            Map.of(
                "type", "mcp",
                "toolName", "get_weather",
                "description", "Weather",
                "transport", "sse",
                "inputSchema", Map.of("type", "object")));
    assertThat(at(ext, "schema", "properties", "input", "properties", "transport"))
        .isEqualTo(Map.of("type", "string", "enum", List.of("sse")));
    assertThat(d.forRequest("POST", "/mcp/:x", Map.of("x", "y"))).isEqualTo(ext);
  }

  @Test
  void misuseIsRefusedWhenTheDeclarationIsBuilt() {
    assertThatThrownBy(() -> BazaarDeclaration.http().method("TRACE"))
        .hasMessageContaining("TRACE");
    assertThatThrownBy(
            () ->
                BazaarDeclaration.http()
                    .method("GET")
                    .body(BazaarDeclaration.BodyType.JSON, Map.of(), null)
                    .build())
        .hasMessageContaining("not a body method");
    assertThatThrownBy(
            () ->
                BazaarDeclaration.http()
                    .queryParams(Map.of(), Map.of("$ref", "https://evil.example/s.json")))
        .hasMessageContaining("$ref")
        .hasMessageContaining("only refer within itself");
    assertThatThrownBy(
            () ->
                BazaarDeclaration.mcp(
                    "t", Map.of("properties", Map.of("a", Map.of("$id", "file:///etc")))))
        .hasMessageContaining("$id");
    assertThatThrownBy(() -> BazaarDeclaration.mcp("", Map.of())).hasMessageContaining("tool");
    assertThatThrownBy(() -> BazaarDeclaration.mcp("t", null)).hasMessageContaining("schema");
    assertThatThrownBy(() -> BazaarDeclaration.http().description("x"))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> BazaarDeclaration.http().build().forRequest("OPTIONS", null, null))
        .hasMessageContaining("OPTIONS");
    assertThat(
            BazaarDeclaration.http()
                .queryParams(Map.of(), Map.of("$defs", Map.of("a", Map.of()), "$ref", "#/$defs/a"))
                .build())
        .isNotNull();
  }
}
