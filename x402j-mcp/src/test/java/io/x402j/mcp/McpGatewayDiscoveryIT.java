package io.x402j.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.x402j.core.Network;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.server.PaidRoute;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A discoverable gateway: a priced upstream tool's payment-required result declares {@code bazaar}
 * {@code type: "mcp"} with the tool's name, input schema and description as the upstream lists
 * them; a free tool declares nothing. Nothing is paid, so the facilitator is never asked.
 */
class McpGatewayDiscoveryIT {
  static McpGateway gateway;

  @BeforeAll
  static void start() {
    McpPaywall paywall =
        McpPaywall.builder()
            .facilitator(HttpFacilitatorClient.builder("http://127.0.0.1:9").build())
            .build();
    gateway =
        McpGateway.builder()
            .upstreamCommand(TestUpstream.command())
            .upstreamStderr(line -> {})
            .price(
                "weather",
                PaidRoute.of(
                    "$0.01", Network.evm(84532), "0x857b06519E91e3A54538791bDbb0E22373e36b66"))
            .seller(paywall::sell)
            .discoverable(true)
            .http(0)
            .start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  @SuppressWarnings("unchecked")
  void aPricedToolDeclaresItselfAsTheUpstreamListsIt() {
    try (McpSyncClient client = McpGatewayProxyIT.client(gateway.url().orElseThrow(), t -> {})) {
      Tool weather =
          client.listTools().tools().stream()
              .filter(t -> t.name().equals("weather"))
              .findFirst()
              .orElseThrow();

      CallToolResult result =
          client.callTool(McpGatewayProxyIT.call("weather", Map.of("city", "Paris")));

      assertThat(result.isError()).isTrue();
      PaymentRequired required = McpPayments.paymentRequired(result).orElseThrow();
      Map<String, Object> bazaar = (Map<String, Object>) required.extensions().get("bazaar");
      Map<String, Object> input =
          (Map<String, Object>) ((Map<String, Object>) bazaar.get("info")).get("input");
      assertThat(input)
          .containsEntry("type", "mcp")
          .containsEntry("toolName", "weather")
          .containsEntry("description", "Today's weather");
      assertThat(input.get("inputSchema"))
          .isEqualTo(io.x402j.core.support.JsonValues.canonical(weather.inputSchema(), "schema"));
      assertThat(bazaar).doesNotContainKey("routeTemplate");

      CallToolResult free = client.callTool(McpGatewayProxyIT.call("echo", Map.of("text", "x")));
      assertThat(free.isError()).isNotEqualTo(Boolean.TRUE);
      assertThat(McpPayments.paymentRequired(free)).isEmpty();
      assertThat(gateway.pricedTools()).isEqualTo(List.of("weather"));
    }
  }
}
