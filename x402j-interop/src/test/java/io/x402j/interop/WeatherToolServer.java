package io.x402j.interop;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.x402j.core.Network;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.mcp.McpPaywall;
import io.x402j.server.PaidRoute;
import java.util.List;
import java.util.Map;

/**
 * A copy of the README's paid tool ("Agents"; kept in step by hand, nothing compares them): an MCP
 * server over stdio selling {@code weather} for $0.001 on Base Sepolia. {@link ReadmeAgentsIT} runs
 * it on the devnet and pays it with the README's {@code PayingMcpClient} example.
 */
public final class WeatherToolServer {
  public static void main(String[] args) {
    String payTo = System.getenv("PAY_TO"); // your address
    McpPaywall paywall =
        McpPaywall.builder()
            .facilitator(HttpFacilitatorClient.builder(System.getenv("FACILITATOR_URL")).build())
            .build();
    SyncToolSpecification weather =
        SyncToolSpecification.builder()
            .tool(
                Tool.builder(
                        "weather",
                        Map.of(
                            "type", "object",
                            "properties", Map.of("city", Map.of("type", "string")),
                            "required", List.of("city")))
                    .description("Today's weather in a city")
                    .build())
            .callHandler(
                (exchange, call) ->
                    CallToolResult.builder()
                        .addTextContent("Sunny in " + call.arguments().get("city"))
                        .build())
            .build();
    McpServer.sync(new StdioServerTransportProvider(new JacksonMcpJsonMapper(new ObjectMapper())))
        .serverInfo("weather", "1.0.0")
        .capabilities(ServerCapabilities.builder().tools(false).build())
        .tools(paywall.sell(weather, PaidRoute.of("$0.001", Network.evm(84532), payTo)))
        .build();
  }
}
