package io.x402j.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCResponse.JSONRPCError;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.wire.MalformedMessageException;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.WireCodec;
import io.x402j.mcp.internal.McpJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class McpPaymentsTest {
  private static final WireCodec CODEC = WireCodec.standard();

  private static final PaymentRequirements REQUIREMENTS =
      PaymentRequirements.builder()
          .scheme("exact")
          .network(Network.parse("eip155:84532"))
          .amount(TokenAmount.parse("10000"))
          .asset("0x036CbD53842c5426634e7929541eC2318f3dCF7e")
          .payTo("0x209693Bc6afc0C5328bA36FaF03C514EF312287C")
          .maxTimeoutSeconds(60)
          .extra(Map.of("name", "USDC", "version", "2"))
          .build();

  private static final PaymentRequired REQUIRED =
      PaymentRequired.of(
          "Payment required",
          ResourceInfo.of("mcp://tool/weather", "Tool: weather", "application/json"),
          List.of(REQUIREMENTS));

  private static final PaymentPayload PAYMENT =
      PaymentPayload.of(
          REQUIRED.resource(),
          REQUIREMENTS,
          Map.of(
              "signature",
              "0x" + "ab".repeat(65),
              "authorization",
              Map.of(
                  "from", "0x857b06519E91e3A54538791bDbb0E22373e36b66",
                  "to", "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
                  "value", "10000",
                  "validAfter", "1740672089",
                  "validBefore", "1740672154",
                  "nonce", "0x" + "f3".repeat(32))));

  @Test
  void paymentRequiredResultHasTheSpecShape() {
    CallToolResult result = McpPayments.paymentRequiredResult(REQUIRED);

    assertThat(result.isError()).isTrue();
    assertThat(result.structuredContent()).isEqualTo(McpJson.toMap(CODEC.toJson(REQUIRED)));
    @SuppressWarnings("unchecked")
    Map<String, Object> structured = (Map<String, Object>) result.structuredContent();
    assertThat(structured).containsEntry("x402Version", 2);
    assertThat(structured.get("resource"))
        .isEqualTo(
            Map.of(
                "url",
                "mcp://tool/weather",
                "description",
                "Tool: weather",
                "mimeType",
                "application/json"));
    assertThat(result.content()).hasSize(1);
    // content[0].text is the JSON of the same object (the spec: JSON.stringify(structuredContent))
    String text = ((TextContent) result.content().get(0)).text();
    assertThat(McpJson.toMap(text)).isEqualTo(structured);
    assertThat(McpPayments.paymentRequired(result)).contains(REQUIRED);
  }

  @Test
  void readsEveryAcceptedFormOfPaymentRequired() {
    String json = CODEC.toJson(REQUIRED);
    Map<String, Object> wrapper =
        Map.of(
            "x402/error",
            Map.of("code", 402, "message", "Payment required", "data", McpJson.toMap(json)));
    String wrapperText = "{\"x402/error\":{\"code\":402,\"message\":\"m\",\"data\":" + json + "}}";

    // structuredContent only (a client without text)
    assertThat(
            McpPayments.paymentRequired(
                CallToolResult.builder()
                    .isError(true)
                    .structuredContent(McpJson.toMap(json))
                    .build()))
        .contains(REQUIRED);
    // structuredContent["x402/error"].data
    assertThat(
            McpPayments.paymentRequired(
                CallToolResult.builder().isError(true).structuredContent(wrapper).build()))
        .contains(REQUIRED);
    // content[0].text as the PaymentRequired JSON (an SDK that drops structuredContent)
    assertThat(
            McpPayments.paymentRequired(
                CallToolResult.builder().isError(true).addTextContent(json).build()))
        .contains(REQUIRED);
    // content[0].text as the x402/error wrapper (the older TypeScript SDK)
    assertThat(
            McpPayments.paymentRequired(
                CallToolResult.builder().isError(true).addTextContent(wrapperText).build()))
        .contains(REQUIRED);
  }

  @Test
  void ordinaryResultsAreNotPaymentRequired() {
    String json = CODEC.toJson(REQUIRED);
    // not an error: even the right JSON is ordinary content
    assertThat(
            McpPayments.paymentRequired(
                CallToolResult.builder()
                    .isError(false)
                    .structuredContent(McpJson.toMap(json))
                    .addTextContent(json)
                    .build()))
        .isEmpty();
    assertThat(
            McpPayments.paymentRequired(
                CallToolResult.builder().isError(true).addTextContent("city not found").build()))
        .isEmpty();
    assertThat(
            McpPayments.paymentRequired(
                CallToolResult.builder().isError(true).addTextContent("{\"error\":\"x\"}").build()))
        .isEmpty();
    assertThat(
            McpPayments.paymentRequired(
                CallToolResult.builder()
                    .isError(true)
                    .addTextContent("{\"x402/error\":{\"code\":500,\"message\":\"m\",\"data\":{}}}")
                    .build()))
        .isEmpty();
    assertThat(McpPayments.paymentRequired(CallToolResult.builder().isError(true).build()))
        .isEmpty();
    assertThat(McpPayments.paymentRequired((CallToolResult) null)).isEmpty();
  }

  @Test
  void malformedPaymentRequiredNamesTheField() {
    Map<String, Object> bad = new LinkedHashMap<>(McpJson.toMap(CODEC.toJson(REQUIRED)));
    Map<String, Object> offer = new LinkedHashMap<>(requirementsMap());
    offer.put("amount", 10000);
    bad.put("accepts", List.of(offer));

    assertThatThrownBy(
            () ->
                McpPayments.paymentRequired(
                    CallToolResult.builder().isError(true).structuredContent(bad).build()))
        .isInstanceOf(MalformedMessageException.class)
        .extracting(e -> ((MalformedMessageException) e).field())
        .isEqualTo("structuredContent.accepts[0].amount");

    String text = CODEC.toJson(REQUIRED).replace("\"x402Version\":2", "\"x402Version\":1");
    assertThatThrownBy(
            () ->
                McpPayments.paymentRequired(
                    CallToolResult.builder().isError(true).addTextContent(text).build()))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("content[0].text")
        .extracting(e -> ((MalformedMessageException) e).kind())
        .isEqualTo(MalformedMessageException.Kind.UNSUPPORTED_VERSION);

    Map<String, Object> wrapper =
        Map.of("x402/error", Map.of("code", 402, "message", "m", "data", "nope"));
    assertThatThrownBy(
            () ->
                McpPayments.paymentRequired(
                    CallToolResult.builder().isError(true).structuredContent(wrapper).build()))
        .isInstanceOf(MalformedMessageException.class)
        .extracting(e -> ((MalformedMessageException) e).field())
        .isEqualTo("structuredContent[\"x402/error\"].data");
  }

  @Test
  void errorFormRoundTrips() {
    McpError error = McpPayments.paymentRequiredError(REQUIRED);

    assertThat(error.getJsonRpcError().code()).isEqualTo(402);
    assertThat(error.getJsonRpcError().message()).isEqualTo("Payment required");
    assertThat(error.getJsonRpcError().data()).isEqualTo(McpJson.toMap(CODEC.toJson(REQUIRED)));
    assertThat(McpPayments.paymentRequired(error)).contains(REQUIRED);

    PaymentRequired noMessage = PaymentRequired.of(null, REQUIRED.resource(), REQUIRED.accepts());
    assertThat(McpPayments.paymentRequiredError(noMessage).getJsonRpcError().message())
        .isEqualTo("Payment required");
  }

  @Test
  void otherErrorsAreNotPaymentRequiredButA402WithoutDataIsMalformed() {
    assertThat(McpPayments.paymentRequired(new McpError(new JSONRPCError(-32603, "boom"))))
        .isEmpty();
    assertThat(McpPayments.paymentRequired((McpError) null)).isEmpty();
    assertThatThrownBy(
            () -> McpPayments.paymentRequired(new McpError(new JSONRPCError(402, "pay", null))))
        .isInstanceOf(MalformedMessageException.class)
        .extracting(e -> ((MalformedMessageException) e).field())
        .isEqualTo("error.data");
    assertThatThrownBy(
            () ->
                McpPayments.paymentRequired(
                    new McpError(new JSONRPCError(402, "pay", Map.of("x402Version", 2)))))
        .isInstanceOf(MalformedMessageException.class)
        .extracting(e -> ((MalformedMessageException) e).field())
        .asString()
        .startsWith("error.data");
  }

  @Test
  void paymentResponseReadsTheReceipt() {
    SettleResponse receipt =
        SettleResponse.success(
            "0x" + "12".repeat(32), "eip155:84532", "0x857b06519E91e3A54538791bDbb0E22373e36b66");
    CallToolResult result =
        CallToolResult.builder()
            .addTextContent("sunny")
            .meta(Map.of(McpPayments.PAYMENT_RESPONSE_META, McpJson.toMap(CODEC.toJson(receipt))))
            .build();

    assertThat(McpPayments.paymentResponse(result)).contains(receipt);
    assertThat(McpPayments.paymentResponse(CallToolResult.builder().addTextContent("x").build()))
        .isEmpty();
    assertThat(
            McpPayments.paymentResponse(
                CallToolResult.builder().addTextContent("x").meta(Map.of("other", 1)).build()))
        .isEmpty();
  }

  @Test
  void malformedPaymentResponseNamesTheField() {
    CallToolResult notObject =
        CallToolResult.builder()
            .addTextContent("x")
            .meta(Map.of(McpPayments.PAYMENT_RESPONSE_META, "0xabc"))
            .build();
    assertThatThrownBy(() -> McpPayments.paymentResponse(notObject))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("_meta[\"x402/payment-response\"] must be a JSON object")
        .extracting(e -> ((MalformedMessageException) e).field())
        .isEqualTo("_meta[\"x402/payment-response\"]");

    CallToolResult missingNetwork =
        CallToolResult.builder()
            .addTextContent("x")
            .meta(
                Map.of(
                    McpPayments.PAYMENT_RESPONSE_META,
                    Map.of("success", true, "transaction", "0x12")))
            .build();
    assertThatThrownBy(() -> McpPayments.paymentResponse(missingNetwork))
        .isInstanceOf(MalformedMessageException.class)
        .extracting(e -> ((MalformedMessageException) e).field())
        .isEqualTo("_meta[\"x402/payment-response\"].network");
  }

  @Test
  void paymentMetaCarriesThePayloadAndReadsBack() {
    Map<String, Object> meta = McpPayments.paymentMeta(PAYMENT);

    assertThat(meta).containsOnlyKeys("x402/payment");
    assertThat(meta.get("x402/payment")).isEqualTo(McpJson.toMap(CODEC.toJson(PAYMENT)));
    CallToolRequest request = new CallToolRequest("weather", Map.of("city", "Oslo"), meta);
    assertThat(McpPayments.paymentPayload(request)).contains(PAYMENT);
    assertThat(McpPayments.paymentPayload(new CallToolRequest("weather", Map.of(), null)))
        .isEmpty();
  }

  @Test
  void malformedPaymentNamesTheField() {
    assertThatThrownBy(
            () ->
                McpPayments.paymentPayload(
                    new CallToolRequest("t", Map.of(), Map.of("x402/payment", "eyJ4NDAy"))))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("must be a JSON object, got a string")
        .extracting(e -> ((MalformedMessageException) e).field())
        .isEqualTo("_meta[\"x402/payment\"]");

    Map<String, Object> nullValue = new LinkedHashMap<>();
    nullValue.put("x402/payment", null);
    assertThatThrownBy(
            () -> McpPayments.paymentPayload(new CallToolRequest("t", Map.of(), nullValue)))
        .isInstanceOf(MalformedMessageException.class)
        .extracting(e -> ((MalformedMessageException) e).kind())
        .isEqualTo(MalformedMessageException.Kind.MISSING_FIELD);

    Map<String, Object> payment = new LinkedHashMap<>(McpJson.toMap(CODEC.toJson(PAYMENT)));
    payment.put("x402Version", 1);
    assertThatThrownBy(
            () ->
                McpPayments.paymentPayload(
                    new CallToolRequest("t", Map.of(), Map.of("x402/payment", payment))))
        .isInstanceOf(MalformedMessageException.class)
        .extracting(e -> ((MalformedMessageException) e).kind())
        .isEqualTo(MalformedMessageException.Kind.UNSUPPORTED_VERSION);

    Map<String, Object> noAccepted = new LinkedHashMap<>(McpJson.toMap(CODEC.toJson(PAYMENT)));
    noAccepted.remove("accepted");
    assertThatThrownBy(
            () ->
                McpPayments.paymentPayload(
                    new CallToolRequest("t", Map.of(), Map.of("x402/payment", noAccepted))))
        .isInstanceOf(MalformedMessageException.class)
        .extracting(e -> ((MalformedMessageException) e).field())
        .isEqualTo("_meta[\"x402/payment\"].accepted");
  }

  private static Map<String, Object> requirementsMap() {
    return McpJson.toMap(CODEC.toJson(REQUIREMENTS));
  }
}
