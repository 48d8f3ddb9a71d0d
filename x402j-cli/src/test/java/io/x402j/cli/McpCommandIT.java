package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.x402j.client.testing.TestShop;
import io.x402j.core.testing.ChildJvm;
import io.x402j.mcp.AgentWallet;
import io.x402j.testkit.TestMarket;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code x402j mcp} launched as a process and driven by the official Java MCP client over stdio,
 * against an x402j seller on the devnet with the in-process x402j facilitator.
 */
class McpCommandIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static TestMarket market;
  static TestShop shop;

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.startMirroringBaseSepolia(); // the built-in registry knows its USDC
    shop = TestShop.start(market);
  }

  @AfterAll
  static void stop() {
    shop.close();
    market.close();
  }

  static List<String> command(String... args) {
    List<String> command = new ArrayList<>(ChildJvm.main(X402j.class, "mcp"));
    command.addAll(List.of(args));
    return command;
  }

  static String key() {
    return market.info().requireAccount("buyer").privateKey();
  }

  static McpSyncClient client(String... args) {
    List<String> command = command(args);
    ServerParameters server =
        ServerParameters.builder(command.get(0))
            .args(command.subList(1, command.size()))
            .env(Map.of("X402J_PRIVATE_KEY", key()))
            .build();
    McpSyncClient client =
        McpClient.sync(new StdioClientTransport(server, AgentWallet.jsonMapper()))
            .requestTimeout(Duration.ofSeconds(60))
            .initializationTimeout(Duration.ofSeconds(60))
            .build();
    client.initialize();
    return client;
  }

  static CallToolResult call(McpSyncClient client, String tool, Map<String, Object> arguments) {
    CallToolResult result = client.callTool(new CallToolRequest(tool, arguments, null));
    String text = text(result);
    assertThat(text).doesNotContain(key().substring(2)).doesNotContain(key().substring(2, 20));
    return result;
  }

  static String text(CallToolResult result) {
    return ((TextContent) result.content().get(0)).text();
  }

  static JsonNode structured(CallToolResult result) {
    return JSON.valueToTree(result.structuredContent());
  }

  @Test
  void paysWithinTheBudgetOnceThenRefusesAndReportsBalances() throws Exception {
    Path spendLog = Files.createTempDirectory("x402j-mcp").resolve("spend.log");
    String buyer = market.buyer().address().toString();
    try (McpSyncClient client =
        client(
            "--budget",
            "$0.015",
            "--spend-log",
            spendLog.toString(),
            "--rpc-url",
            market.info().rpcUrl())) {
      assertThat(client.listTools().tools())
          .extracting(t -> t.name())
          .containsExactlyInAnyOrder("x402_fetch", "x402_inspect", "x402_balance", "x402_discover");

      BigInteger seller = market.sellerBalance();
      BigInteger buyerTokens = market.balance(market.buyer().address());

      // inspect: the offer, in atomic units and dollars; nothing paid
      CallToolResult inspected =
          call(client, "x402_inspect", Map.of("url", shop.url() + "/weather"));
      assertThat(inspected.isError()).as(text(inspected)).isFalse();
      JsonNode offer = structured(inspected).get("offers").get(0);
      assertThat(offer.get("amountAtomic").asText()).isEqualTo("10000");
      assertThat(offer.get("usd").asText()).isEqualTo("$0.01");
      assertThat(offer.get("payTo").asText()).isEqualToIgnoringCase(market.payTo());
      assertThat(offer.get("network").asText()).isEqualTo("eip155:84532");
      assertThat(structured(inspected).get("wouldPay").get("amountAtomic").asText())
          .isEqualTo("10000");
      assertThat(market.sellerBalance()).isEqualTo(seller);

      JsonNode before = structured(call(client, "x402_balance", Map.of()));
      JsonNode usdcBefore = before.get("balances").get(0).get("token");
      assertThat(usdcBefore.get("atomic").asText()).isEqualTo(buyerTokens.toString());
      assertThat(before.get("balances").get(0).get("address").asText()).isEqualTo(buyer);

      // fetch within the budget: paid once, the transaction reported
      CallToolResult paid = call(client, "x402_fetch", Map.of("url", shop.url() + "/weather"));
      assertThat(paid.isError()).as(text(paid)).isFalse();
      JsonNode out = structured(paid);
      assertThat(out.get("status").asInt()).isEqualTo(200);
      assertThat(out.get("body").asText()).contains("\"path\":\"/weather\"");
      JsonNode payment = out.get("payment");
      assertThat(payment.get("amountAtomic").asText()).isEqualTo("10000");
      assertThat(payment.get("amount").asText()).isEqualTo("0.01 USDC");
      assertThat(payment.get("network").asText()).isEqualTo("eip155:84532");
      assertThat(payment.get("payer").asText()).isEqualToIgnoringCase(buyer);
      assertThat(payment.get("transaction").asText()).matches("0x[0-9a-f]{64}");
      assertThat(payment.get("settled").asBoolean()).isTrue();
      assertThat(market.sellerBalance()).isEqualTo(seller.add(BigInteger.valueOf(10_000)));

      // a second fetch would pass the $0.015 budget: refused, nothing signed or sent paid
      int requests = shop.requests.get();
      CallToolResult refused = call(client, "x402_fetch", Map.of("url", shop.url() + "/weather"));
      assertThat(refused.isError()).isTrue();
      assertThat(text(refused)).contains("nothing was paid").contains("budget");
      assertThat(structured(refused).get("paid").asBoolean()).isFalse();
      assertThat(shop.requests.get() - requests).as("only the unpaid request").isEqualTo(1);
      assertThat(market.sellerBalance()).isEqualTo(seller.add(BigInteger.valueOf(10_000)));

      // over the per-payment maximum: refused
      CallToolResult pricey = call(client, "x402_fetch", Map.of("url", shop.url() + "/pricey"));
      assertThat(pricey.isError()).isTrue();
      assertThat(text(pricey)).contains("exceeds the maximum of $0.10 per payment");

      // a free URL: answered, nothing paid
      CallToolResult free = call(client, "x402_fetch", Map.of("url", shop.url() + "/free"));
      assertThat(free.isError()).as(text(free)).isFalse();
      assertThat(structured(free).get("paid").asBoolean()).isFalse();
      assertThat(structured(free).get("body").asText()).isEqualTo("free");

      // the balance shows the movement
      JsonNode after = structured(call(client, "x402_balance", Map.of("network", "eip155:84532")));
      assertThat(after.get("balances").get(0).get("token").get("atomic").asText())
          .isEqualTo(buyerTokens.subtract(BigInteger.valueOf(10_000)).toString());
      assertThat(market.sellerBalance()).isEqualTo(seller.add(BigInteger.valueOf(10_000)));
    }
  }

  @Test
  void networkOutsideTheAllowListIsRefused() throws Exception {
    try (McpSyncClient client = client("--network", "eip155:8453")) {
      BigInteger seller = market.sellerBalance();
      CallToolResult refused = call(client, "x402_fetch", Map.of("url", shop.url() + "/weather"));
      assertThat(refused.isError()).isTrue();
      assertThat(text(refused)).contains("nothing was paid").contains("eip155:84532");
      assertThat(market.sellerBalance()).isEqualTo(seller);
    }
  }

  @Test
  void stdoutCarriesOnlyMcpAndTheServerEndsWithStdin() throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command());
    builder.environment().put("X402J_PRIVATE_KEY", key());
    builder.environment().put("X402J_LOG_LEVEL", "DEBUG");
    Process process = builder.start();
    OutputStream in = process.getOutputStream();
    String[] messages = {
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
          + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}",
      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
      "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"x402_fetch\","
          + "\"arguments\":{\"url\":\"ftp://nowhere\"}}}"
    };
    for (String m : messages) {
      in.write((m + "\n").getBytes(StandardCharsets.UTF_8));
    }
    in.flush();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    List<JsonNode> lines = new ArrayList<>();
    String line;
    while ((line = out.readLine()) != null) {
      lines.add(JSON.readTree(line)); // fails on anything that is not JSON
      if (lines.get(lines.size() - 1).path("id").asInt() == 2) {
        break;
      }
    }
    in.close();
    String rest = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(rest.isBlank()).as(rest).isTrue();
    assertThat(process.exitValue()).isZero();
    JsonNode result = lines.get(lines.size() - 1).get("result");
    assertThat(result.get("isError").asBoolean()).isTrue();
    assertThat(result.get("content").get(0).get("text").asText())
        .contains("must start with http:// or https://");
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(err).contains("x402j mcp: serving").doesNotContain(key().substring(2));
  }
}
