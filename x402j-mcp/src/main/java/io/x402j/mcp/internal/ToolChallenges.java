package io.x402j.mcp.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.x402j.client.PaymentChallenge;
import io.x402j.core.X402Exception;
import io.x402j.core.support.Text;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentHeader;
import io.x402j.mcp.McpPayments;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the {@code PaymentRequired} a tool answered with, in either MCP form, and turns it into the
 * {@link PaymentChallenge} the HTTP payer reads, so that an MCP payment is read, checked against
 * the spend controls and signed by exactly the code that pays HTTP 402s: a v2 message as the {@code
 * PAYMENT-REQUIRED} header, a v1 message as the 402 body. Not part of the x402j API.
 *
 * <p>What counts as a payment request: a tool result with {@code isError: true} whose {@code
 * structuredContent} (else the JSON text of {@code content[0]}) is an object naming {@code
 * x402Version} or {@code accepts} (or wraps one as {@code {"x402/error": {code: 402, data}}}, as
 * older TypeScript servers do); or a JSON-RPC error with code 402 whose {@code data} is that object
 * (or code -32042 carrying it under {@code data.x402}, as the TypeScript client also accepts).
 * Anything else is an ordinary answer. A message that claims to be one but is not a readable x402
 * version is refused here; its fields are checked by the payer's strict decoder.
 */
public final class ToolChallenges {
  /** The largest PaymentRequired read, in characters of JSON. */
  public static final int MAX_JSON_CHARS = 1024 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int URL_ELICITATION_REQUIRED = -32042;
  private static final String ERROR_WRAPPER = "x402/error";

  private ToolChallenges() {}

  /** The payment request a tool result carries, as JSON, if it is one. */
  public static Optional<ObjectNode> of(McpSchema.CallToolResult result) {
    if (result == null || !Boolean.TRUE.equals(result.isError())) {
      return Optional.empty();
    }
    Optional<ObjectNode> structured = candidate(result.structuredContent());
    if (structured.isPresent()) {
      return structured;
    }
    List<McpSchema.Content> content = result.content();
    if (content == null
        || content.isEmpty()
        || !(content.get(0) instanceof McpSchema.TextContent text)
        || text.text() == null
        || text.text().length() > MAX_JSON_CHARS) {
      return Optional.empty();
    }
    try {
      return candidate(JSON.readTree(text.text()));
    } catch (JsonProcessingException e) {
      return Optional.empty(); // not JSON: an ordinary tool error
    }
  }

  /** The payment request a JSON-RPC error carries, as JSON, if it is one. */
  public static Optional<ObjectNode> of(McpError error) {
    McpSchema.JSONRPCResponse.JSONRPCError rpc = error.getJsonRpcError();
    if (rpc == null || rpc.code() == null || rpc.data() == null) {
      return Optional.empty();
    }
    JsonNode data = tree(rpc.data());
    if (rpc.code() == McpPayments.PAYMENT_REQUIRED_CODE) {
      return candidate(data);
    }
    if (rpc.code() == URL_ELICITATION_REQUIRED && data != null && data.isObject()) {
      return candidate(data.get("x402"));
    }
    return Optional.empty();
  }

  /**
   * The payer's view of {@code required}: answered by {@code server} (whose host per-host budgets
   * count against).
   *
   * @throws X402Exception naming the problem when it is no x402 version this client reads
   */
  public static PaymentChallenge challenge(URI server, ObjectNode required) {
    String json = required.toString();
    if (json.length() > MAX_JSON_CHARS) {
      throw new X402Exception("the PaymentRequired is larger than " + MAX_JSON_CHARS + " chars");
    }
    JsonNode version = required.get("x402Version");
    if (version == null) {
      throw new X402Exception("the PaymentRequired has no x402Version");
    }
    if (!version.isIntegralNumber() || !version.canConvertToInt()) {
      throw new X402Exception(
          "the PaymentRequired's x402Version is not a number: " + Text.quote(version.toString()));
    }
    switch (version.intValue()) {
      case 2:
        return new PaymentChallenge(
            server,
            Map.of(PaymentHeader.PAYMENT_REQUIRED.headerName(), List.of(HeaderCodec.encode(json))),
            null);
      case 1:
        return new PaymentChallenge(server, Map.of(), json.getBytes(StandardCharsets.UTF_8));
      default:
        throw new X402Exception(
            "the PaymentRequired's x402Version " + version.intValue() + " is not 1 or 2");
    }
  }

  /**
   * The reason a payment request gives ({@code error}), for people: quoted when it is not a plain
   * word; empty when there is none.
   */
  public static Optional<String> reason(ObjectNode required) {
    JsonNode error = required.get("error");
    if (error == null || !error.isTextual() || error.asText().isBlank()) {
      return Optional.empty();
    }
    String text = error.asText();
    return Optional.of(text.matches("[A-Za-z0-9_.:-]{1,64}") ? text : Text.quote(text));
  }

  /** A JSON tree of what the MCP mapper made of a JSON value (maps, lists, strings, numbers). */
  private static JsonNode tree(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof String s) {
      // Some servers send the message as JSON text.
      if (s.length() > MAX_JSON_CHARS) {
        return null;
      }
      try {
        return JSON.readTree(s);
      } catch (JsonProcessingException e) {
        return null;
      }
    }
    try {
      return JSON.valueToTree(value);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Optional<ObjectNode> candidate(Object value) {
    JsonNode node = value instanceof JsonNode n ? n : tree(value);
    if (!(node instanceof ObjectNode object)) {
      return Optional.empty();
    }
    if (object.has("x402Version") || object.has("accepts")) {
      return Optional.of(object);
    }
    // The wrapper older servers send: {"x402/error": {"code": 402, "message", "data"}}.
    JsonNode wrapper = object.get(ERROR_WRAPPER);
    if (wrapper != null
        && wrapper.path("code").isIntegralNumber()
        && wrapper.path("code").asInt() == McpPayments.PAYMENT_REQUIRED_CODE
        && wrapper.get("data") instanceof ObjectNode data) {
      return Optional.of(data);
    }
    return Optional.empty();
  }
}
