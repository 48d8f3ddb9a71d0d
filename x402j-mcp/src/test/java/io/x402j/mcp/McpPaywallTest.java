package io.x402j.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.facilitator.Facilitator;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.evm.ExactEvmClient;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.server.PaidRoute;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The paywall's answers to what a facilitator says, without a chain: a scripted in-process
 * facilitator (the {@code Facilitator} interface is ours), the tool spec called directly.
 */
class McpPaywallTest {
  private static final Network BASE_SEPOLIA = Network.evm(84532);
  private static final String SELLER = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
  private static final PrivateKeySigner BUYER = PrivateKeySigner.fromHex("0x" + "11".repeat(32));
  private static final PaidRoute PRICE = PaidRoute.of("$0.01", BASE_SEPOLIA, SELLER);

  /** Answers verify and settle from scripts; counts the calls. */
  static final class Scripted implements Facilitator {
    final Deque<CompletableFuture<VerifyResponse>> verifies = new ArrayDeque<>();
    final Deque<CompletableFuture<SettleResponse>> settles = new ArrayDeque<>();
    final AtomicInteger settleCalls = new AtomicInteger();

    @Override
    public CompletableFuture<VerifyResponse> verify(FacilitatorRequest request) {
      CompletableFuture<VerifyResponse> next = verifies.poll();
      return next != null
          ? next
          : CompletableFuture.completedFuture(VerifyResponse.valid(BUYER.address().toString()));
    }

    @Override
    public CompletableFuture<SettleResponse> settle(FacilitatorRequest request) {
      settleCalls.incrementAndGet();
      CompletableFuture<SettleResponse> next = settles.poll();
      return next != null
          ? next
          : CompletableFuture.completedFuture(
              SettleResponse.success(
                  "0x" + "ab".repeat(32), BASE_SEPOLIA.toString(), BUYER.address().toString()));
    }

    @Override
    public CompletableFuture<SupportedResponse> supported() {
      return CompletableFuture.failedFuture(new UnsupportedOperationException());
    }
  }

  private final Scripted facilitator = new Scripted();
  private final AtomicInteger runs = new AtomicInteger();
  private final SyncToolSpecification weather =
      new SyncToolSpecification(
          Tool.builder("weather", Map.of("type", "object")).build(),
          (exchange, request) -> {
            runs.incrementAndGet();
            return CallToolResult.builder().addTextContent("secret forecast").build();
          });

  private SyncToolSpecification sold(boolean errorForm) {
    return McpPaywall.builder()
        .facilitator(facilitator)
        .paymentRequiredAsError(errorForm)
        .build()
        .sell(weather, PRICE);
  }

  private static CallToolResult call(SyncToolSpecification tool, Map<String, Object> meta) {
    return tool.callHandler().apply(null, new CallToolRequest("weather", Map.of(), meta));
  }

  private static Map<String, Object> paid(SyncToolSpecification tool) {
    PaymentRequired required = McpPayments.paymentRequired(call(tool, null)).orElseThrow();
    PaymentRequirements offered = required.accepts().get(0);
    return McpPayments.paymentMeta(
        PaymentPayload.of(
            required.resource(), offered, ExactEvmClient.of(BUYER).createPayload(2, offered)));
  }

  @Test
  void aSoldToolWithADeclarationDeclaresItInThePaymentRequiredResult() {
    Tool described =
        Tool.builder(
                "weather",
                Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string"))))
            .description("Today's weather")
            .build();
    SyncToolSpecification tool =
        McpPaywall.builder()
            .facilitator(facilitator)
            .build()
            .sell(
                new SyncToolSpecification(described, weather.callHandler()),
                PRICE.toBuilder()
                    .discovery(McpPaywall.declaration(described))
                    .service("Weather Inc", java.util.List.of("weather"), null)
                    .build());

    PaymentRequired required = McpPayments.paymentRequired(call(tool, null)).orElseThrow();

    @SuppressWarnings("unchecked")
    Map<String, Object> input =
        (Map<String, Object>)
            ((Map<String, Object>)
                    ((Map<String, Object>) required.extensions().get("bazaar")).get("info"))
                .get("input");
    assertThat(input)
        .isEqualTo(
            Map.of(
                "type",
                "mcp",
                "toolName",
                "weather",
                "description",
                "Today's weather",
                "inputSchema",
                Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string")))));
    assertThat(required.resource().description())
        .as("the price says none: described as the tool, its declaration kept")
        .isEqualTo("Today's weather");
    assertThat(required.resource().additionalFields()).containsEntry("serviceName", "Weather Inc");
    assertThat(runs).hasValue(0);
  }

  @Test
  void aDeclarationOfAnotherToolOrAnHttpEndpointIsRefused() {
    McpPaywall paywall = McpPaywall.builder().facilitator(facilitator).build();
    for (var declaration :
        java.util.List.of(
            io.x402j.core.extensions.bazaar.BazaarDeclaration.http().build(),
            io.x402j.core.extensions.bazaar.BazaarDeclaration.mcp(
                    "forecast", Map.of("type", "object"))
                .build())) {
      assertThatThrownBy(
              () -> paywall.sell(weather, PRICE.toBuilder().discovery(declaration).build()))
          .hasMessageContaining(
              "tool 'weather': its discovery declaration must be an MCP declaration of this tool");
    }
    assertThatThrownBy(
            () ->
                McpPaywall.declaration(
                    Tool.builder("t", Map.of("type", "object", "$ref", "https://evil.example/s"))
                        .build()))
        .hasMessageContaining("$ref: a schema may only refer within itself");
  }

  @Test
  void anUnreadableStatedAmountAfterASettlementBeforeTheToolDoesNotRefuseWhatWasPaidFor() {
    SyncToolSpecification stating =
        new SyncToolSpecification(
            Tool.builder("weather", Map.of("type", "object")).build(),
            (exchange, request) -> {
              runs.incrementAndGet();
              return CallToolResult.builder()
                  .addTextContent("secret forecast")
                  .meta(Map.of(McpPaywall.SETTLEMENT_OVERRIDE_META, "not an amount"))
                  .build();
            });
    SyncToolSpecification tool =
        McpPaywall.builder()
            .facilitator(facilitator)
            .build()
            .sell(stating, PRICE.toBuilder().settleBeforeHandler(true).build());

    CallToolResult result = call(tool, paid(tool));

    // Settled before the tool ran: the stated amount is ignored (as the gate does), never an
    // error saying 'nothing was charged' while the money moved.
    assertThat(facilitator.settleCalls).hasValue(1);
    assertThat(result.toString()).doesNotContain("nothing was charged");
    assertThat(result.isError()).isNotEqualTo(Boolean.TRUE);
    assertThat(result.content()).hasSize(1);
    assertThat(((TextContent) result.content().get(0)).text()).isEqualTo("secret forecast");
  }

  @Test
  void aFacilitatorRefusingToSettleGetsNoContent() {
    SyncToolSpecification tool = sold(false);
    Map<String, Object> payment = paid(tool);
    facilitator.settles.add(
        CompletableFuture.completedFuture(
            SettleResponse.failure(
                ErrorReason.INSUFFICIENT_FUNDS, null, null, BASE_SEPOLIA.toString(), null)));

    CallToolResult result = call(tool, payment);

    assertThat(runs).hasValue(1);
    assertThat(facilitator.settleCalls).hasValue(1);
    assertThat(result.isError()).isTrue();
    assertThat(result.toString()).doesNotContain("secret forecast");
    PaymentRequired required = McpPayments.paymentRequired(result).orElseThrow();
    assertThat(required.error()).startsWith("settlement failed").contains("insufficient");
    assertThat(required.additionalFields().get(McpPayments.PAYMENT_RESPONSE_META))
        .isInstanceOf(Map.class)
        .extracting(m -> ((Map<?, ?>) m).get("errorReason"))
        .isEqualTo("insufficient_funds");
  }

  @Test
  void aSettlementThatThrowsGetsNoContent() {
    SyncToolSpecification tool = sold(false);
    Map<String, Object> payment = paid(tool);
    facilitator.settles.add(CompletableFuture.failedFuture(new IOException("connection reset")));

    CallToolResult result = call(tool, payment);

    assertThat(runs).hasValue(1);
    assertThat(result.isError()).isTrue();
    assertThat(result.toString()).doesNotContain("secret forecast");
  }

  @Test
  void anUnreachableFacilitatorIsAClearErrorNotAnException() {
    SyncToolSpecification tool = sold(false);
    Map<String, Object> payment = paid(tool);
    facilitator.verifies.add(CompletableFuture.failedFuture(new IOException("refused")));

    CallToolResult result = call(tool, payment);

    assertThat(runs).hasValue(0);
    assertThat(result.isError()).isTrue();
    assertThat(((TextContent) result.content().get(0)).text())
        .isEqualTo("the facilitator could not verify the payment");
    assertThat(result.toString()).doesNotContain("IOException").doesNotContain("refused");
  }

  @Test
  void anInvalidPaymentIsPaymentRequiredWithTheFacilitatorsReason() {
    SyncToolSpecification tool = sold(false);
    Map<String, Object> payment = paid(tool);
    facilitator.verifies.add(
        CompletableFuture.completedFuture(
            VerifyResponse.invalid(ErrorReason.EXACT_EVM_SIGNATURE, null, null)));

    CallToolResult result = call(tool, payment);

    assertThat(runs).hasValue(0);
    assertThat(McpPayments.paymentRequired(result).orElseThrow().error())
        .isEqualTo(ErrorReason.EXACT_EVM_SIGNATURE.wire());
    // Refused before settlement: the payment may be presented again.
    assertThat(McpPayments.paymentResponse(call(tool, payment))).isPresent();
    assertThat(runs).hasValue(1);
  }

  @Test
  void theErrorFormThrowsThe402ForUnpaidAndMalformedPayments() {
    SyncToolSpecification tool = sold(true);

    assertThatThrownBy(() -> call(tool, null))
        .isInstanceOfSatisfying(
            McpError.class,
            e ->
                assertThat(McpPayments.paymentRequired(e).orElseThrow().error())
                    .isEqualTo("Payment required"));
    assertThatThrownBy(() -> call(tool, Map.of(McpPayments.PAYMENT_META, 42)))
        .isInstanceOfSatisfying(
            McpError.class,
            e -> {
              assertThat(e.getJsonRpcError().code()).isEqualTo(402);
              assertThat(e.getJsonRpcError().message())
                  .contains("_meta[\"x402/payment\"] must be a JSON object, got a number");
            });
    assertThat(runs).hasValue(0);
  }

  @Test
  void aV1OnlyPriceCannotBeSold() {
    PaidRoute v1Only =
        PaidRoute.builder()
            .accept(PRICE.accepts().get(0))
            .protocolV1(true)
            .protocolV2(false)
            .build();
    McpPaywall paywall = McpPaywall.builder().facilitator(facilitator).build();

    assertThatThrownBy(() -> paywall.sell(weather, v1Only))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tool weather")
        .hasMessageContaining("protocol v2");
  }

  @Test
  void closingThePaywallWritesTheSalesEventsItsGateStillHolds() throws Exception {
    java.util.List<io.x402j.server.Sale> sales = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.CountDownLatch writerBusy = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    McpPaywall paywall =
        McpPaywall.builder()
            .facilitator(facilitator)
            .gate(
                g ->
                    g.salesRecord(
                        sale -> {
                          if (sale.state() == io.x402j.server.SaleState.ADMITTED
                              && writerBusy.getCount() > 0) {
                            writerBusy.countDown();
                            try {
                              release.await(); // the writer is slow: the next admitted waits
                            } catch (InterruptedException e) {
                              Thread.currentThread().interrupt();
                            }
                          }
                          sales.add(sale);
                        }))
            .build();
    SyncToolSpecification tool = paywall.sell(weather, PRICE);
    assertThat(call(tool, paid(tool)).isError()).isNotEqualTo(Boolean.TRUE);
    writerBusy.await();
    assertThat(call(tool, paid(tool)).isError()).isNotEqualTo(Boolean.TRUE);
    release.countDown();

    paywall.close();

    assertThat(sales)
        .as("close writes what the gate's writer held: both sales, admitted and settled")
        .extracting(io.x402j.server.Sale::state)
        .containsExactlyInAnyOrder(
            io.x402j.server.SaleState.ADMITTED,
            io.x402j.server.SaleState.SETTLED,
            io.x402j.server.SaleState.ADMITTED,
            io.x402j.server.SaleState.SETTLED);
  }
}
