package io.x402j.evm.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.core.support.StrictJson;
import io.x402j.core.support.Text;
import io.x402j.evm.rpc.RpcException.Kind;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a node's answer to one JSON-RPC request into one {@link RpcResult} per call, in the order
 * of the calls, matched by id whatever order the node answered in. A call's error object is a
 * result; a non-2xx status, a body that is not strict JSON, a missing id or a whole-batch refusal
 * is an {@link RpcException} naming the method and the (redacted) node. Thread-safe.
 */
final class RpcResponseReader {
  private final StrictJson json;

  RpcResponseReader(int maxResponseBytes) {
    this.json = new StrictJson(maxResponseBytes);
  }

  /**
   * The results of the {@code expected} calls numbered from {@code firstId}.
   *
   * @param node the node, already redacted
   * @param method the method named in messages
   * @throws RpcException when the response as a whole is unusable
   */
  List<RpcResult> read(
      String node, String method, int expected, long firstId, HttpResponse<byte[]> response) {
    String text = new String(response.body(), StandardCharsets.UTF_8);
    if (response.statusCode() < 200 || response.statusCode() >= 300) {
      throw new RpcException(
          Kind.HTTP_STATUS,
          method,
          response.statusCode(),
          null,
          method
              + " on "
              + node
              + " failed with HTTP "
              + response.statusCode()
              + ": "
              + Text.quote(text.strip()),
          null);
    }
    JsonNode root;
    try {
      root = json.parse(text);
    } catch (IOException e) {
      throw badResponse(node, method, "not JSON", text);
    }
    Map<Long, RpcResult> byId = new HashMap<>();
    if (root.isArray()) {
      for (JsonNode item : root) {
        readOne(node, method, item, byId);
      }
    } else if (root.isObject()) {
      if (expected > 1 && root.has("error") && !root.hasNonNull("id")) {
        // A node that refuses batches answers one error for the whole request.
        RpcError error = error(root.get("error"));
        throw new RpcException(
            Kind.RPC_ERROR,
            method,
            0,
            error,
            method + " refused by " + node + ": " + error.message(),
            null);
      }
      readOne(node, method, root, byId);
    } else {
      throw badResponse(node, method, "neither an object nor an array", text);
    }
    List<RpcResult> results = new ArrayList<>(expected);
    for (int i = 0; i < expected; i++) {
      RpcResult result = byId.get(firstId + i);
      if (result == null) {
        throw badResponse(node, method, "no answer for request id " + (firstId + i), text);
      }
      results.add(result);
    }
    return results;
  }

  private void readOne(String node, String method, JsonNode item, Map<Long, RpcResult> byId) {
    if (!item.isObject() || !item.has("id") || !item.get("id").canConvertToLong()) {
      throw badResponse(node, method, "a response without a numeric id", item.toString());
    }
    long id = item.get("id").longValue();
    if (item.hasNonNull("error")) {
      byId.put(id, RpcResult.failed(error(item.get("error"))));
    } else if (item.has("result")) {
      byId.put(id, RpcResult.ok(item.get("result")));
    } else {
      throw badResponse(node, method, "a response with neither result nor error", item.toString());
    }
  }

  private static RpcError error(JsonNode error) {
    return new RpcError(
        error.path("code").asInt(0), error.path("message").asText(""), error.get("data"));
  }

  private RpcException badResponse(String node, String method, String what, String text) {
    return new RpcException(
        Kind.BAD_RESPONSE,
        method,
        0,
        null,
        method + " on " + node + " answered " + what + ": " + Text.quote(text.strip()),
        null);
  }
}
