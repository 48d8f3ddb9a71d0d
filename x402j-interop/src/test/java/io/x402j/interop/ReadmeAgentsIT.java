package io.x402j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.x402j.client.Payer;
import io.x402j.client.SpendControls;
import io.x402j.client.SpendLog;
import io.x402j.mcp.PaidToolResult;
import io.x402j.mcp.PayingMcpClient;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Agents" examples, run: {@link WeatherToolServer} (the paid tool) as a separate
 * process over stdio, paid by the README's {@code PayingMcpClient} code on a devnet mirroring Base
 * Sepolia, with the x402j facilitator.
 */
class ReadmeAgentsIT {
  @TempDir Path dir;

  @Test
  void theReadmeBuyerPaysTheReadmeTool() throws Exception {
    try (TestMarket market = TestMarket.startMirroringBaseSepolia()) {
      BigInteger sellerBefore = market.sellerBalance();
      // java, its options, -cp and this class path, then the README's tool server.
      List<String> command = io.x402j.core.testing.ChildJvm.main(WeatherToolServer.class);

      // As in the README, but with the devnet's buyer and facilitator.
      McpSyncClient mcp =
          McpClient.sync(
                  new StdioClientTransport(
                      ServerParameters.builder(command.get(0))
                          .args(command.subList(1, command.size()))
                          .env(
                              Map.of(
                                  "PAY_TO",
                                  market.payTo(),
                                  "FACILITATOR_URL",
                                  market.facilitatorUrl()))
                          .build(),
                      new JacksonMcpJsonMapper(new ObjectMapper())))
              .requestTimeout(Duration.ofSeconds(60))
              .build();
      mcp.initialize();
      Payer payer =
          Payer.builder()
              .signer(market.buyer())
              .networks(market.networks())
              .spendControls(
                  SpendControls.builder()
                      .maxPerPaymentUsd("0.01")
                      .budgetUsd("1", Duration.ofDays(1))
                      .build())
              .spendLog(SpendLog.open(dir.resolve("spend.log")))
              .build();
      try (PayingMcpClient tools =
          PayingMcpClient.builder(mcp, payer).server(URI.create("mcp://weather-tools")).build()) {
        PaidToolResult r = tools.callTool("weather", Map.of("city", "Oslo"));

        assertThat(((TextContent) r.result().content().get(0)).text()).isEqualTo("Sunny in Oslo");
        assertThat(r.settled()).isTrue();
        assertThat(r.paid().orElseThrow().describe()).isNotBlank();
        assertThat(r.transaction()).isPresent();
      }
      assertThat(market.sellerBalance()).isEqualTo(sellerBefore.add(BigInteger.valueOf(1_000)));
    }
  }
}
