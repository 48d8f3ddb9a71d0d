package io.x402j.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.x402j.client.Payer;
import io.x402j.client.SpendControls;
import io.x402j.core.discovery.DiscoveryClient;
import io.x402j.evm.PrivateKeySigner;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code x402_discover} against a facilitator that answers the Bazaar endpoints. */
class AgentWalletDiscoverTest {
  static final String OFFER =
      "{\"scheme\":\"exact\",\"network\":\"eip155:84532\",\"amount\":\"10000\","
          + "\"asset\":\"0x036CbD53842c5426634e7929541eC2318f3dCF7e\","
          + "\"payTo\":\"0x209693Bc6afc0C5328bA36FaF03C514EF312287C\",\"maxTimeoutSeconds\":60}";
  static final String ITEM =
      "{\"resource\":\"https://api.example/weather\",\"type\":\"http\",\"x402Version\":2,"
          + "\"accepts\":["
          + OFFER
          + "],\"description\":\"Weather now\",\"extensions\":{\"bazaar\":{\"info\":{\"input\":"
          + "{\"type\":\"http\",\"method\":\"GET\",\"queryParams\":{\"city\":\"Paris\"}}}}}}";

  HttpServer server;
  final List<String> queries = new CopyOnWriteArrayList<>();
  volatile int status = 200;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            String path = exchange.getRequestURI().getPath();
            queries.add(path + "?" + exchange.getRequestURI().getRawQuery());
            String body =
                path.endsWith("/search")
                    ? "{\"x402Version\":2,\"resources\":[" + ITEM + "]}"
                    : "{\"x402Version\":2,\"items\":["
                        + ITEM
                        + "],\"pagination\":{\"limit\":20,\"offset\":0,\"total\":1}}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  static CallToolResult call(AgentWallet wallet, Map<String, Object> arguments) {
    return wallet.tools().stream()
        .filter(t -> t.tool().name().equals(AgentWallet.DISCOVER))
        .findFirst()
        .orElseThrow()
        .callHandler()
        .apply(null, new CallToolRequest(AgentWallet.DISCOVER, arguments, null));
  }

  static Payer payer() {
    return Payer.builder()
        .signer(PrivateKeySigner.fromHex(AgentWalletTest.KEY))
        .spendControls(SpendControls.builder().maxPerPaymentUsd("$0.10").build())
        .build();
  }

  AgentWallet wallet() {
    return AgentWallet.builder(payer())
        .discovery(DiscoveryClient.builder(url() + "/fac").build())
        .build();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> structured(CallToolResult result) {
    return (Map<String, Object>) result.structuredContent();
  }

  @Test
  @SuppressWarnings("unchecked")
  void searchReturnsPricedOffersAndHowToPayThem() {
    CallToolResult result =
        call(
            wallet(),
            Map.of("query", "weather", "network", "base-sepolia", "type", "http", "limit", 5));

    assertThat(result.isError()).isFalse();
    assertThat(URLDecoder.decode(queries.get(0), StandardCharsets.UTF_8))
        .isEqualTo("/fac/discovery/search?query=weather&type=http&network=eip155:84532&limit=5");
    Map<String, Object> out = structured(result);
    List<Map<String, Object>> resources = (List<Map<String, Object>>) out.get("resources");
    assertThat(resources).hasSize(1);
    assertThat(resources.get(0))
        .containsEntry("resource", "https://api.example/weather")
        .containsEntry("method", "GET")
        .containsEntry("description", "Weather now")
        .containsKey("input");
    Map<String, Object> offer = ((List<Map<String, Object>>) resources.get(0).get("offers")).get(0);
    assertThat(offer).containsEntry("usd", "$0.01").containsEntry("network", "eip155:84532");
    assertThat(out.get("howToPay").toString()).contains("x402_fetch");
  }

  @Test
  void withoutAQueryItLists() {
    CallToolResult result = call(wallet(), Map.of());

    assertThat(result.isError()).isFalse();
    assertThat(queries.get(0)).isEqualTo("/fac/discovery/resources?limit=20");
  }

  @Test
  void withoutAFacilitatorTheToolSaysItIsNotConfigured() {
    AgentWallet wallet = AgentWallet.builder(payer()).build();

    CallToolResult result = call(wallet, Map.of("query", "weather"));

    assertThat(result.isError()).isTrue();
    assertThat(((TextContent) result.content().get(0)).text())
        .contains("not configured", "--discovery-facilitator");
  }

  @Test
  void badArgumentsAndFacilitatorFailuresAreErrorResults() {
    AgentWallet wallet = wallet();
    Map<Map<String, Object>, String> cases = new java.util.LinkedHashMap<>();
    cases.put(Map.of("limit", 0), "limit must be a whole number from 1 to 100");
    cases.put(Map.of("limit", 2.5), "limit must be a whole number");
    cases.put(Map.of("limit", "5"), "limit must be a whole number, got a string");
    cases.put(Map.of("type", "ftp"), "type must be http or mcp");
    cases.put(Map.of("network", "atlantis"), "neither a CAIP-2 identifier");
    cases.put(Map.of("url", "x"), "unknown argument 'url'");
    cases.forEach(
        (arguments, message) -> {
          CallToolResult result = call(wallet, arguments);
          assertThat(result.isError()).as("%s", arguments).isTrue();
          assertThat(structured(result).get("error").toString())
              .as("%s", arguments)
              .contains(message);
        });
    assertThat(queries).isEmpty();

    status = 503;
    CallToolResult failed = call(wallet, Map.of());
    assertThat(failed.isError()).isTrue();
    assertThat(structured(failed).get("error").toString()).contains("HTTP 503");
  }
}
