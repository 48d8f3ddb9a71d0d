package io.x402j.interop;

import static io.x402j.interop.OfficialMcp.call;
import static io.x402j.interop.OfficialMcp.list;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.x402j.devnet.NodeProject.Service;
import io.x402j.evm.EvmAddress;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code x402j mcp}, the agent's wallet, driven over stdio by the official TypeScript MCP client as
 * an agent would, paying the official {@code @x402/express} server ($0.01 for {@code GET /weather},
 * settled through the x402j facilitator on a devnet mirroring Base Sepolia) through {@code
 * x402_fetch}, within and beyond its budget.
 */
class McpAgentInteropIT {
  static final BigInteger PRICE = BigInteger.valueOf(10_000);

  static TestMarket market;
  static Service express;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.startMirroringBaseSepolia();
    express = OfficialStack.expressServer(market, market.facilitatorUrl());
  }

  @AfterAll
  static void stop() {
    express.close();
    market.close();
  }

  static String buyerKey() {
    return market.info().requireAccount("buyer").privateKey();
  }

  /** {@code x402j mcp} with a budget of $0.015 (one $0.01 payment) and at most $0.05 a payment. */
  ObjectNode wallet() {
    return OfficialMcp.stdio(
        OfficialMcp.x402j(
            "mcp",
            "--max",
            "$0.05",
            "--budget",
            "$0.015",
            "--budget-window",
            "1h",
            "--spend-log",
            dir.resolve("spend.log").toString(),
            "--network",
            market.network().toString(),
            "--rpc-url",
            market.info().rpcUrl()));
  }

  /** The agent: the key only in the wallet's environment, never on its command line. */
  JsonNode agent(ObjectNode... steps) throws Exception {
    JsonNode seen = OfficialMcp.client(wallet(), Map.of("X402J_PRIVATE_KEY", buyerKey()), steps);
    String all = seen.toString().toLowerCase(java.util.Locale.ROOT);
    assertThat(all)
        .as("the key never appears")
        .doesNotContain(buyerKey().toLowerCase().substring(2));
    return seen;
  }

  BigInteger buyerBalance() {
    return market.balance(market.buyer().address());
  }

  @Test
  void theOfficialClientListsTheWalletTools() throws Exception {
    JsonNode steps = agent(list());

    List<String> names = new ArrayList<>();
    steps.path(0).path("tools").forEach(t -> names.add(t.path("name").asText()));
    assertThat(names)
        .containsExactlyInAnyOrder("x402_fetch", "x402_inspect", "x402_balance", "x402_discover");
  }

  @Test
  void inspectShowsTheOffersAndPaysNothing() throws Exception {
    BigInteger before = buyerBalance();

    JsonNode steps = agent(call("x402_inspect", Map.of("url", express.url() + "/weather")));

    JsonNode result = steps.path(0).path("result");
    assertThat(result.path("isError").asBoolean(false)).as(steps.toString()).isFalse();
    assertThat(result.path("content").path(0).path("text").asText())
        .contains("eip155:84532")
        .contains("10000");
    assertThat(buyerBalance()).isEqualTo(before);
  }

  @Test
  void fetchPaysTheOfficialExpressServerWithinItsBudgetAndRefusesBeyond() throws Exception {
    BigInteger before = buyerBalance();
    BigInteger sellerBefore = market.sellerBalance();
    Map<String, String> weather = Map.of("url", express.url() + "/weather");

    JsonNode steps = agent(call("x402_fetch", weather), call("x402_fetch", weather));

    JsonNode paid = steps.path(0).path("result");
    assertThat(paid.path("isError").asBoolean(false)).as(steps.toString()).isFalse();
    JsonNode outcome = paid.path("structuredContent");
    assertThat(outcome.path("status").asInt()).isEqualTo(200);
    assertThat(outcome.toString()).contains("official v2");
    JsonNode payment = outcome.path("payment");
    assertThat(payment.path("network").asText()).isEqualTo("eip155:84532");
    assertThat(payment.path("amountAtomic").asText()).isEqualTo(PRICE.toString());
    assertThat(EvmAddress.parse(payment.path("payer").asText()))
        .isEqualTo(market.buyer().address());
    assertThat(
            market
                .devnet()
                .awaitReceipt(payment.path("transaction").asText())
                .path("status")
                .asText())
        .isEqualTo("0x1");

    JsonNode refused = steps.path(1).path("result");
    assertThat(refused.path("isError").asBoolean()).as(steps.toString()).isTrue();
    assertThat(refused.path("structuredContent").path("paid").asBoolean(true)).isFalse();
    assertThat(refused.path("content").path(0).path("text").asText())
        .as("names the budget")
        .containsIgnoringCase("budget");

    assertThat(buyerBalance()).as("one payment only").isEqualTo(before.subtract(PRICE));
    assertThat(market.sellerBalance()).isEqualTo(sellerBefore.add(PRICE));
  }
}
