package io.x402j.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import io.x402j.client.Payer;
import io.x402j.client.PayerListener;
import io.x402j.client.PaymentRefusedException;
import io.x402j.client.PlannedPayment;
import io.x402j.client.SpendControls;
import io.x402j.client.SpendLog;
import io.x402j.core.TokenAmount;
import io.x402j.mcp.testing.McpHttpServer;
import io.x402j.server.PaidRoute;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The paying MCP client end to end: a Java MCP SDK server selling tools through {@link McpPaywall}
 * (both payment-request forms), the x402j facilitator in process on an anvil devnet, and the
 * buyer's {@link Payer} with its spend controls and spend log. Money really moves.
 */
class PayingMcpClientIT {
  static final BigInteger PRICE = BigInteger.valueOf(10_000); // $0.01, 6 decimals

  static TestMarket market;
  static McpHttpServer shop;
  static McpHttpServer errorShop;
  static McpSyncClient mcp;
  static McpSyncClient errorMcp;
  static final AtomicInteger runs = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.start();
    PaidRoute price = PaidRoute.of("$0.01", market.network(), market.payTo());
    McpPaywall paywall =
        McpPaywall.builder().facilitator(market.facilitator()).networks(market.networks()).build();
    McpPaywall errorPaywall =
        McpPaywall.builder()
            .facilitator(market.facilitator())
            .networks(market.networks())
            .paymentRequiredAsError(true)
            .build();
    shop =
        McpHttpServer.start(
            List.of(
                paywall.sell(tool("weather", "sunny"), price),
                paywall.sell(failing("broken"), price),
                tool("free", "gratis")));
    errorShop = McpHttpServer.start(List.of(errorPaywall.sell(tool("weather", "sunny"), price)));
    mcp = shop.client();
    errorMcp = errorShop.client();
  }

  @AfterAll
  static void stop() {
    mcp.close();
    errorMcp.close();
    shop.close();
    errorShop.close();
    market.close();
  }

  static SyncToolSpecification tool(String name, String answer) {
    return SyncToolSpecification.builder()
        .tool(McpSchema.Tool.builder(name, Map.of("type", "object")).build())
        .callHandler(
            (exchange, request) -> {
              runs.incrementAndGet();
              return McpSchema.CallToolResult.builder()
                  .isError(false)
                  .addTextContent(answer + " in " + request.arguments().get("city"))
                  .build();
            })
        .build();
  }

  static SyncToolSpecification failing(String name) {
    return SyncToolSpecification.builder()
        .tool(McpSchema.Tool.builder(name, Map.of("type", "object")).build())
        .callHandler(
            (exchange, request) ->
                McpSchema.CallToolResult.builder()
                    .isError(true)
                    .addTextContent("the weather service is down")
                    .build())
        .build();
  }

  static Payer payer(SpendControls controls, SpendLog log, AtomicInteger signed) {
    return Payer.builder()
        .signer(market.buyer())
        .networks(market.networks())
        .spendControls(controls)
        .spendLog(log)
        .listener(
            new PayerListener() {
              @Override
              public void beforePayment(PlannedPayment payment) {
                signed.incrementAndGet();
              }
            })
        .build();
  }

  static PayingMcpClient client(McpSyncClient mcp, McpHttpServer at, Payer payer) {
    return PayingMcpClient.builder(mcp, payer).server(URI.create(at.endpoint())).build();
  }

  static String text(PaidToolResult r) {
    return ((McpSchema.TextContent) r.result().content().get(0)).text();
  }

  @Test
  void aSoldToolIsPaidSettledAndLogged(@TempDir Path dir) {
    Path file = dir.resolve("spend.log");
    BigInteger before = market.sellerBalance();
    int ran = runs.get();
    AtomicInteger signed = new AtomicInteger();
    try (SpendLog log = SpendLog.open(file)) {
      PayingMcpClient client =
          client(
              mcp,
              shop,
              payer(SpendControls.builder().maxPerPaymentUsd("0.05").build(), log, signed));

      PaidToolResult r = client.callTool("weather", Map.of("city", "Oslo"));

      assertThat(r.isError()).isFalse();
      assertThat(text(r)).isEqualTo("sunny in Oslo");
      assertThat(r.settled()).isTrue();
      assertThat(r.amount()).contains(TokenAmount.of(PRICE));
      assertThat(r.network()).contains(market.network().toString());
      assertThat(r.transaction().orElseThrow()).matches("0x[0-9a-f]{64}");
      assertThat(r.payer()).contains(market.buyer().address().toString());
      assertThat(runs.get() - ran).isEqualTo(1);
      assertThat(signed.get()).isEqualTo(1);
      assertThat(market.sellerBalance()).isEqualTo(before.add(PRICE));
      assertThat(log.spends()).hasSize(1);
      assertThat(log.spends().get(0).amount()).isEqualTo(TokenAmount.of(PRICE));
      assertThat(log.spends().get(0).host()).isEqualTo("127.0.0.1");
    }
    assertThat(file).exists();
    assertThat(readable(file)).as("the spend survives in the file").isNotEmpty();
  }

  @Test
  void theJsonRpc402FormIsPaidEndToEnd() {
    BigInteger before = market.sellerBalance();

    PaidToolResult r =
        client(
                errorMcp,
                errorShop,
                payer(SpendControls.unlimited(), SpendLog.inMemory(), new AtomicInteger()))
            .callTool("weather", Map.of("city", "Bergen"));

    assertThat(text(r)).isEqualTo("sunny in Bergen");
    assertThat(r.settled()).isTrue();
    assertThat(market.sellerBalance()).isEqualTo(before.add(PRICE));
  }

  @Test
  void anExhaustedBudgetIsRefusedWithoutSigningAndNothingMoves() {
    AtomicInteger signed = new AtomicInteger();
    SpendLog log = SpendLog.inMemory();
    PayingMcpClient client =
        client(
            mcp,
            shop,
            payer(
                SpendControls.builder().budgetUsd("0.015", Duration.ofDays(1)).build(),
                log,
                signed));
    assertThat(client.callTool("weather", Map.of("city", "Oslo")).settled()).isTrue();
    BigInteger before = market.sellerBalance();
    int ran = runs.get();

    assertThatThrownBy(() -> client.callTool("weather", Map.of("city", "Oslo")))
        .isInstanceOf(PaymentRefusedException.class)
        .hasMessageContaining("budget");

    assertThat(signed.get()).as("the second payment was never signed").isEqualTo(1);
    assertThat(runs.get()).isEqualTo(ran);
    assertThat(market.sellerBalance()).isEqualTo(before);
    assertThat(log.spends()).hasSize(1);
  }

  @Test
  void aPerHostBudgetCountsAgainstTheServerGiven() {
    PayingMcpClient client =
        client(
            mcp,
            shop,
            payer(
                SpendControls.builder()
                    .maxPerPaymentUsd("1")
                    .hostBudgetUsd("127.0.0.1", "0.005", Duration.ofDays(1))
                    .build(),
                SpendLog.inMemory(),
                new AtomicInteger()));

    assertThatThrownBy(() -> client.callTool("weather", Map.of()))
        .isInstanceOf(PaymentRefusedException.class)
        .hasMessageContaining("127.0.0.1");
  }

  @Test
  void aFailingToolIsNotChargedAndItsErrorComesBack() {
    BigInteger before = market.sellerBalance();
    SpendLog log = SpendLog.inMemory();

    PaidToolResult r =
        client(mcp, shop, payer(SpendControls.unlimited(), log, new AtomicInteger()))
            .callTool("broken", Map.of());

    assertThat(r.isError()).isTrue();
    assertThat(text(r)).isEqualTo("the weather service is down");
    assertThat(r.paid()).as("a payment was signed and sent").isPresent();
    assertThat(r.settled()).isFalse();
    assertThat(market.sellerBalance()).isEqualTo(before);
  }

  @Test
  void aFreeToolIsNotPaid() {
    SpendLog log = SpendLog.inMemory();

    PaidToolResult r =
        client(mcp, shop, payer(SpendControls.unlimited(), log, new AtomicInteger()))
            .callTool("free", Map.of("city", "Tromsø"));

    assertThat(text(r)).isEqualTo("gratis in Tromsø");
    assertThat(r.paid()).isEmpty();
    assertThat(log.spends()).isEmpty();
  }

  private static String readable(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
