package io.x402j.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.SettleResponse;
import io.x402j.server.PaidRoute;
import io.x402j.testkit.PaymentHeaderCopies;
import io.x402j.testkit.RawHttp;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway selling an upstream's tools on the devnet, through an in-process x402j facilitator,
 * over streamable HTTP; payments are signed by the buyer's exact EVM client.
 */
class McpGatewayPaidIT {
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static TestMarket market;
  static PaymentHeaderCopies.Counting facilitator;
  static McpGateway gateway;
  static McpSyncClient client;

  /** What the gate told its sales record (issue 19: the MCP gateway records every tool sale). */
  static final java.util.List<io.x402j.server.Sale> SALES =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.start();
    facilitator = new PaymentHeaderCopies.Counting(market.facilitator());
    McpPaywall paywall =
        McpPaywall.builder()
            .facilitator(facilitator)
            .networks(market.networks())
            .gate(g -> g.salesRecord(SALES::add))
            .build();
    PaidRoute cent = PaidRoute.of("$0.01", market.network(), market.payTo());
    gateway =
        McpGateway.builder()
            .upstreamCommand(TestUpstream.command())
            .upstreamStderr(l -> {})
            .price("weather", cent)
            .price("broken", cent)
            .price("throws", cent)
            .seller(paywall::sell)
            .http(0)
            .start();
    client = McpGatewayProxyIT.client(gateway.url().orElseThrow(), t -> {});
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (gateway != null) {
      gateway.close();
    }
    if (market != null) {
      market.close();
    }
  }

  static CallToolRequest call(
      String name, Map<String, Object> arguments, Map<String, Object> meta) {
    return CallToolRequest.builder(name).arguments(arguments).meta(meta).build();
  }

  /** The upstream's count of calls of {@code tool}. */
  static int upstreamCalls(String tool) {
    CallToolResult counts = client.callTool(call("calls", Map.of(), null));
    Object n = ((Map<?, ?>) counts.structuredContent()).get(tool);
    return n == null ? 0 : ((Number) n).intValue();
  }

  /** The {@code _meta} of a paid retry: the buyer's payment for the first offer. */
  static Map<String, Object> pay(PaymentRequired offer) {
    String signature = market.payV2(HEADERS.encodePaymentRequired(offer));
    PaymentPayload payment = HEADERS.decodePaymentSignature(signature);
    return new LinkedHashMap<>(McpPayments.paymentMeta(payment));
  }

  static PaymentRequired unpaid(String tool, Map<String, Object> arguments) {
    CallToolResult result = client.callTool(call(tool, arguments, null));
    assertThat(result.isError()).isTrue();
    return McpPayments.paymentRequired(result).orElseThrow();
  }

  @Test
  void anUnpaidCallOfAPricedToolGetsPaymentRequiredAndNeverReachesTheUpstream() {
    int before = upstreamCalls("weather");
    PaymentRequired required = unpaid("weather", Map.of("city", "Porto"));
    assertThat(required.resource().url()).isEqualTo("mcp://tool/weather");
    assertThat(required.accepts()).hasSize(1);
    assertThat(required.accepts().get(0).amount().value()).isEqualTo(BigInteger.valueOf(10_000));
    assertThat(upstreamCalls("weather")).isEqualTo(before);
  }

  @Test
  void aPaidCallRunsTheToolAndAnswersWithTheReceiptAndMovesTheMoney() {
    BigInteger before = market.sellerBalance();
    Map<String, Object> meta = pay(unpaid("weather", Map.of("city", "Porto")));
    meta.put("trace", "kept");

    CallToolResult result = client.callTool(call("weather", Map.of("city", "Porto"), meta));

    assertThat(result.isError()).isNotEqualTo(Boolean.TRUE);
    assertThat(McpGatewayProxyIT.text(result)).isEqualTo("sunny in Porto");
    assertThat(result.structuredContent()).isEqualTo(Map.of("city", "Porto"));
    SettleResponse receipt = McpPayments.paymentResponse(result).orElseThrow();
    assertThat(receipt.success()).isTrue();
    assertThat(receipt.payer()).isEqualToIgnoringCase(market.buyer().address().toString());
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }

  @Test
  void everyToolSaleIsRecordedWithItsStateThePayerAndTheTransaction() {
    Map<String, Object> meta = pay(unpaid("weather", Map.of("city", "Faro")));
    CallToolResult paid = client.callTool(call("weather", Map.of("city", "Faro"), meta));
    SettleResponse receipt = McpPayments.paymentResponse(paid).orElseThrow();
    CallToolResult replay = client.callTool(call("weather", Map.of("city", "Faro"), meta));
    assertThat(McpPayments.paymentRequired(replay)).isPresent();

    java.util.List<io.x402j.server.Sale> ofThisPayment =
        SALES.stream()
            .filter(
                sale ->
                    receipt.transaction().equalsIgnoreCase(String.valueOf(sale.transaction()))
                        || (sale.state() != io.x402j.server.SaleState.SETTLED
                            && sale.paymentId() != null
                            && SALES.stream()
                                .anyMatch(
                                    settled ->
                                        receipt
                                                .transaction()
                                                .equalsIgnoreCase(
                                                    String.valueOf(settled.transaction()))
                                            && sale.paymentId().equals(settled.paymentId()))))
            .toList();
    // The outcome is written on the request's thread, admitted by the gate's background writer
    // (so possibly after); the replay was refused unverified, so it is only counted.
    assertThat(ofThisPayment)
        .extracting(io.x402j.server.Sale::state)
        .contains(io.x402j.server.SaleState.SETTLED)
        .doesNotContain(io.x402j.server.SaleState.REFUSED);
    io.x402j.server.Sale settled =
        ofThisPayment.stream()
            .filter(s -> s.state() == io.x402j.server.SaleState.SETTLED)
            .findFirst()
            .orElseThrow();
    assertThat(settled.route()).contains("weather");
    assertThat(settled.amount().value()).isEqualTo(BigInteger.valueOf(10_000));
    assertThat(settled.network()).isEqualTo(market.network());
    assertThat(settled.payer()).isEqualToIgnoringCase(market.buyer().address().toString());
  }

  @Test
  void onePaymentBuysOneCall() {
    Map<String, Object> meta = pay(unpaid("weather", Map.of("city", "Lisbon")));
    CallToolResult first = client.callTool(call("weather", Map.of("city", "Lisbon"), meta));
    assertThat(McpPayments.paymentResponse(first)).isPresent();
    int calls = upstreamCalls("weather");
    BigInteger balance = market.sellerBalance();

    CallToolResult replay = client.callTool(call("weather", Map.of("city", "Lisbon"), meta));

    assertThat(replay.isError()).isTrue();
    assertThat(McpPayments.paymentRequired(replay)).isPresent();
    assertThat(upstreamCalls("weather")).isEqualTo(calls);
    assertThat(market.sellerBalance()).isEqualTo(balance);
  }

  /** A POST of {@code body} to the gateway's endpoint in {@code session} (null before one). */
  static byte[] post(String host, String session, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head =
        "POST /mcp HTTP/1.1\r\nHost: "
            + host
            + "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream"
            + "\r\nContent-Length: "
            + bytes.length
            + "\r\n"
            + (session == null ? "" : "Mcp-Session-Id: " + session + "\r\n")
            + "Connection: close\r\n\r\n";
    return (head + body).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A raw {@code tools/call} of weather with {@code params} (the JSON after {@code "params":}), in
   * a session of its own: the answer, head and body.
   */
  static String rawCall(String params) throws java.io.IOException {
    int port = URI.create(gateway.url().orElseThrow()).getPort();
    String host = "127.0.0.1:" + port;
    RawHttp raw = new RawHttp("127.0.0.1", port);
    String initialized =
        raw.exchangeWhole(
            post(
                host,
                null,
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
                    + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                    + "\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}"));
    String session =
        initialized
            .lines()
            .filter(l -> l.regionMatches(true, 0, "Mcp-Session-Id:", 0, 15))
            .map(l -> l.substring(15).strip())
            .findFirst()
            .orElseThrow(() -> new AssertionError(initialized));
    return raw.exchangeWhole(
        post(
            host,
            session,
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":" + params + "}"));
  }

  /**
   * A payment is sent once. JSON parsers keep one copy of a repeated key without a word (Jackson,
   * as the MCP SDK uses it, the last; others the first), so {@code {"x402/payment": A,
   * "x402/payment": B}} was paid with B while anything else reading the message could see A. The
   * gateway now refuses such a message with 400 naming the key, before the paywall or its
   * facilitator sees it; the same payment, sent once, buys the call.
   */
  @Test
  void aPaymentRepeatedInMetaIsRefusedBeforeAnythingIsVerified() throws Exception {
    String signature =
        market.payV2(HEADERS.encodePaymentRequired(unpaid("weather", Map.of("city", "Faro"))));
    Map<String, Object> meta = McpPayments.paymentMeta(HEADERS.decodePaymentSignature(signature));
    String payment = new ObjectMapper().writeValueAsString(meta.get(McpPayments.PAYMENT_META));
    int calls = upstreamCalls("weather");

    String answer =
        rawCall(
            "{\"name\":\"weather\",\"arguments\":{\"city\":\"Faro\"},\"_meta\":{"
                + "\"x402/payment\":"
                + payment
                + ",\"x402/payment\":"
                + payment
                + "}}");

    assertThat(answer)
        .startsWith("HTTP/1.1 400")
        .contains("-32600")
        .contains("params._meta repeats the key 'x402/payment'")
        .doesNotContain("sunny");
    assertThat(facilitator.verifiesOf(signature)).as("/verify calls").isZero();
    assertThat(upstreamCalls("weather")).isEqualTo(calls);

    CallToolResult once = client.callTool(call("weather", Map.of("city", "Faro"), meta));
    assertThat(McpGatewayProxyIT.text(once)).isEqualTo("sunny in Faro");
    assertThat(McpPayments.paymentResponse(once).orElseThrow().success()).isTrue();
    assertThat(facilitator.verifiesOf(signature)).as("the counter counts").isEqualTo(1);
  }

  /**
   * Two {@code _meta} in one call, each holding the payment once: no key repeats within a {@code
   * _meta}, yet the call carries its payment twice (Jackson pays with the last {@code _meta}, a
   * reader keeping the first sees the other). Refused like a repeated payment key, before anything
   * is verified; the same payment, sent once, then buys the call.
   */
  @Test
  void twoMetasEachWithThePaymentAreRefusedBeforeAnythingIsVerified() throws Exception {
    String signature =
        market.payV2(HEADERS.encodePaymentRequired(unpaid("weather", Map.of("city", "Faro"))));
    Map<String, Object> meta = McpPayments.paymentMeta(HEADERS.decodePaymentSignature(signature));
    String metaJson = new ObjectMapper().writeValueAsString(meta);
    int calls = upstreamCalls("weather");

    String answer =
        rawCall(
            "{\"name\":\"weather\",\"arguments\":{\"city\":\"Faro\"},\"_meta\":"
                + metaJson
                + ",\"_meta\":"
                + metaJson
                + "}");

    assertThat(answer)
        .startsWith("HTTP/1.1 400")
        .contains("-32600")
        .contains("params repeats the key '_meta'")
        .doesNotContain("sunny");
    assertThat(facilitator.verifiesOf(signature)).as("/verify calls").isZero();
    assertThat(upstreamCalls("weather")).isEqualTo(calls);

    CallToolResult once = client.callTool(call("weather", Map.of("city", "Faro"), meta));
    assertThat(McpGatewayProxyIT.text(once)).isEqualTo("sunny in Faro");
    assertThat(facilitator.verifiesOf(signature)).as("the counter counts").isEqualTo(1);
  }

  @Test
  void aFailingUpstreamToolIsNotCharged() {
    BigInteger before = market.sellerBalance();
    Map<String, Object> meta = pay(unpaid("broken", Map.of()));

    CallToolResult failed = client.callTool(call("broken", Map.of(), meta));

    assertThat(failed.isError()).isTrue();
    assertThat(McpPayments.paymentRequired(failed)).isEmpty();
    assertThat(McpGatewayProxyIT.text(failed)).isEqualTo("the tool failed");
    assertThat(McpPayments.paymentResponse(failed)).isEmpty();

    int thrown = upstreamCalls("throws");
    Map<String, Object> meta2 = pay(unpaid("throws", Map.of()));
    CallToolResult threw = null;
    try {
      threw = client.callTool(call("throws", Map.of(), meta2));
    } catch (RuntimeException expected) {
      assertThat(expected.getMessage()).contains("bad city");
    }
    if (threw != null) {
      // The SDK may report the throw as an error result: still no receipt, nothing charged.
      assertThat(threw.isError()).as("%s", threw).isTrue();
      assertThat(McpPayments.paymentResponse(threw)).isEmpty();
    }
    assertThat(upstreamCalls("throws")).isEqualTo(thrown + 1);
    assertThat(market.sellerBalance()).isEqualTo(before);
  }

  @Test
  void freeToolsStayFreeBesidePricedOnes() {
    CallToolResult echo = client.callTool(call("echo", Map.of("text", "hi"), null));
    assertThat(echo.isError()).isNotEqualTo(Boolean.TRUE);
    assertThat(McpGatewayProxyIT.text(echo)).isEqualTo("echo: hi");
    assertThat(client.listTools().tools())
        .extracting(t -> t.name())
        .containsAll(List.of("echo", "weather", "broken", "calls"));
  }
}
