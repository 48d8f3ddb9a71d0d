package io.x402j.mcp;

import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Content;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCResponse.JSONRPCError;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.x402j.core.wire.MalformedMessageException;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.WireCodec;
import io.x402j.mcp.internal.McpJson;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The wire of x402 over MCP ({@code specs/transports-v2/mcp.md}, tool-result binding), for sellers
 * and buyers alike.
 *
 * <ul>
 *   <li>A priced tool called without payment answers with a tool result: {@code isError: true}, the
 *       {@link PaymentRequired} as {@code structuredContent} and as JSON text in {@code
 *       content[0].text} ({@link #paymentRequiredResult}). The same shape reports a refused payment
 *       or a failed settlement, with the reason in {@code error}.
 *   <li>The paid retry carries the {@link PaymentPayload} in {@code params._meta["x402/payment"]}
 *       ({@link #paymentMeta}, read back with {@link #paymentPayload(CallToolRequest)}).
 *   <li>A paid call that settled carries the {@link SettleResponse} in {@code
 *       result._meta["x402/payment-response"]} ({@link #paymentResponse}).
 *   <li>The JSON-RPC error form {@code {code: 402, message, data: PaymentRequired}} that the
 *       TypeScript SDK also understands ({@link #paymentRequiredError}, {@link
 *       #paymentRequired(McpError)}).
 * </ul>
 *
 * <p>Reading is strict, as for HTTP headers: a value that claims to be an x402 message but is not
 * one is refused with a {@link MalformedMessageException} whose {@link
 * MalformedMessageException#field() field} names the place ({@code
 * structuredContent.accepts[0].amount}, {@code _meta["x402/payment"].accepted.network}). Results
 * that are not about payment at all (an ordinary tool error, a result without {@code _meta}) read
 * as empty. Stateless and thread-safe.
 */
public final class McpPayments {
  /** The {@code _meta} key of the payment a client sends: {@value}. */
  public static final String PAYMENT_META = "x402/payment";

  /** The {@code _meta} key of the settlement receipt a server returns: {@value}. */
  public static final String PAYMENT_RESPONSE_META = "x402/payment-response";

  /** The JSON-RPC error code of the payment-required error form: {@value}. */
  public static final int PAYMENT_REQUIRED_CODE = 402;

  /** The key of the wrapper {@code {"x402/error": {code, message, data}}} older servers send. */
  static final String ERROR_WRAPPER = "x402/error";

  private static final String DEFAULT_MESSAGE = "Payment required";
  private static final String PAYMENT_FIELD = "_meta[\"" + PAYMENT_META + "\"]";
  private static final String RESPONSE_FIELD = "_meta[\"" + PAYMENT_RESPONSE_META + "\"]";

  private static final WireCodec CODEC = WireCodec.standard();

  private McpPayments() {}

  /**
   * The tool result asking for payment: {@code isError: true}, {@code structuredContent} the {@code
   * PaymentRequired} object, {@code content[0].text} its JSON.
   */
  public static CallToolResult paymentRequiredResult(PaymentRequired paymentRequired) {
    Objects.requireNonNull(paymentRequired, "paymentRequired");
    String json = CODEC.toJson(paymentRequired);
    return CallToolResult.builder()
        .isError(true)
        .structuredContent(McpJson.toMap(json))
        .addTextContent(json)
        .build();
  }

  /**
   * The {@code PaymentRequired} of a payment-required tool result, or empty when the result is not
   * one (not {@code isError}, or neither {@code structuredContent} nor {@code content[0].text}
   * carries {@code x402Version} and {@code accepts}). Accepted, in this order: {@code
   * structuredContent} as the object itself, {@code structuredContent["x402/error"].data}, and
   * {@code content[0].text} as JSON of either.
   *
   * @throws MalformedMessageException if the result carries an x402 message that is malformed; the
   *     field names where
   */
  public static Optional<PaymentRequired> paymentRequired(CallToolResult result) {
    if (result == null || !Boolean.TRUE.equals(result.isError())) {
      return Optional.empty();
    }
    Optional<PaymentRequired> structured =
        fromObject(result.structuredContent(), "structuredContent");
    if (structured.isPresent()) {
      return structured;
    }
    List<Content> content = result.content();
    if (content == null || content.isEmpty() || !(content.get(0) instanceof TextContent)) {
      return Optional.empty();
    }
    String text = ((TextContent) content.get(0)).text();
    Map<String, Object> parsed = McpJson.parseObjectOrNull(text);
    if (parsed == null) {
      return Optional.empty(); // an ordinary error message, not JSON
    }
    if (looksLikePaymentRequired(parsed)) {
      try {
        return Optional.of(CODEC.decodePaymentRequired(text));
      } catch (MalformedMessageException e) {
        throw McpJson.at("content[0].text", e);
      }
    }
    return fromWrapper(parsed, "content[0].text");
  }

  /**
   * The {@code PaymentRequired} of a JSON-RPC error with code {@value #PAYMENT_REQUIRED_CODE}, or
   * empty for any other error.
   *
   * @throws MalformedMessageException if the error has code 402 but its {@code data} is not a
   *     well-formed {@code PaymentRequired}; the field names where
   */
  public static Optional<PaymentRequired> paymentRequired(McpError error) {
    JSONRPCError rpc = error == null ? null : error.getJsonRpcError();
    if (rpc == null || rpc.code() == null || rpc.code() != PAYMENT_REQUIRED_CODE) {
      return Optional.empty();
    }
    Object data = rpc.data();
    if (data instanceof String) {
      try {
        return Optional.of(CODEC.decodePaymentRequired((String) data));
      } catch (MalformedMessageException e) {
        throw McpJson.at("error.data", e);
      }
    }
    return Optional.of(decodePaymentRequired(data, "error.data"));
  }

  /**
   * The JSON-RPC error form {@code {code: 402, message: <error or "Payment required">, data:
   * <PaymentRequired>}}; a tool handler that throws it makes the server answer with that error.
   */
  public static McpError paymentRequiredError(PaymentRequired paymentRequired) {
    Objects.requireNonNull(paymentRequired, "paymentRequired");
    String message =
        paymentRequired.error() == null || paymentRequired.error().isEmpty()
            ? DEFAULT_MESSAGE
            : paymentRequired.error();
    return McpError.builder(PAYMENT_REQUIRED_CODE)
        .message(message)
        .data(McpJson.toMap(CODEC.toJson(paymentRequired)))
        .build();
  }

  /**
   * The settlement receipt in {@code result._meta["x402/payment-response"]}, or empty when there is
   * none.
   *
   * @throws MalformedMessageException if the receipt is present but malformed; the field names
   *     where
   */
  public static Optional<SettleResponse> paymentResponse(CallToolResult result) {
    return fromMeta(
        result == null ? null : result.meta(),
        PAYMENT_RESPONSE_META,
        RESPONSE_FIELD,
        CODEC::decodeSettleResponse);
  }

  /**
   * The request {@code _meta} that carries {@code payment}: {@code {"x402/payment":
   * <PaymentPayload>}}. Immutable; copy it to add other keys.
   */
  public static Map<String, Object> paymentMeta(PaymentPayload payment) {
    Objects.requireNonNull(payment, "payment");
    return Map.of(PAYMENT_META, McpJson.toMap(CODEC.toJson(payment)));
  }

  /**
   * The payment in {@code params._meta["x402/payment"]} of a tool call, or empty when the call
   * carries none.
   *
   * @throws MalformedMessageException if the key is present but its value is not a well-formed v2
   *     {@code PaymentPayload} (not an object, a wrong type, a missing field, another version); the
   *     field names where
   */
  public static Optional<PaymentPayload> paymentPayload(CallToolRequest request) {
    return fromMeta(
        request == null ? null : request.meta(),
        PAYMENT_META,
        PAYMENT_FIELD,
        CODEC::decodePaymentPayload);
  }

  /** The message under {@code key} of {@code meta}, decoded strictly; empty when absent. */
  private static <T> Optional<T> fromMeta(
      Map<String, Object> meta, String key, String field, Function<String, T> decode) {
    if (meta == null || !meta.containsKey(key)) {
      return Optional.empty();
    }
    return Optional.of(decode(meta.get(key), field, decode));
  }

  /** {@code value}, which must be a JSON object, decoded; errors name {@code field}. */
  private static <T> T decode(Object value, String field, Function<String, T> decode) {
    String text = McpJson.objectText(value, field);
    try {
      return decode.apply(text);
    } catch (MalformedMessageException e) {
      throw McpJson.at(field, e);
    }
  }

  private static Optional<PaymentRequired> fromObject(Object value, String field) {
    if (!(value instanceof Map)) {
      return Optional.empty();
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) value;
    if (looksLikePaymentRequired(map)) {
      return Optional.of(decodePaymentRequired(map, field));
    }
    return fromWrapper(map, field);
  }

  private static Optional<PaymentRequired> fromWrapper(Map<String, Object> map, String field) {
    Object wrapper = map.get(ERROR_WRAPPER);
    if (!(wrapper instanceof Map)) {
      return Optional.empty();
    }
    Map<?, ?> error = (Map<?, ?>) wrapper;
    Object code = error.get("code");
    if (!(code instanceof Number) || ((Number) code).doubleValue() != PAYMENT_REQUIRED_CODE) {
      return Optional.empty();
    }
    return Optional.of(
        decodePaymentRequired(error.get("data"), field + "[\"" + ERROR_WRAPPER + "\"].data"));
  }

  private static boolean looksLikePaymentRequired(Map<String, Object> map) {
    return map.containsKey("x402Version") && map.containsKey("accepts");
  }

  private static PaymentRequired decodePaymentRequired(Object value, String field) {
    return decode(value, field, CODEC::decodePaymentRequired);
  }
}
