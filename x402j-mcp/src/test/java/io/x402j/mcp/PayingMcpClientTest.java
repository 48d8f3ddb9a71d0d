package io.x402j.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.x402j.client.Payer;
import io.x402j.client.PayerListener;
import io.x402j.client.PaymentRefusedException;
import io.x402j.client.PlannedPayment;
import io.x402j.client.SpendControls;
import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.X402Exception;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.mcp.testing.McpHttpServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The paying MCP client against a real Java MCP SDK server whose tool answers what each test
 * scripts: payment requests in both MCP forms and both protocol versions, receipts, hostile shapes.
 * Nothing settles here (there is no chain): the script plays the seller.
 */
class PayingMcpClientTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String USDC = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
  static final String SELLER = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
  static final Network BASE_SEPOLIA = Network.parse("eip155:84532");
  static final PrivateKeySigner BUYER =
      PrivateKeySigner.fromHex(
          "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
  static final String TX = "0x" + "ab".repeat(32);

  /** What the tool answers, one per call; it fails the call when the script runs out. */
  static final Deque<Function<McpSchema.CallToolRequest, McpSchema.CallToolResult>> script =
      new ArrayDeque<>();

  static final List<McpSchema.CallToolRequest> received =
      Collections.synchronizedList(new ArrayList<>());

  static McpHttpServer server;
  static McpSyncClient mcp;
  static McpAsyncClient asyncMcp;

  @BeforeAll
  static void start() throws Exception {
    McpSchema.Tool tool =
        McpSchema.Tool.builder("weather", Map.of("type", "object")).description("scripted").build();
    server =
        McpHttpServer.start(
            List.of(
                McpServerFeatures.SyncToolSpecification.builder()
                    .tool(tool)
                    .callHandler(
                        (exchange, request) -> {
                          received.add(request);
                          Function<McpSchema.CallToolRequest, McpSchema.CallToolResult> next;
                          synchronized (script) {
                            next = script.pollFirst();
                          }
                          if (next == null) {
                            throw new IllegalStateException("the script has no answer left");
                          }
                          return next.apply(request);
                        })
                    .build()));
    mcp = server.client();
    asyncMcp = server.asyncClient();
  }

  @AfterAll
  static void stop() throws Exception {
    mcp.close();
    asyncMcp.close();
    server.close();
  }

  @BeforeEach
  void reset() {
    script.clear();
    received.clear();
  }

  // --- messages the script sends ---------------------------------------------------------------

  static Map<String, Object> offer(String amount) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("scheme", "exact");
    o.put("network", BASE_SEPOLIA.toString());
    o.put("amount", amount);
    o.put("asset", USDC);
    o.put("payTo", SELLER);
    o.put("maxTimeoutSeconds", 60);
    o.put("extra", Map.of("name", "USDC", "version", "2"));
    return o;
  }

  static Map<String, Object> required(String error, Object... offers) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("x402Version", 2);
    if (error != null) {
      r.put("error", error);
    }
    r.put(
        "resource",
        Map.of("url", "mcp://tool/weather", "description", "weather", "mimeType", "text/plain"));
    r.put("accepts", List.of(offers));
    return r;
  }

  static Map<String, Object> requiredV1(String amount) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("scheme", "exact");
    o.put("network", "base-sepolia");
    o.put("maxAmountRequired", amount);
    o.put("resource", "mcp://tool/weather");
    o.put("description", "weather");
    o.put("mimeType", "text/plain");
    o.put("payTo", SELLER);
    o.put("maxTimeoutSeconds", 60);
    o.put("asset", USDC);
    o.put("extra", Map.of("name", "USDC", "version", "2"));
    return Map.of("x402Version", 1, "error", "X-PAYMENT header is required", "accepts", List.of(o));
  }

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The transport's payment-required result: structuredContent and the same JSON as text. */
  static McpSchema.CallToolResult paymentRequired(Object message) {
    return McpSchema.CallToolResult.builder()
        .isError(true)
        .structuredContent(message)
        .addTextContent(json(message))
        .build();
  }

  static Map<String, Object> receipt() {
    return Map.of(
        "success",
        true,
        "transaction",
        TX,
        "network",
        BASE_SEPOLIA.toString(),
        "payer",
        BUYER.address().toString());
  }

  static McpSchema.CallToolResult paidResult(Object receipt) {
    McpSchema.CallToolResult.Builder b =
        McpSchema.CallToolResult.builder().isError(false).addTextContent("sunny");
    if (receipt != null) {
      b.meta(Map.of("x402/payment-response", receipt));
    }
    return b.build();
  }

  static void answer(Function<McpSchema.CallToolRequest, McpSchema.CallToolResult> next) {
    synchronized (script) {
      script.addLast(next);
    }
  }

  static void answer(McpSchema.CallToolResult next) {
    answer(request -> next);
  }

  // --- clients --------------------------------------------------------------------------------

  static final AtomicInteger signed = new AtomicInteger();

  static Payer payer(SpendControls controls) {
    return Payer.builder()
        .signer(BUYER)
        .spendControls(controls)
        .listener(
            new PayerListener() {
              @Override
              public void beforePayment(PlannedPayment payment) {
                signed.incrementAndGet();
              }
            })
        .build();
  }

  static PayingMcpClient client(Payer payer) {
    return PayingMcpClient.builder(mcp, payer).server(URI.create(server.endpoint())).build();
  }

  static PayingMcpClient client() {
    return client(payer(SpendControls.builder().maxPerPaymentUsd("0.10").build()));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> paymentSent(McpSchema.CallToolRequest request) {
    return (Map<String, Object>) request.meta().get("x402/payment");
  }

  // --- tests ----------------------------------------------------------------------------------

  @Test
  void aPaymentRequiredResultIsPaidOnceAndRetriedWithTheCallersArgumentsAndMeta() {
    answer(paymentRequired(required("payment required", offer("10000"))));
    answer(paidResult(receipt()));
    PayingMcpClient client = client();

    PaidToolResult r =
        client.callTool(
            new McpSchema.CallToolRequest(
                "weather", Map.of("city", "Oslo"), Map.of("trace", "t-1", "progressToken", 7)));

    assertThat(received).hasSize(2);
    McpSchema.CallToolRequest retry = received.get(1);
    assertThat(retry.arguments()).isEqualTo(Map.of("city", "Oslo"));
    assertThat(retry.meta()).containsEntry("trace", "t-1").containsKey("x402/payment");
    Map<String, Object> payment = paymentSent(retry);
    assertThat(payment).containsEntry("x402Version", 2);
    assertThat(payment.get("accepted")).isEqualTo(offer("10000"));
    assertThat(payment.get("resource")).isEqualTo(required(null, offer("1")).get("resource"));
    assertThat(r.isError()).isFalse();
    assertThat(((McpSchema.TextContent) r.result().content().get(0)).text()).isEqualTo("sunny");
    assertThat(r.settled()).isTrue();
    assertThat(r.paidWithoutReceipt()).isFalse();
    assertThat(r.amount()).contains(TokenAmount.of(10_000));
    assertThat(r.network()).contains("eip155:84532");
    assertThat(r.transaction()).contains(TX);
    assertThat(r.payer()).contains(BUYER.address().toString());
    assertThat(client.payer().spendLog().spends()).hasSize(1);
    assertThat(client.payer().spendLog().spends().get(0).host()).isEqualTo("127.0.0.1");
  }

  @Test
  void theJsonRpc402ErrorFormIsPaidToo() {
    answer(
        request -> {
          throw McpError.builder(402)
              .message("Payment required")
              .data(required("payment required", offer("10000")))
              .build();
        });
    answer(paidResult(receipt()));

    PaidToolResult r = client().callTool("weather", Map.of("city", "Oslo"));

    assertThat(received).hasSize(2);
    assertThat(paymentSent(received.get(1))).containsEntry("x402Version", 2);
    assertThat(r.settled()).isTrue();
  }

  @Test
  void aV1PaymentRequestInTheTextOnlyIsPaidInV1() {
    answer(
        McpSchema.CallToolResult.builder()
            .isError(true)
            .addTextContent(json(requiredV1("10000")))
            .build());
    answer(paidResult(receipt()));

    PaidToolResult r = client().callTool("weather", Map.of());

    Map<String, Object> payment = paymentSent(received.get(1));
    assertThat(payment)
        .containsEntry("x402Version", 1)
        .containsEntry("scheme", "exact")
        .containsEntry("network", "base-sepolia");
    assertThat(r.paid().orElseThrow().x402Version()).isEqualTo(1);
    assertThat(r.settled()).isTrue();
  }

  @Test
  void theUrlElicitationErrorCarryingX402IsPaidToo() {
    answer(
        request -> {
          throw McpError.builder(-32042)
              .message("payment")
              .data(Map.of("x402", required("payment required", offer("10000"))))
              .build();
        });
    answer(paidResult(receipt()));

    assertThat(client().callTool("weather", Map.of()).settled()).isTrue();
    assertThat(received).hasSize(2);
  }

  @Test
  void thePayersHooksHearOfAPaidCallWithoutReceiptAsForHttp() {
    answer(paymentRequired(required("payment required", offer("10000"))));
    answer(paidResult(null));
    List<String> failures = new ArrayList<>();
    Payer payer =
        Payer.builder()
            .signer(BUYER)
            .spendControls(SpendControls.unlimited())
            .listener(
                new PayerListener() {
                  @Override
                  public void onFailure(PlannedPayment payment, String reason) {
                    failures.add(reason);
                  }
                })
            .build();

    assertThat(client(payer).callTool("weather", Map.of()).paidWithoutReceipt()).isTrue();
    assertThat(failures).containsExactly("the server sent no settlement receipt");
  }

  @Test
  void theOlderX402ErrorWrapperInTheTextIsPaidToo() {
    answer(
        McpSchema.CallToolResult.builder()
            .isError(true)
            .addTextContent(
                json(
                    Map.of(
                        "x402/error",
                        Map.of(
                            "code",
                            402,
                            "message",
                            "Payment required",
                            "data",
                            required("payment required", offer("10000"))))))
            .build());
    answer(paidResult(receipt()));

    assertThat(client().callTool("weather", Map.of()).settled()).isTrue();
    assertThat(paymentSent(received.get(1))).containsEntry("x402Version", 2);
  }

  @Test
  void aSecondPaymentRequestAfterPayingIsAnErrorWithTheReasonNotASecondPayment() {
    answer(paymentRequired(required("payment required", offer("10000"))));
    answer(paymentRequired(required("insufficient_funds", offer("10000"))));
    answer(paidResult(receipt())); // never reached
    PayingMcpClient client = client();
    int before = signed.get();

    assertThatThrownBy(() -> client.callTool("weather", Map.of()))
        .isInstanceOf(McpPaymentException.class)
        .hasMessageContaining("asked for payment again: insufficient_funds")
        .hasMessageContaining("not paid twice")
        .satisfies(e -> assertThat(((McpPaymentException) e).payment()).isPresent());
    assertThat(received).hasSize(2);
    assertThat(signed.get() - before).isEqualTo(1);
    assertThat(client.payer().spendLog().spends())
        .as("a signed payment counts as spent, as for HTTP")
        .hasSize(1);
  }

  @Test
  void aSecond402ErrorAfterPayingIsAnErrorToo() {
    answer(paymentRequired(required("payment required", offer("10000"))));
    answer(
        request -> {
          throw McpError.builder(402)
              .message("Payment required")
              .data(required("invalid_exact_evm_payload_signature", offer("10000")))
              .build();
        });

    assertThatThrownBy(() -> client().callTool("weather", Map.of()))
        .isInstanceOf(McpPaymentException.class)
        .hasMessageContaining("invalid_exact_evm_payload_signature");
    assertThat(received).hasSize(2);
  }

  @Test
  void anOfferBeyondTheMaximumIsRefusedWithoutSigning() {
    answer(paymentRequired(required("payment required", offer("200000"))));
    PayingMcpClient client = client();
    int before = signed.get();

    assertThatThrownBy(() -> client.callTool("weather", Map.of()))
        .isInstanceOf(PaymentRefusedException.class)
        .hasMessageContaining("0.2 USDC")
        .hasMessageContaining("0.10");
    assertThat(received).hasSize(1);
    assertThat(signed.get()).isEqualTo(before);
    assertThat(client.payer().spendLog().spends()).isEmpty();
  }

  @Test
  void aHugeAmountIsRefusedWithoutSigning() {
    answer(
        paymentRequired(
            required("payment required", offer("1000000000000000000000000000000000000000"))));
    PayingMcpClient client = client();

    assertThatThrownBy(() -> client.callTool("weather", Map.of()))
        .isInstanceOf(PaymentRefusedException.class);
    assertThat(received).hasSize(1);
    assertThat(client.payer().spendLog().spends()).isEmpty();
  }

  @Test
  void anExhaustedBudgetIsRefusedWithoutSigning() {
    PayingMcpClient client =
        client(payer(SpendControls.builder().budgetUsd("0.015", Duration.ofDays(1)).build()));
    answer(paymentRequired(required("payment required", offer("10000"))));
    answer(paidResult(receipt()));
    assertThat(client.callTool("weather", Map.of()).settled()).isTrue();
    answer(paymentRequired(required("payment required", offer("10000"))));
    int before = signed.get();

    assertThatThrownBy(() -> client.callTool("weather", Map.of()))
        .isInstanceOf(PaymentRefusedException.class)
        .hasMessageContaining("budget");
    assertThat(received).hasSize(3);
    assertThat(signed.get()).isEqualTo(before);
    assertThat(client.payer().spendLog().spends()).hasSize(1);
  }

  @Test
  void aNetworkOutsideTheAllowListIsRefused() {
    PayingMcpClient client =
        client(
            payer(
                SpendControls.builder()
                    .maxPerPaymentUsd("1")
                    .allowNetworks(Network.parse("eip155:8453"))
                    .build()));
    answer(paymentRequired(required("payment required", offer("10000"))));

    assertThatThrownBy(() -> client.callTool("weather", Map.of()))
        .isInstanceOf(PaymentRefusedException.class)
        .hasMessageContaining("eip155:84532");
    assertThat(received).hasSize(1);
  }

  @Test
  void malformedPaymentRequestsAreClearErrorsAndNothingIsSigned() {
    Map<String, Object> amountNumber = required("payment required", offer("10000"));
    Map<String, Object> badOffer = offer("10000");
    badOffer.put("amount", 10000);
    amountNumber.put("accepts", List.of(badOffer));
    Map<String, Object> acceptsNotList = required("x", offer("1"));
    acceptsNotList.put("accepts", "everything");
    Map<String, Object> versionText = required("x", offer("1"));
    versionText.put("x402Version", "2");
    Map<String, Object> version3 = required("x", offer("1"));
    version3.put("x402Version", 3);
    Map<String, Object> noVersion = required("x", offer("1"));
    noVersion.remove("x402Version");
    Map<String, Object> badAddress = offer("10000");
    badAddress.put("payTo", "0xnothex");
    Map<String, Object> badPayTo = required("x", badAddress);
    PayingMcpClient client = client();
    int before = signed.get();

    for (Object[] hostile :
        new Object[][] {
          {amountNumber, "amount"},
          {acceptsNotList, "accepts"},
          {versionText, "x402Version"},
          {version3, "x402Version 3"},
          {noVersion, "no x402Version"},
        }) {
      received.clear();
      answer(paymentRequired(hostile[0]));
      assertThatThrownBy(() -> client.callTool("weather", Map.of()))
          .as("%s", hostile[1])
          .isInstanceOf(X402Exception.class)
          .isNotInstanceOf(McpPaymentException.class)
          .hasMessageContaining("unreadable PaymentRequired")
          .hasMessageContaining((String) hostile[1]);
      assertThat(received).hasSize(1);
    }
    assertThat(signed.get()).isEqualTo(before);

    // Read, but not payable: refused as for HTTP, before anything is signed.
    received.clear();
    answer(paymentRequired(badPayTo));
    assertThatThrownBy(() -> client.callTool("weather", Map.of()))
        .isInstanceOf(PaymentRefusedException.class)
        .hasMessageContaining("payTo")
        .hasMessageContaining("cannot be signed");
    assertThat(received).hasSize(1);
    assertThat(client.payer().spendLog().spends()).isEmpty();
  }

  @Test
  void aPaidResultWithoutAReceiptIsReturnedAsPaidWithoutReceipt() {
    answer(paymentRequired(required("payment required", offer("10000"))));
    answer(paidResult(null));
    PayingMcpClient client = client();

    PaidToolResult r = client.callTool("weather", Map.of());

    assertThat(r.paid()).isPresent();
    assertThat(r.paidWithoutReceipt()).isTrue();
    assertThat(r.settled()).isFalse();
    assertThat(r.transaction()).isEmpty();
    assertThat(r.amount()).contains(TokenAmount.of(10_000));
    assertThat(client.payer().spendLog().spends()).hasSize(1);
  }

  @Test
  void anUnreadableReceiptCountsAsNone() {
    answer(paymentRequired(required("payment required", offer("10000"))));
    answer(paidResult(Map.of("success", "yes", "transaction", 5)));

    PaidToolResult r = client().callTool("weather", Map.of());

    assertThat(r.paidWithoutReceipt()).isTrue();
    assertThat(r.paid()).isPresent();
  }

  @Test
  void structuredContentIsPreferredToTheText() {
    answer(
        McpSchema.CallToolResult.builder()
            .isError(true)
            .structuredContent(required("payment required", offer("10000")))
            .addTextContent(json(required("payment required", offer("99999999"))))
            .build());
    answer(paidResult(receipt()));

    PaidToolResult r = client().callTool("weather", Map.of());

    assertThat(r.amount()).contains(TokenAmount.of(10_000));
  }

  @Test
  void freeResultsAndOrdinaryErrorsAreNotPaid() {
    answer(paidResult(null));
    answer(McpSchema.CallToolResult.builder().isError(true).addTextContent("no such city").build());
    answer(
        McpSchema.CallToolResult.builder()
            .isError(true)
            .addTextContent("{\"message\":\"not x402\"}")
            .build());
    // Not an error: a tool may return anything, even what looks like a payment request.
    answer(
        McpSchema.CallToolResult.builder()
            .isError(false)
            .structuredContent(required("x", offer("10000")))
            .addTextContent("{}")
            .build());
    PayingMcpClient client = client();

    for (int i = 0; i < 4; i++) {
      PaidToolResult r = client.callTool("weather", Map.of());
      assertThat(r.paid()).isEmpty();
      assertThat(r.charged()).isEmpty();
    }
    assertThat(received).hasSize(4);
    assertThat(client.payer().spendLog().spends()).isEmpty();
  }

  @Test
  void anotherJsonRpcErrorIsTheCallersAndNothingIsPaid() {
    answer(
        request -> {
          throw McpError.builder(-32602).message("bad city").build();
        });
    PayingMcpClient client = client();

    assertThatThrownBy(() -> client.callTool("weather", Map.of()))
        .isInstanceOf(McpError.class)
        .hasMessageContaining("bad city");
    assertThat(client.payer().spendLog().spends()).isEmpty();
  }

  @Test
  void aCallCarryingItsOwnPaymentIsSentAsItIs() {
    answer(paidResult(receipt()));
    Map<String, Object> own = Map.of("x402Version", 2, "payload", Map.of("mine", true));
    PayingMcpClient client = client();

    PaidToolResult r =
        client.callTool(
            new McpSchema.CallToolRequest("weather", Map.of(), Map.of("x402/payment", own)));

    assertThat(received).hasSize(1);
    assertThat(paymentSent(received.get(0))).isEqualTo(own);
    assertThat(r.paid()).isEmpty();
    assertThat(r.settlement()).isPresent();
    assertThat(client.payer().spendLog().spends()).isEmpty();
  }

  @Test
  void aPaidCallThatFailsWithAnErrorIsReportedWithWhatWasPaid() {
    answer(paymentRequired(required("payment required", offer("10000"))));
    answer(
        request -> {
          throw McpError.builder(-32603).message("upstream down").build();
        });

    assertThatThrownBy(() -> client().callTool("weather", Map.of()))
        .isInstanceOf(McpPaymentException.class)
        .hasMessageContaining("was paid")
        .hasMessageContaining("upstream down")
        .satisfies(e -> assertThat(((McpPaymentException) e).charge()).isPresent());
    assertThat(received).hasSize(2);
  }

  // --- the async client: the same steps -------------------------------------------------------

  static PayingMcpAsyncClient asyncClient(Payer payer) {
    return PayingMcpAsyncClient.builder(asyncMcp, payer)
        .server(URI.create(server.endpoint()))
        .build();
  }

  @Test
  void theAsyncClientPaysOnceAndReturnsWhatWasPaid() {
    answer(paymentRequired(required("payment required", offer("10000"))));
    answer(paidResult(receipt()));
    Payer payer = payer(SpendControls.builder().maxPerPaymentUsd("0.10").build());

    PaidToolResult r =
        asyncClient(payer)
            .callTool(
                new McpSchema.CallToolRequest(
                    "weather", Map.of("city", "Oslo"), Map.of("trace", "t-2")))
            .block(Duration.ofSeconds(30));

    assertThat(received).hasSize(2);
    assertThat(received.get(1).meta()).containsEntry("trace", "t-2").containsKey("x402/payment");
    assertThat(received.get(1).arguments()).isEqualTo(Map.of("city", "Oslo"));
    assertThat(r.settled()).isTrue();
    assertThat(r.transaction()).contains(TX);
    assertThat(payer.spendLog().spends()).hasSize(1);
  }

  @Test
  void theAsyncClientNeverPaysTwiceAndRefusesWhatTheControlsRefuse() {
    answer(paymentRequired(required("payment required", offer("10000"))));
    answer(
        request -> {
          throw McpError.builder(402)
              .message("Payment required")
              .data(required("insufficient_funds", offer("10000")))
              .build();
        });
    Payer payer = payer(SpendControls.builder().maxPerPaymentUsd("0.10").build());

    assertThatThrownBy(() -> asyncClient(payer).callTool("weather", Map.of()).block())
        .isInstanceOf(McpPaymentException.class)
        .hasMessageContaining("insufficient_funds");
    assertThat(received).hasSize(2);
    assertThat(payer.spendLog().spends()).hasSize(1);

    received.clear();
    answer(paymentRequired(required("payment required", offer("200000"))));
    int before = signed.get();
    assertThatThrownBy(() -> asyncClient(payer).callTool("weather", Map.of()).block())
        .isInstanceOf(PaymentRefusedException.class);
    assertThat(received).hasSize(1);
    assertThat(signed.get()).isEqualTo(before);
    assertThat(payer.spendLog().spends()).hasSize(1);
  }

  @Test
  void theServerMustNameAUsableHost() {
    assertThatThrownBy(
            () ->
                PayingMcpClient.builder(mcp, payer(SpendControls.unlimited()))
                    .server(URI.create("mcp:/no-host")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("server");
  }
}
