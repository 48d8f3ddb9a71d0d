package io.x402j.mcp.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The wallet's tool results: the outcome as {@code structuredContent}, and the same as JSON text
 * for clients that read only {@code content}; failures with {@code isError} and a message first.
 */
public final class ToolResults {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ToolResults() {}

  /** A result carrying {@code outcome}. */
  public static CallToolResult ok(Map<String, Object> outcome) {
    return result(outcome, false);
  }

  /** A failed call: {@code message} says what went wrong; {@code details} may add to it. */
  public static CallToolResult error(String message, Map<String, Object> details) {
    Map<String, Object> outcome = new LinkedHashMap<>();
    outcome.put("error", message);
    outcome.putAll(details);
    return result(outcome, true);
  }

  /** A failed call with only a message. */
  public static CallToolResult error(String message) {
    return error(message, Map.of());
  }

  private static CallToolResult result(Map<String, Object> outcome, boolean isError) {
    String text;
    try {
      text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(outcome);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a tool result as JSON", e);
    }
    if (isError) {
      text = outcome.get("error") + "\n" + text;
    }
    return CallToolResult.builder()
        .content(List.of(TextContent.builder(text).build()))
        .structuredContent(outcome)
        .isError(isError)
        .build();
  }
}
