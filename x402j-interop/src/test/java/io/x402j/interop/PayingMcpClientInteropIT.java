package io.x402j.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.x402j.client.Payer;
import io.x402j.client.PaymentRefusedException;
import io.x402j.client.SpendControls;
import io.x402j.evm.EvmAddress;
import io.x402j.mcp.PaidToolResult;
import io.x402j.mcp.PayingMcpClient;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * x402j's {@link PayingMcpClient} paying an MCP server written with the official TypeScript MCP SDK
 * that sells its {@code weather} tool for $0.01 ({@code mcp-seller.mjs}: the payment work done by
 * the official {@code @x402/core} resource server through the x402j facilitator; the MCP binding
 * written by hand from the spec, as {@code @x402/mcp} is not on npm), in the tool-result form and
 * in the JSON-RPC error form (code 402).
 */
class PayingMcpClientInteropIT {
  static final BigInteger PRICE = BigInteger.valueOf(10_000);
  static final Map<String, Object> OSLO = Map.of("city", "Oslo");

  static TestMarket market;

  @TempDir Path dir;
  Path calls;

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.startMirroringBaseSepolia();
  }

  @AfterAll
  static void stop() {
    market.close();
  }

  @BeforeEach
  void callLog() throws Exception {
    calls = Files.createFile(dir.resolve("calls.log"));
  }

  McpSyncClient officialSeller(boolean errorForm) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("X402J_FACILITATOR_URL", market.facilitatorUrl());
    env.put("X402J_PAY_TO", market.payTo());
    env.put("X402J_MCP_CALL_LOG", calls.toString());
    env.put("X402J_MCP_ERROR_FORM", errorForm ? "1" : "0");
    ServerParameters node =
        ServerParameters.builder("node")
            .args(Node.project().directory().resolve("mcp-seller.mjs").toString())
            .env(env)
            .build();
    McpSyncClient client =
        McpClient.sync(new StdioClientTransport(node, new JacksonMcpJsonMapper(new ObjectMapper())))
            .requestTimeout(Duration.ofSeconds(60))
            .build();
    client.initialize();
    return client;
  }

  static PayingMcpClient paying(McpSyncClient client, String maxPerPaymentUsd) {
    Payer payer =
        Payer.builder()
            .signer(market.buyer())
            .networks(market.networks())
            .spendControls(SpendControls.builder().maxPerPaymentUsd(maxPerPaymentUsd).build())
            .build();
    return PayingMcpClient.builder(client, payer)
        .server(URI.create("mcp://official-seller"))
        .build();
  }

  void assertPaidOnce(PaidToolResult paid, BigInteger buyerBefore, BigInteger sellerBefore)
      throws Exception {
    assertThat(paid.isError()).as(paid.toString()).isFalse();
    assertThat(((McpSchema.TextContent) paid.result().content().get(0)).text())
        .contains("official MCP SDK");
    assertThat(paid.settled()).isTrue();
    assertThat(paid.network()).contains("eip155:84532");
    assertThat(paid.amount().orElseThrow().value()).isEqualTo(PRICE);
    assertThat(EvmAddress.parse(paid.payer().orElseThrow())).isEqualTo(market.buyer().address());
    assertThat(
            market.devnet().awaitReceipt(paid.transaction().orElseThrow()).path("status").asText())
        .isEqualTo("0x1");
    assertThat(Files.readAllLines(calls)).containsExactly("weather");
    assertThat(market.balance(market.buyer().address())).isEqualTo(buyerBefore.subtract(PRICE));
    assertThat(market.sellerBalance()).isEqualTo(sellerBefore.add(PRICE));
  }

  @Test
  void paysAToolTheOfficialSdkSellsWithAPaymentRequiredResult() throws Exception {
    BigInteger buyer = market.balance(market.buyer().address());
    BigInteger seller = market.sellerBalance();
    try (PayingMcpClient tools = paying(officialSeller(false), "0.10")) {
      assertPaidOnce(tools.callTool("weather", OSLO), buyer, seller);
    }
  }

  @Test
  void paysAToolTheOfficialSdkSellsWithTheJsonRpc402Error() throws Exception {
    BigInteger buyer = market.balance(market.buyer().address());
    BigInteger seller = market.sellerBalance();
    try (PayingMcpClient tools = paying(officialSeller(true), "0.10")) {
      assertPaidOnce(tools.callTool("weather", OSLO), buyer, seller);
    }
  }

  @Test
  void theSellerAnswersInTheFormItWasToldTo() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("X402J_FACILITATOR_URL", market.facilitatorUrl());
    env.put("X402J_PAY_TO", market.payTo());
    ObjectNode seller =
        OfficialMcp.stdio(
            List.of("node", Node.project().directory().resolve("mcp-seller.mjs").toString()));

    env.put("X402J_MCP_ERROR_FORM", "0");
    JsonNode result = OfficialMcp.client(seller, env, OfficialMcp.call("weather", OSLO));
    env.put("X402J_MCP_ERROR_FORM", "1");
    JsonNode error = OfficialMcp.client(seller, env, OfficialMcp.call("weather", OSLO));

    assertThat(result.path(0).path("result").path("isError").asBoolean()).isTrue();
    assertThat(result.path(0).path("result").path("structuredContent").path("accepts").size())
        .isEqualTo(1);
    assertThat(error.path(0).path("error").path("code").asInt())
        .as(error.toString())
        .isEqualTo(402);
    assertThat(error.path(0).path("error").path("data"))
        .isEqualTo(result.path(0).path("result").path("structuredContent"));
  }

  @Test
  void aFreeToolIsNotPaid() throws Exception {
    BigInteger buyer = market.balance(market.buyer().address());
    try (PayingMcpClient tools = paying(officialSeller(false), "0.10")) {
      PaidToolResult free = tools.callTool("echo", Map.of("text", "hello"));

      assertThat(free.paid()).isEmpty();
      assertThat(((McpSchema.TextContent) free.result().content().get(0)).text())
          .isEqualTo("hello");
    }
    assertThat(market.balance(market.buyer().address())).isEqualTo(buyer);
  }

  @Test
  void anOfferAboveTheLimitIsRefusedAndNothingIsSigned() throws Exception {
    BigInteger buyer = market.balance(market.buyer().address());
    try (PayingMcpClient tools = paying(officialSeller(false), "0.005")) {
      assertThatThrownBy(() -> tools.callTool("weather", OSLO))
          .isInstanceOf(PaymentRefusedException.class);
    }
    assertThat(Files.readAllLines(calls)).isEmpty();
    assertThat(market.balance(market.buyer().address())).isEqualTo(buyer);
  }
}
