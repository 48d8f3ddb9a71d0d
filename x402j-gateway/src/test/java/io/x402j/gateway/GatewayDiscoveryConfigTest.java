package io.x402j.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.config.ConfigException;
import io.x402j.config.ConfigSection;
import io.x402j.core.extensions.bazaar.ServiceMetadata;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The discovery settings of a gateway file: a route's {@code discovery} section, {@code
 * discoverable} and {@code service}; what is refused is named by its key. What the 402s then
 * declare is GatewayDiscoveryIT's.
 */
class GatewayDiscoveryConfigTest {
  static final String SELLER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";

  static GatewayConfig read(String... lines) {
    String head =
        String.join(
            "\n",
            "upstream: http://127.0.0.1:9000",
            "facilitator: {url: http://f}",
            "network: eip155:84532",
            "payTo: " + SELLER,
            "");
    return GatewayConfig.read(
        ConfigSection.parse(head + String.join("\n", lines) + "\n", "gateway.yaml", Map.of()));
  }

  @Test
  void aRouteSectionDeclaresWhatItSaysAndServiceMetadataIsRead() {
    GatewayConfig c =
        read(
            "discoverable: true",
            "service: {name: Weather Inc, tags: [weather, forecast], iconUrl:"
                + " https://example.com/i.png}",
            "routes:",
            "  - route: POST /orders",
            "    price: $0.01",
            "    discovery:",
            "      input:",
            "        body: {example: {item: tea}, schema: {properties: {item: {type: string}}}}",
            "      output: {example: {ok: true, count: 2}}",
            "  - route: GET /plain",
            "    price: $0.01");

    assertThat(c.discovery().allRoutes()).isTrue();
    assertThat(c.discovery().service())
        .isEqualTo(
            new ServiceMetadata(
                "Weather Inc", List.of("weather", "forecast"), "https://example.com/i.png"));
    Map<String, Object> extension = c.routes().get(0).discovery().forRequest("POST", null, null);
    @SuppressWarnings("unchecked")
    Map<String, Object> info = (Map<String, Object>) extension.get("info");
    assertThat(info.get("input"))
        .isEqualTo(
            Map.of(
                "type",
                "http",
                "method",
                "POST",
                "bodyType",
                "json",
                "body",
                Map.of("item", "tea")));
    assertThat(info.get("output"))
        .isEqualTo(Map.of("type", "json", "example", Map.of("ok", true, "count", 2L)));
    assertThat(c.routes().get(1).discovery()).isNull();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "discovery: {routeTemplate: /a/%2e%2e/admin}"
            + " | routes[0].discovery.routeTemplate: routeTemplate '/a/%2e%2e/admin' is not",
        "discovery: {input: {body: {example: {a: 1}}}}"
            + " | routes[0].discovery.input.body: the route GET /a/:id takes no body",
        "discovery: {input: {body: {type: xml}}} | routes[0].discovery.input.body.type must be",
        "discovery: {output: {schema: {type: object}}}"
            + " | routes[0].discovery.output.schema describes output.example",
        "discovery: {output: {example: {a: 1}, schema: {$ref: 'https://evil/x'}}}"
            + " | routes[0].discovery.output.schema: output schema.$ref: a schema may only refer",
        "discovery: {input: {query: {}}} | unknown setting routes[0].discovery.input.query",
        "discovery: {input: {queryParams: {example: [1]}}}"
            + " | routes[0].discovery.input.queryParams.example must be a mapping",
      })
  void aBadRouteSectionIsNamed(String section, String message) {
    String method = section.contains("type: xml") ? "POST" : "GET";
    assertThatThrownBy(
            () ->
                read(
                    "routes:",
                    "  - route: " + method + " /a/:id",
                    "    price: $0.01",
                    "    " + section))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "service: {name: '"
            + "a-name-that-is-far-too-long-for-the-spec"
            + "'} | service.name must be",
        "service: {name: 'caf\u00e9'} | service.name must be 1 to 32 printable ASCII",
        "service: {tags: [a, b, c, d, e, f]} | service.tags: give at most 5 tags",
        "service: {tags: [a, A]} | service.tags: give at most 5 tags, each once",
        "service: {iconUrl: 'http://127.0.0.1/i.png'} | service.iconUrl must be an http(s) URL",
        "service: {iconUrl: 'https://user@example.com/i.png'} | service.iconUrl must be",
        "discoverable: maybe | discoverable must be",
      })
  void badServiceMetadataIsNamed(String setting, String message) {
    assertThatThrownBy(() -> read(setting, "routes: [{route: GET /a, price: $0.01}]"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }
}
