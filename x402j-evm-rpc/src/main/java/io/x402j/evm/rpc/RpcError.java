package io.x402j.evm.rpc;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The {@code error} object of a JSON-RPC response.
 *
 * @param code the error code ({@code 3} for a reverted {@code eth_call} on most nodes)
 * @param message the node's message
 * @param data extra data, e.g. the ABI-encoded revert reason; {@code null} when absent
 */
public record RpcError(int code, String message, JsonNode data) {
  /** The {@code data} as a hex string when it is one, else {@code null}. */
  public String dataHex() {
    if (data == null) {
      return null;
    }
    if (data.isTextual() && data.textValue().startsWith("0x")) {
      return data.textValue();
    }
    JsonNode nested = data.get("data");
    return nested != null && nested.isTextual() ? nested.textValue() : null;
  }

  /** Whether the node refused the call for exceeding a rate or request limit. */
  public boolean isRateLimited() {
    String text = message == null ? "" : message.toLowerCase(java.util.Locale.ROOT);
    return code == -32005
        || code == 429
        || text.contains("rate limit")
        || text.contains("too many requests")
        || text.contains("exceeded") && text.contains("limit");
  }
}
