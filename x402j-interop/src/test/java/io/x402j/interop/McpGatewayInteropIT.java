package io.x402j.interop;

import static io.x402j.interop.OfficialMcp.JSON;
import static io.x402j.interop.OfficialMcp.call;
import static io.x402j.interop.OfficialMcp.list;
import static io.x402j.interop.OfficialMcp.pay;
import static io.x402j.interop.OfficialMcp.payWith;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.x402j.devnet.NodeProject.Service;
import io.x402j.evm.EvmAddress;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code x402j mcp-gateway} between the official TypeScript MCP SDK on both sides: the official
 * client ({@code mcp-client.mjs}, paying with the official {@code @x402/core} client) talks over
 * stdio to the gateway, which proxies an upstream MCP server written with the official SDK ({@code
 * mcp-upstream.mjs}, knowing nothing of x402) over stdio and sells its {@code weather}, {@code
 * fail} and {@code boom} tools for $0.01 each through the x402j facilitator on a devnet mirroring
 * Base Sepolia.
 */
class McpGatewayInteropIT {
  static final BigInteger PRICE = BigInteger.valueOf(10_000);
  static final Map<String, String> OSLO = Map.of("city", "Oslo");

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

  /** The tools the upstream really ran, in order. */
  List<String> upstreamRan() throws Exception {
    return new ArrayList<>(Files.readAllLines(calls));
  }

  ObjectNode gateway() throws Exception {
    return OfficialMcp.stdio(
        gatewayCommand(
            "--upstream-command",
            OfficialMcp.nodeCommandLine("mcp-upstream.mjs", "stdio", calls.toString())));
  }

  List<String> gatewayCommand(String... upstream) {
    List<String> args = new ArrayList<>(List.of("mcp-gateway"));
    args.addAll(List.of(upstream));
    args.addAll(
        List.of(
            "--tool",
            "weather=$0.01",
            "--tool",
            "fail=$0.01",
            "--tool",
            "boom=$0.01",
            "--facilitator",
            market.facilitatorUrl(),
            "--network",
            market.network().toString(),
            "--asset",
            market.info().token().toString(),
            "--asset-name",
            market.info().tokenName(),
            "--asset-version",
            market.info().tokenVersion(),
            "--pay-to",
            market.payTo()));
    return OfficialMcp.x402j(args.toArray(String[]::new));
  }

  JsonNode officialClient(ObjectNode... steps) throws Exception {
    return OfficialMcp.client(gateway(), market.info().requireAccount("buyer").privateKey(), steps);
  }

  record Balances(BigInteger buyer, BigInteger seller) {
    static Balances now() {
      return new Balances(market.balance(market.buyer().address()), market.sellerBalance());
    }

    void assertMoved(BigInteger amount) {
      Balances after = now();
      assertThat(after.buyer()).isEqualTo(buyer.subtract(amount));
      assertThat(after.seller()).isEqualTo(seller.add(amount));
    }
  }

  /** Asserts the official payment-required tool result and returns its PaymentRequired. */
  static JsonNode assertPaymentRequired(JsonNode step, String tool) throws Exception {
    JsonNode result = step.path("result");
    assertThat(result.path("isError").asBoolean()).as(step.toString()).isTrue();
    JsonNode required = result.path("structuredContent");
    assertThat(required.path("x402Version").asInt()).as(step.toString()).isEqualTo(2);
    assertThat(required.path("resource").path("url").asText()).isEqualTo("mcp://tool/" + tool);
    JsonNode offer = required.path("accepts").path(0);
    assertThat(offer.path("scheme").asText()).isEqualTo("exact");
    assertThat(offer.path("network").asText()).isEqualTo(market.network().toString());
    assertThat(offer.path("amount").asText()).isEqualTo(PRICE.toString());
    assertThat(EvmAddress.parse(offer.path("payTo").asText())).isEqualTo(market.seller());
    assertThat(EvmAddress.parse(offer.path("asset").asText())).isEqualTo(market.info().token());
    JsonNode text = result.path("content").path(0);
    assertThat(text.path("type").asText()).isEqualTo("text");
    assertThat(JSON.readTree(text.path("text").asText()))
        .as("content[0].text is the PaymentRequired as JSON")
        .isEqualTo(required);
    return required;
  }

  /**
   * One official client session (each one starts the gateway and the upstream, seconds of the
   * build): it lists the tools, calls a free tool unpaid and a priced one unpaid.
   */
  @Test
  void theOfficialClientListsEveryToolGetsAFreeOneUnpaidAndAPricedOneAsksForPayment()
      throws Exception {
    Balances before = Balances.now();

    JsonNode steps =
        officialClient(list(), call("echo", Map.of("text", "hello")), call("weather", OSLO));

    // Every upstream tool, through the gateway.
    List<String> names = new ArrayList<>();
    steps.path(0).path("tools").forEach(t -> names.add(t.path("name").asText()));
    assertThat(names).containsExactlyInAnyOrder("echo", "weather", "fail", "boom");
    JsonNode weather = null;
    for (JsonNode tool : steps.path(0).path("tools")) {
      if (tool.path("name").asText().equals("weather")) {
        weather = tool;
      }
    }
    assertThat(weather.path("inputSchema").path("properties").has("city"))
        .as("the upstream's input schema, passed on")
        .isTrue();

    // A free tool passes through unpaid.
    JsonNode result = steps.path(1).path("result");
    assertThat(result.path("isError").asBoolean(false)).as(steps.toString()).isFalse();
    assertThat(result.path("content").path(0).path("text").asText()).isEqualTo("hello");
    assertThat(result.path("_meta").has("x402/payment-response")).isFalse();

    // A priced tool called unpaid answers payment-required and does not run.
    assertPaymentRequired(steps.path(2), "weather");

    assertThat(upstreamRan()).as("echo ran, weather did not").containsExactly("echo");
    before.assertMoved(BigInteger.ZERO);
  }

  /**
   * The official x402 client pays a priced tool and gets the result with a receipt; the same
   * payment sent again is refused (one session).
   */
  @Test
  void theOfficialX402ClientPaysAPricedToolGetsTheResultWithAReceiptAndItsReplayIsRefused()
      throws Exception {
    Balances before = Balances.now();

    JsonNode steps = officialClient(pay("weather", OSLO), payWith("weather", OSLO, 0));

    JsonNode step = steps.path(0);
    assertPaymentRequired(step.path("unpaid"), "weather");
    JsonNode result = step.path("result");
    assertThat(result.path("isError").asBoolean(false)).as(step.toString()).isFalse();
    assertThat(JSON.readTree(result.path("content").path(0).path("text").asText()))
        .isEqualTo(JSON.readTree("{\"city\":\"Oslo\",\"weather\":\"sunny\"}"));
    JsonNode receipt = result.path("_meta").path("x402/payment-response");
    assertThat(receipt.path("success").asBoolean()).as(step.toString()).isTrue();
    assertThat(receipt.path("network").asText()).isEqualTo(market.network().toString());
    assertThat(EvmAddress.parse(receipt.path("payer").asText()))
        .isEqualTo(market.buyer().address());
    assertThat(
            market
                .devnet()
                .awaitReceipt(receipt.path("transaction").asText())
                .path("status")
                .asText())
        .isEqualTo("0x1");

    JsonNode replay = steps.path(1);
    assertThat(replay.path("payload")).isEqualTo(steps.path(0).path("payload"));
    JsonNode refused = assertPaymentRequired(replay, "weather");
    assertThat(refused.path("error").asText()).as("names why: " + refused).isNotBlank();
    assertThat(replay.path("result").path("_meta").has("x402/payment-response")).isFalse();
    assertThat(upstreamRan()).as("the tool ran once").containsExactly("weather");
    before.assertMoved(PRICE);
  }

  @Test
  void overStreamableHttpToAnUpstreamOverStreamableHttp() throws Exception {
    Balances before = Balances.now();
    try (Service upstream =
            Node.project()
                .start(
                    "mcp-upstream.mjs",
                    Map.of(),
                    Duration.ofSeconds(60),
                    "http",
                    calls.toString());
        Started gateway =
            Started.x402j(gatewayCommand("--upstream-url", upstream.url(), "--port", "0"), dir)) {
      JsonNode steps =
          OfficialMcp.client(
              OfficialMcp.http(gateway.url()),
              market.info().requireAccount("buyer").privateKey(),
              list(),
              call("echo", Map.of("text", "hello")),
              pay("weather", OSLO));

      assertThat(steps.path(0).path("tools").size()).as(steps.toString()).isEqualTo(4);
      assertThat(steps.path(1).path("result").path("content").path(0).path("text").asText())
          .isEqualTo("hello");
      assertPaymentRequired(steps.path(2).path("unpaid"), "weather");
      assertThat(
              steps
                  .path(2)
                  .path("result")
                  .path("_meta")
                  .path("x402/payment-response")
                  .path("success")
                  .asBoolean())
          .as(steps.toString())
          .isTrue();
    }
    assertThat(upstreamRan()).containsExactly("echo", "weather");
    before.assertMoved(PRICE);
  }

  @Test
  void aPricedToolThatFailsIsNotCharged() throws Exception {
    Balances before = Balances.now();

    JsonNode steps = officialClient(pay("fail", Map.of()), pay("boom", Map.of()));

    for (JsonNode step : steps) {
      assertThat(step.path("paymentRequired").path("accepts").size())
          .as(step.toString())
          .isEqualTo(1);
      JsonNode result = step.path("result");
      assertThat(result.path("isError").asBoolean()).as(step.toString()).isTrue();
      assertThat(result.path("_meta").has("x402/payment-response")).isFalse();
      assertThat(result.has("structuredContent"))
          .as("the tool's own error, not a payment-required answer: " + step)
          .isFalse();
    }
    assertThat(steps.path(0).path("result").path("content").path(0).path("text").asText())
        .isEqualTo("upstream failure");
    assertThat(steps.path(1).path("result").path("content").path(0).path("text").asText())
        .contains("upstream exploded");
    assertThat(upstreamRan()).containsExactly("fail", "boom");
    before.assertMoved(BigInteger.ZERO);
  }
}
