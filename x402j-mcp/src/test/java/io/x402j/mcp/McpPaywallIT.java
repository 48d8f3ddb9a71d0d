package io.x402j.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
import io.x402j.evm.ExactEvmClient;
import io.x402j.evm.UptoEvmClient;
import io.x402j.jetty.JettyServer;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentOption;
import io.x402j.server.SettlementOverride;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import reactor.core.publisher.Mono;

/**
 * Paid MCP tools end to end: the official Java MCP SDK's client and server over streamable HTTP on
 * embedded Jetty, the x402j facilitator in process on an anvil devnet, the buyer's payment signed
 * by x402j's {@link ExactEvmClient}. Money really moves; every assertion that matters is on the
 * seller's balance and on whether the tool ran.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpPaywallIT {
  private static final BigInteger PRICE = BigInteger.valueOf(10_000); // $0.01, 6 decimals

  private TestMarket market;
  private JettyServer jetty;
  private McpSyncServer server;
  private McpSyncClient client;
  private JettyServer asyncJetty;
  private McpAsyncServer asyncServer;
  private McpSyncClient asyncClient;
  private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
  private final AtomicReference<CountDownLatch> slowEntered = new AtomicReference<>();
  private final AtomicReference<CountDownLatch> slowRelease = new AtomicReference<>();
  private final AtomicBoolean flakyFailed = new AtomicBoolean();
  private final AtomicBoolean threw = new AtomicBoolean();
  private final AtomicBoolean asyncFailed = new AtomicBoolean();
  private final AtomicReference<BigInteger> drained = new AtomicReference<>();

  @BeforeAll
  void start() throws Exception {
    market = TestMarket.start();
    McpPaywall paywall =
        McpPaywall.builder().facilitator(market.facilitator()).networks(market.networks()).build();
    McpPaywall errorPaywall =
        McpPaywall.builder()
            .facilitator(market.facilitator())
            .networks(market.networks())
            .paymentRequiredAsError(true)
            .build();
    McpPaywall permit2Paywall =
        McpPaywall.builder()
            .facilitator(market.facilitator())
            .networks(market.networks())
            .gate(gate -> gate.exactAssetTransferMethod("permit2"))
            .build();
    PaidRoute price = PaidRoute.of("$0.01", market.network(), market.payTo());
    PaidRoute dearer = PaidRoute.of("$0.02", market.network(), market.payTo());
    PaidRoute upto =
        PaidRoute.builder()
            .accept(
                PaymentOption.builder(market.network()).upto("$0.05").payTo(market.payTo()).build())
            .build();
    market.devnet().approvePermit2(market.buyer().address(), market.info().token());

    HttpServletStreamableServerTransportProvider transport =
        HttpServletStreamableServerTransportProvider.builder().mcpEndpoint("/mcp").build();
    server =
        McpServer.sync(transport)
            .serverInfo("paid-tools", "1.0.0")
            .capabilities(ServerCapabilities.builder().tools(true).build())
            .tools(
                paywall.sell(tool("weather", args -> text("sunny in " + args.get("city"))), price),
                paywall.sell(tool("forecast", args -> text("rain tomorrow")), price),
                paywall.sell(tool("pricey", args -> text("gold")), dearer),
                paywall.sell(tool("slow_a", args -> slow("a")), price),
                paywall.sell(tool("slow_b", args -> slow("b")), price),
                paywall.sell(
                    tool(
                        "broken",
                        args ->
                            CallToolResult.builder()
                                .isError(true)
                                .addTextContent("no such city")
                                .build()),
                    price),
                paywall.sell(
                    tool(
                        "flaky",
                        args ->
                            flakyFailed.compareAndSet(false, true)
                                ? CallToolResult.builder()
                                    .isError(true)
                                    .addTextContent("try again")
                                    .build()
                                : text("worked")),
                    price),
                paywall.sell(
                    tool(
                        "throws",
                        args -> {
                          if (threw.compareAndSet(false, true)) {
                            throw new IllegalStateException("the tool broke");
                          }
                          return text("fixed");
                        }),
                    price),
                permit2Paywall.sell(
                    tool("permit2_weather", args -> text("sunny via Permit2")), price),
                paywall.sell(
                    new SyncToolSpecification(
                        Tool.builder("structured", Map.of("type", "object"))
                            .outputSchema(
                                Map.of(
                                    "type",
                                    "object",
                                    "properties",
                                    Map.of("temp", Map.of("type", "number")),
                                    "required",
                                    List.of("temp")))
                            .build(),
                        (exchange, request) -> {
                          runs.computeIfAbsent("structured", t -> new AtomicInteger())
                              .incrementAndGet();
                          return CallToolResult.builder()
                              .structuredContent(Map.of("temp", 20))
                              .addTextContent("{\"temp\":20}")
                              .build();
                        }),
                    price),
                paywall.sell(
                    tool(
                        "drains",
                        args -> {
                          // The buyer spends its tokens while the tool runs, after verification:
                          // the settlement must fail.
                          drained.set(market.drainBuyer());
                          return text("secret content");
                        }),
                    price),
                errorPaywall.sell(tool("weather_err", args -> text("sunny")), price),
                paywall.sell(
                    tool(
                        "metered",
                        args ->
                            McpPaywall.charging(
                                text("used 2500"), SettlementOverride.atomic(2500))),
                    upto),
                paywall.sell(
                    tool(
                        "overcharging",
                        args ->
                            McpPaywall.charging(
                                text("greedy content"), SettlementOverride.amount("$1"))),
                    upto))
            .build();
    jetty = serve(transport);
    client = connect(jetty);

    HttpServletStreamableServerTransportProvider asyncTransport =
        HttpServletStreamableServerTransportProvider.builder().mcpEndpoint("/mcp").build();
    asyncServer =
        McpServer.async(asyncTransport)
            .serverInfo("paid-async-tools", "1.0.0")
            .capabilities(ServerCapabilities.builder().tools(true).build())
            .tools(
                paywall.sell(asyncTool("async_weather"), price),
                paywall.sell(
                    new AsyncToolSpecification(
                        Tool.builder("async_fails", Map.of("type", "object")).build(),
                        (exchange, request) -> {
                          runs.computeIfAbsent("async_fails", t -> new AtomicInteger())
                              .incrementAndGet();
                          return asyncFailed.compareAndSet(false, true)
                              ? Mono.error(new IllegalStateException("async tool broke"))
                              : Mono.just(text("async fixed"));
                        }),
                    price))
            .build();
    asyncJetty = serve(asyncTransport);
    asyncClient = connect(asyncJetty);
  }

  private static JettyServer serve(HttpServletStreamableServerTransportProvider transport) {
    ServletContextHandler context = new ServletContextHandler("/");
    context.addServlet(new ServletHolder(transport), "/*");
    return JettyServer.builder("mcp-test", context).port(0).build().start();
  }

  private static McpSyncClient connect(JettyServer jetty) {
    McpSyncClient client =
        McpClient.sync(
                HttpClientStreamableHttpTransport.builder(jetty.url()).endpoint("/mcp").build())
            .requestTimeout(Duration.ofSeconds(60))
            .build();
    client.initialize();
    return client;
  }

  @AfterAll
  void stop() {
    if (asyncClient != null) {
      asyncClient.closeGracefully();
    }
    if (asyncServer != null) {
      asyncServer.closeGracefully().block(Duration.ofSeconds(10));
    }
    if (asyncJetty != null) {
      asyncJetty.close();
    }
    if (client != null) {
      client.closeGracefully();
    }
    if (server != null) {
      server.closeGracefully();
    }
    if (jetty != null) {
      jetty.close();
    }
    if (market != null) {
      market.close();
    }
  }

  @Test
  void unpaidCallGetsPaymentRequiredAndTheToolDoesNotRun() {
    int ran = runs("weather");
    CallToolResult result = call("weather", null);

    assertThat(result.isError()).isTrue();
    PaymentRequired required = McpPayments.paymentRequired(result).orElseThrow();
    assertThat(required.resource().url()).isEqualTo("mcp://tool/weather");
    assertThat(required.accepts()).hasSize(1);
    assertThat(required.accepts().get(0).amount().value()).isEqualTo(PRICE);
    assertThat(required.accepts().get(0).payTo()).isEqualToIgnoringCase(market.payTo());
    // Described as the tool, as the TypeScript server does when the price says nothing.
    assertThat(required.resource().description()).isEqualTo("test tool weather");
    assertThat(required.resource().mimeType()).isEqualTo("application/json");
    // The spec's shape: structuredContent and content[0].text carry the same object.
    assertThat(result.structuredContent()).isInstanceOf(Map.class);
    assertThat(((TextContent) result.content().get(0)).text()).contains("\"x402Version\":2");
    assertThat(runs("weather")).isEqualTo(ran);
  }

  @Test
  void paidCallReturnsTheResultWithTheReceiptAndMovesTheMoney() {
    BigInteger before = market.sellerBalance();
    PaymentPayload payment = pay("weather");

    CallToolResult result = call("weather", McpPayments.paymentMeta(payment));

    assertThat(result.isError()).isNotEqualTo(Boolean.TRUE);
    assertThat(textOf(result)).isEqualTo("sunny in Oslo");
    SettleResponse receipt = McpPayments.paymentResponse(result).orElseThrow();
    assertThat(receipt.success()).isTrue();
    assertThat(receipt.transaction()).startsWith("0x").hasSize(66);
    assertThat(receipt.network()).isEqualTo(market.network().toString());
    assertThat(market.sellerBalance().subtract(before)).isEqualTo(PRICE);
  }

  @Test
  void aPaymentBuysOneCallOnly() {
    PaymentPayload payment = pay("forecast");
    assertThat(McpPayments.paymentResponse(call("forecast", McpPayments.paymentMeta(payment))))
        .isPresent();
    BigInteger before = market.sellerBalance();
    int ran = runs("forecast");

    CallToolResult again = call("forecast", McpPayments.paymentMeta(payment));

    assertThat(again.isError()).isTrue();
    assertThat(McpPayments.paymentRequired(again).orElseThrow().error())
        .contains("already been used");
    assertThat(runs("forecast")).isEqualTo(ran);
    assertThat(market.sellerBalance()).isEqualTo(before);
  }

  @Test
  void aRespelledPaymentIsTheSamePayment() {
    PaymentPayload payment = pay("forecast");
    assertThat(McpPayments.paymentResponse(call("forecast", McpPayments.paymentMeta(payment))))
        .isPresent();
    BigInteger before = market.sellerBalance();
    int ran = runs("forecast");

    // Another JSON text of the same authorization: its hex in upper case, its keys in another
    // order. (The accepted echo stays as offered: the gate matches it field by field.)
    Map<String, Object> meta = McpPayments.paymentMeta(payment);
    @SuppressWarnings("unchecked")
    Map<String, Object> sent = (Map<String, Object>) meta.get(McpPayments.PAYMENT_META);
    Map<String, Object> respelled =
        Map.of(McpPayments.PAYMENT_META, with(sent, "payload", respell(sent.get("payload"))));
    assertThat(respelled).isNotEqualTo(McpPayments.paymentMeta(payment));
    CallToolResult again = call("forecast", respelled);

    assertThat(again.isError()).isTrue();
    assertThat(McpPayments.paymentRequired(again).orElseThrow().error())
        .contains("already been used");
    assertThat(runs("forecast")).isEqualTo(ran);
    assertThat(market.sellerBalance()).isEqualTo(before);
  }

  @Test
  void onePaymentSentToTwoToolsAtOnceBuysOneCall() throws Exception {
    PaymentPayload payment = pay("slow_a");
    BigInteger before = market.sellerBalance();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    slowEntered.set(entered);
    slowRelease.set(release);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<CallToolResult> first =
          pool.submit(() -> call("slow_a", McpPayments.paymentMeta(payment)));
      assertThat(entered.await(60, TimeUnit.SECONDS)).isTrue();

      // While the first call holds the payment: the same payment to another tool, and again to
      // the same tool (the resource differs for slow_b; the replay store refuses either way).
      CallToolResult otherTool = call("slow_b", McpPayments.paymentMeta(payment));
      CallToolResult sameTool = call("slow_a", McpPayments.paymentMeta(payment));
      release.countDown();
      CallToolResult firstResult = first.get(60, TimeUnit.SECONDS);

      assertThat(McpPayments.paymentResponse(firstResult)).isPresent();
      assertThat(textOf(firstResult)).isEqualTo("slow a");
      assertThat(McpPayments.paymentRequired(otherTool)).isPresent();
      assertThat(McpPayments.paymentRequired(sameTool).orElseThrow().error())
          .contains("being used by another request");
      assertThat(runs("slow_a")).isEqualTo(1);
      assertThat(runs("slow_b")).isZero();
      assertThat(market.sellerBalance().subtract(before)).isEqualTo(PRICE);
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void theSamePaymentToAnotherToolOfTheSamePriceIsRefused() {
    PaymentPayload payment = pay("weather");
    BigInteger before = market.sellerBalance();
    int ran = runs("forecast");

    CallToolResult result = call("forecast", McpPayments.paymentMeta(payment));

    assertThat(McpPayments.paymentRequired(result).orElseThrow().error())
        .contains("/weather")
        .contains("/forecast");
    assertThat(runs("forecast")).isEqualTo(ran);
    assertThat(market.sellerBalance()).isEqualTo(before);
  }

  @Test
  void aFailingToolIsNotChargedAndThePaymentStaysUsable() {
    BigInteger before = market.sellerBalance();
    PaymentPayload broken = pay("broken");

    CallToolResult failed = call("broken", McpPayments.paymentMeta(broken));

    assertThat(failed.isError()).isTrue();
    assertThat(textOf(failed)).isEqualTo("no such city");
    assertThat(McpPayments.paymentRequired(failed)).isEmpty();
    assertThat(McpPayments.paymentResponse(failed)).isEmpty();
    assertThat(market.sellerBalance()).isEqualTo(before);

    // isError on the first run, success on the second: the same payment pays the retry, once.
    PaymentPayload flaky = pay("flaky");
    CallToolResult first = call("flaky", McpPayments.paymentMeta(flaky));
    assertThat(textOf(first)).isEqualTo("try again");
    assertThat(market.sellerBalance()).isEqualTo(before);
    CallToolResult retry = call("flaky", McpPayments.paymentMeta(flaky));
    assertPaid(retry, "worked", before, PRICE);
  }

  @Test
  void aThrowingToolIsNotChargedAndThePaymentStaysUsable() {
    BigInteger before = market.sellerBalance();
    PaymentPayload payment = pay("throws");

    // The SDK reports a tool's exception as it does for any tool: a JSON-RPC error.
    assertThatThrownBy(() -> call("throws", McpPayments.paymentMeta(payment)))
        .isInstanceOf(McpError.class)
        .hasMessageContaining("the tool broke");
    assertThat(runs("throws")).isEqualTo(1);
    assertThat(market.sellerBalance()).isEqualTo(before);

    // Nothing was charged, so the same payment pays the retry, once.
    CallToolResult retry = call("throws", McpPayments.paymentMeta(payment));
    assertPaid(retry, "fixed", before, PRICE);
  }

  @Test
  void anAsyncToolThatFailsIsNotChargedAndThePaymentStaysUsable() {
    BigInteger before = market.sellerBalance();
    PaymentPayload payment =
        sign(McpPayments.paymentRequired(asyncCall("async_fails", null)).orElseThrow());

    assertThatThrownBy(() -> asyncCall("async_fails", McpPayments.paymentMeta(payment)))
        .isInstanceOf(McpError.class)
        .hasMessageContaining("async tool broke");
    assertThat(market.sellerBalance()).isEqualTo(before);

    CallToolResult retry = asyncCall("async_fails", McpPayments.paymentMeta(payment));
    assertThat(textOf(retry)).isEqualTo("async fixed");
    assertThat(runs("async_fails")).isEqualTo(2);
    assertThat(market.sellerBalance().subtract(before)).isEqualTo(PRICE);
  }

  @Test
  void anExactPermit2PaymentPays() {
    BigInteger before = market.sellerBalance();
    PaymentPayload payment = pay("permit2_weather");
    assertThat(payment.accepted().extra()).containsEntry("assetTransferMethod", "permit2");

    CallToolResult result = call("permit2_weather", McpPayments.paymentMeta(payment));

    assertPaid(result, "sunny via Permit2", before, PRICE);
  }

  @Test
  void aToolWithAnOutputSchemaStillAsksForPaymentInStructuredContent() {
    CallToolResult unpaid = call("structured", null);
    assertThat(McpPayments.paymentRequired(unpaid)).isPresent();
    assertThat(runs("structured")).isZero();

    CallToolResult paid = call("structured", McpPayments.paymentMeta(pay("structured")));
    assertThat(paid.structuredContent()).isEqualTo(Map.of("temp", 20));
    assertThat(McpPayments.paymentResponse(paid)).isPresent();
  }

  @Test
  void aFailedSettlementNeverReturnsTheToolsContent() {
    BigInteger before = market.sellerBalance();
    PaymentPayload payment = pay("drains");
    try {
      CallToolResult result = call("drains", McpPayments.paymentMeta(payment));

      assertThat(runs("drains")).isEqualTo(1);
      assertThat(result.isError()).isTrue();
      assertThat(result.toString()).doesNotContain("secret content");
      PaymentRequired required = McpPayments.paymentRequired(result).orElseThrow();
      assertThat(required.error()).startsWith("settlement failed");
      assertThat(required.additionalFields()).containsKey(McpPayments.PAYMENT_RESPONSE_META);
      assertThat(McpPayments.paymentResponse(result)).isEmpty();
      assertThat(market.sellerBalance()).isEqualTo(before);
    } finally {
      if (drained.get() != null) {
        market.fundBuyer(drained.get());
      }
    }
  }

  @Test
  void malformedPaymentsGetPaymentRequiredNamingTheProblem() {
    Map<String, Object> good = McpPayments.paymentMeta(pay("weather"));
    int ran = runs("weather");
    BigInteger before = market.sellerBalance();
    @SuppressWarnings("unchecked")
    Map<String, Object> payment = (Map<String, Object>) good.get(McpPayments.PAYMENT_META);

    assertRefused(Map.of(McpPayments.PAYMENT_META, "not an object"), "must be a JSON object");
    assertRefused(Map.of(McpPayments.PAYMENT_META, List.of(1, 2)), "must be a JSON object");
    assertRefused(
        Map.of(McpPayments.PAYMENT_META, without(payment, "accepted")),
        "_meta[\"x402/payment\"].accepted");
    assertRefused(Map.of(McpPayments.PAYMENT_META, with(payment, "x402Version", 1)), "x402Version");
    assertRefused(
        Map.of(McpPayments.PAYMENT_META, without(payment, "payload")),
        "_meta[\"x402/payment\"].payload");
    @SuppressWarnings("unchecked")
    Map<String, Object> accepted = (Map<String, Object>) payment.get("accepted");
    assertRefused(
        Map.of(
            McpPayments.PAYMENT_META, with(payment, "accepted", with(accepted, "scheme", "bogus"))),
        "No matching payment requirements");
    assertRefused(
        Map.of(McpPayments.PAYMENT_META, with(payment, "accepted", with(accepted, "amount", "1"))),
        "No matching payment requirements");
    assertThat(runs("weather")).isEqualTo(ran);
    assertThat(market.sellerBalance()).isEqualTo(before);
  }

  @Test
  void aPaymentForAnotherPriceIsRefused() {
    PaymentPayload cheap = pay("weather");
    BigInteger before = market.sellerBalance();

    CallToolResult result = call("pricey", McpPayments.paymentMeta(cheap));

    assertThat(McpPayments.paymentRequired(result).orElseThrow().error())
        .contains("No matching payment requirements");
    assertThat(runs("pricey")).isZero();
    assertThat(market.sellerBalance()).isEqualTo(before);
  }

  @Test
  void theErrorFormIsAJsonRpc402() {
    assertThatThrownBy(() -> call("weather_err", null))
        .isInstanceOfSatisfying(
            McpError.class,
            e -> {
              assertThat(e.getJsonRpcError().code()).isEqualTo(402);
              assertThat(McpPayments.paymentRequired(e).orElseThrow().resource().url())
                  .isEqualTo("mcp://tool/weather_err");
            });
    assertThat(runs("weather_err")).isZero();

    // Paid, the error-form tool answers as any other.
    BigInteger before = market.sellerBalance();
    PaymentPayload payment = payFor(402, "weather_err");
    CallToolResult result = call("weather_err", McpPayments.paymentMeta(payment));
    assertPaid(result, "sunny", before, PRICE);
  }

  @Test
  void anAsyncToolIsSoldTheSameWay() {
    BigInteger before = market.sellerBalance();
    PaymentPayload payment =
        sign(McpPayments.paymentRequired(asyncCall("async_weather", null)).orElseThrow());
    assertThat(runs("async_weather")).isZero();

    CallToolResult result = asyncCall("async_weather", McpPayments.paymentMeta(payment));

    assertPaid(result, "async sunny", before, PRICE);
  }

  @Test
  void anUptoToolChargesWhatItStates() {
    BigInteger before = market.sellerBalance();
    PaymentPayload payment = payUpto("metered");
    assertThat(payment.accepted().amount().value()).isEqualTo(BigInteger.valueOf(50_000));

    CallToolResult result = call("metered", McpPayments.paymentMeta(payment));

    assertThat(textOf(result)).isEqualTo("used 2500");
    assertThat(McpPayments.paymentResponse(result).orElseThrow().success()).isTrue();
    // The statement is the paywall's business, not the client's.
    assertThat(result.meta()).doesNotContainKey(McpPaywall.SETTLEMENT_OVERRIDE_META);
    assertThat(market.sellerBalance().subtract(before)).isEqualTo(BigInteger.valueOf(2500));
  }

  @Test
  void anUptoToolStatingMoreThanTheCeilingChargesNothingAndReturnsNoContent() {
    BigInteger before = market.sellerBalance();
    PaymentPayload payment = payUpto("overcharging");

    CallToolResult result = call("overcharging", McpPayments.paymentMeta(payment));

    assertThat(result.isError()).isTrue();
    assertThat(result.toString()).doesNotContain("greedy content");
    assertThat(McpPayments.paymentResponse(result)).isEmpty();
    assertThat(market.sellerBalance()).isEqualTo(before);
  }

  // --- helpers

  private PaymentPayload payUpto(String tool) {
    PaymentRequired required = McpPayments.paymentRequired(call(tool, null)).orElseThrow();
    PaymentRequirements offered = required.accepts().get(0);
    assertThat(offered.scheme()).isEqualTo("upto");
    return PaymentPayload.of(
        required.resource(), offered, UptoEvmClient.of(market.buyer()).createPayload(2, offered));
  }

  private void assertRefused(Map<String, Object> meta, String problem) {
    CallToolResult result = call("weather", meta);
    assertThat(result.isError()).as("%s", meta).isTrue();
    PaymentRequired required = McpPayments.paymentRequired(result).orElseThrow();
    assertThat(required.error()).as("%s", meta).contains(problem);
    assertThat(required.accepts()).isNotEmpty();
  }

  private PaymentPayload pay(String tool) {
    return payFor(0, tool);
  }

  /** Asks {@code tool} for its price and signs the first option with the buyer's key. */
  private PaymentPayload payFor(int errorCode, String tool) {
    PaymentRequired required;
    if (errorCode == 402) {
      try {
        call(tool, null);
        throw new AssertionError("expected a 402 error");
      } catch (McpError e) {
        required = McpPayments.paymentRequired(e).orElseThrow();
      }
    } else {
      required = McpPayments.paymentRequired(call(tool, null)).orElseThrow();
    }
    return sign(required);
  }

  /** The buyer's exact payment for the first option of {@code required}. */
  private PaymentPayload sign(PaymentRequired required) {
    PaymentRequirements offered = required.accepts().get(0);
    Map<String, Object> payload = ExactEvmClient.of(market.buyer()).createPayload(2, offered);
    return PaymentPayload.of(required.resource(), offered, payload);
  }

  /** {@code result} is the tool's {@code text}, released with a receipt for {@code charged}. */
  private void assertPaid(
      CallToolResult result, String text, BigInteger before, BigInteger charged) {
    assertThat(textOf(result)).isEqualTo(text);
    assertThat(McpPayments.paymentResponse(result).orElseThrow().success()).isTrue();
    assertThat(market.sellerBalance().subtract(before)).isEqualTo(charged);
  }

  private CallToolResult call(String tool, Map<String, Object> meta) {
    return client.callTool(new CallToolRequest(tool, Map.of("city", "Oslo"), meta));
  }

  private CallToolResult asyncCall(String tool, Map<String, Object> meta) {
    return asyncClient.callTool(new CallToolRequest(tool, Map.of(), meta));
  }

  private int runs(String tool) {
    return runs.computeIfAbsent(tool, t -> new AtomicInteger()).get();
  }

  private SyncToolSpecification tool(
      String name, java.util.function.Function<Map<String, Object>, CallToolResult> body) {
    return new SyncToolSpecification(
        Tool.builder(name, Map.of("type", "object")).description("test tool " + name).build(),
        (exchange, request) -> {
          runs.computeIfAbsent(name, t -> new AtomicInteger()).incrementAndGet();
          return body.apply(request.arguments());
        });
  }

  private AsyncToolSpecification asyncTool(String name) {
    return new AsyncToolSpecification(
        Tool.builder(name, Map.of("type", "object")).description("async test tool").build(),
        (exchange, request) ->
            Mono.fromSupplier(
                () -> {
                  runs.computeIfAbsent(name, t -> new AtomicInteger()).incrementAndGet();
                  return text("async sunny");
                }));
  }

  private CallToolResult slow(String which) {
    CountDownLatch entered = slowEntered.get();
    CountDownLatch release = slowRelease.get();
    entered.countDown();
    try {
      if (!release.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return text("slow " + which);
  }

  private static CallToolResult text(String text) {
    return CallToolResult.builder().addTextContent(text).build();
  }

  private static String textOf(CallToolResult result) {
    return ((TextContent) result.content().get(0)).text();
  }

  private static Map<String, Object> without(Map<String, Object> map, String key) {
    Map<String, Object> copy = new LinkedHashMap<>(map);
    copy.remove(key);
    return copy;
  }

  private static Map<String, Object> with(Map<String, Object> map, String key, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(map);
    copy.put(key, value);
    return copy;
  }

  /** The same JSON value with hex digits in upper case and object keys in reverse order. */
  @SuppressWarnings("unchecked")
  private static <T> T respell(T value) {
    if (value instanceof Map<?, ?> map) {
      List<Map.Entry<String, Object>> entries =
          new java.util.ArrayList<>(((Map<String, Object>) map).entrySet());
      java.util.Collections.reverse(entries);
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : entries) {
        out.put(e.getKey(), respell(e.getValue()));
      }
      return (T) out;
    }
    if (value instanceof List<?> list) {
      return (T) list.stream().map(McpPaywallIT::respell).toList();
    }
    if (value instanceof String s && s.matches("0x[0-9a-fA-F]+")) {
      return (T) ("0x" + s.substring(2).toUpperCase(Locale.ROOT));
    }
    return value;
  }
}
