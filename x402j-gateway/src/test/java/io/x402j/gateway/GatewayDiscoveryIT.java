package io.x402j.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.x402j.config.ConfigSection;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.testkit.RawHttp;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A gateway started from a configuration file with discovery settings, in front of an upstream: its
 * 402s declare {@code bazaar} for each route (method pinned, route template for {@code :param}
 * routes, the file's input and output), with the service metadata; HEAD and preflights declare
 * nothing. No payment is made, so no facilitator is asked.
 */
class GatewayDiscoveryIT {
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final AtomicInteger upstreamHits = new AtomicInteger();
  static HttpServer upstream;
  static Gateway gateway;

  @BeforeAll
  static void start() throws Exception {
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          upstreamHits.incrementAndGet();
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    upstream.start();
    String yaml =
        String.join(
            "\n",
            "port: 0",
            "upstream: http://127.0.0.1:" + upstream.getAddress().getPort(),
            "facilitator: {url: 'http://127.0.0.1:9'}   # never asked: nothing is paid",
            "network: eip155:84532",
            "payTo: '0x857b06519E91e3A54538791bDbb0E22373e36b66'",
            "discoverable: true",
            "service: {name: Weather Inc, tags: [weather]}",
            "routes:",
            "  - route: GET /weather/:city",
            "    price: $0.001",
            "    description: Weather by city",
            "    mimeType: application/json",
            "    discovery:",
            "      input:",
            "        queryParams:",
            "          example: {units: metric}",
            "          schema: {properties: {units: {type: string, enum: [metric, imperial]}}}",
            "      output: {example: {temperature: 21.5}}",
            "  - route: POST /orders",
            "    price: $0.01",
            "    discovery:",
            "      input: {body: {example: {item: tea, quantity: 2}}}",
            "  - route: GET /plain",
            "    price: $0.01",
            "");
    gateway =
        GatewayConfig.read(ConfigSection.parse(yaml, "gateway.yaml", Map.of())).start(Map.of());
  }

  @AfterAll
  static void stop() {
    gateway.close();
    upstream.stop(0);
  }

  static PaymentRequired unpaid(String method, String path) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(gateway.url() + path))
                .method(
                    method,
                    method.equals("POST")
                        ? HttpRequest.BodyPublishers.ofString("{}")
                        : HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(method + " " + path).isEqualTo(402);
    return HEADERS.decodePaymentRequired(
        response.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> at(Object root, String... path) {
    Object node = root;
    for (String p : path) {
      node = ((Map<String, Object>) node).get(p);
    }
    return (Map<String, Object>) node;
  }

  @Test
  void aParameterRouteDeclaresItsTemplateQueryAndOutput() throws Exception {
    PaymentRequired required = unpaid("GET", "/weather/paris?units=metric");

    Map<String, Object> bazaar = at(required.extensions(), "bazaar");
    assertThat(bazaar).containsEntry("routeTemplate", "/weather/:city");
    assertThat(at(bazaar, "info", "input"))
        .isEqualTo(
            Map.of(
                "type",
                "http",
                "method",
                "GET",
                "queryParams",
                Map.of("units", "metric"),
                "pathParams",
                Map.of("city", "paris")));
    assertThat(at(bazaar, "info", "output"))
        .containsEntry("example", Map.of("temperature", new java.math.BigDecimal("21.5")));
    assertThat(at(bazaar, "schema", "properties", "input", "properties", "method"))
        .isEqualTo(Map.of("type", "string", "enum", List.of("GET")));
    assertThat(required.resource().description()).isEqualTo("Weather by city");
    assertThat(required.resource().additionalFields())
        .isEqualTo(Map.of("serviceName", "Weather Inc", "tags", List.of("weather")));
    assertThat(upstreamHits).hasValue(0);
  }

  @Test
  void aBodyRouteDeclaresItsBodyAndARouteWithoutASectionItsDefaults() throws Exception {
    Map<String, Object> orders = at(unpaid("POST", "/orders").extensions(), "bazaar");
    assertThat(at(orders, "info", "input"))
        .containsEntry("method", "POST")
        .containsEntry("bodyType", "json")
        .containsEntry("body", Map.of("item", "tea", "quantity", 2L));

    Map<String, Object> plain = at(unpaid("GET", "/plain").extensions(), "bazaar");
    assertThat(plain).doesNotContainKey("routeTemplate");
    assertThat(at(plain, "info", "input"))
        .isEqualTo(Map.of("type", "http", "method", "GET", "queryParams", Map.of()));
  }

  @Test
  void headAndPreflightsDeclareNothing() throws Exception {
    RawHttp raw = new RawHttp("127.0.0.1", gateway.port());
    String head =
        raw.exchangeWhole(
            ("HEAD /weather/paris HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
    assertThat(head).startsWith("HTTP/1.1 402");
    String header =
        head.lines()
            .filter(l -> l.regionMatches(true, 0, "PAYMENT-REQUIRED:", 0, 17))
            .findFirst()
            .orElseThrow()
            .substring(17)
            .strip();
    assertThat(HEADERS.decodePaymentRequired(header).extensions()).isNull();

    String preflight =
        raw.exchangeWhole(
            ("OPTIONS /weather/paris HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://a.example\r\n"
                    + "Access-Control-Request-Method: GET\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
    assertThat(preflight).doesNotStartWith("HTTP/1.1 402").doesNotContainIgnoringCase("bazaar");
  }
}
