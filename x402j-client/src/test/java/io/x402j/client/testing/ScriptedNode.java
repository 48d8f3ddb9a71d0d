package io.x402j.client.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * An embedded Jetty server on the loopback playing an EVM JSON-RPC node from a script: its chain
 * ID, the Permit2 allowance {@code allowance(address,address)} answers, the EIP-2612 nonce {@code
 * nonces(address)} answers (or a revert), account nonce and fees. Single and batched calls. Records
 * the methods called.
 */
public final class ScriptedNode implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Server server;
  private volatile long chainId;
  private volatile BigInteger allowance = BigInteger.ZERO;
  private volatile BigInteger eip2612Nonce;

  /** The methods called, in order ({@code eth_call} as {@code eth_call:<selector>}). */
  public final List<String> calls = new CopyOnWriteArrayList<>();

  /**
   * The raw transactions sent ({@code eth_sendRawTransaction}); each is mined at once with status
   * 1, and an {@code approve} among them becomes the allowance every token reports.
   */
  public final List<String> sent = new CopyOnWriteArrayList<>();

  private ScriptedNode(long chainId) throws Exception {
    this.chainId = chainId;
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback)
              throws Exception {
            String body = Content.Source.asString(request, StandardCharsets.UTF_8);
            JsonNode in = JSON.readTree(body);
            JsonNode out;
            if (in.isArray()) {
              ArrayNode all = JSON.createArrayNode();
              in.forEach(c -> all.add(answer(c)));
              out = all;
            } else {
              out = answer(in);
            }
            response.getHeaders().put("Content-Type", "application/json");
            response.write(true, ByteBuffer.wrap(JSON.writeValueAsBytes(out)), callback);
            return true;
          }
        });
    server.start();
  }

  /** Starts a node of chain {@code chainId}. */
  public static ScriptedNode start(long chainId) throws Exception {
    return new ScriptedNode(chainId);
  }

  /** The URL. */
  public String url() {
    return "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  /** The Permit2 allowance every token reports. */
  public ScriptedNode allowance(BigInteger allowance) {
    this.allowance = allowance;
    return this;
  }

  /** The EIP-2612 nonce every token reports, or {@code null} for a revert (no nonces()). */
  public ScriptedNode eip2612Nonce(BigInteger nonce) {
    this.eip2612Nonce = nonce;
    return this;
  }

  private ObjectNode answer(JsonNode call) {
    ObjectNode out = JSON.createObjectNode();
    out.put("jsonrpc", "2.0");
    out.set("id", call.get("id"));
    String method = call.path("method").asText();
    switch (method) {
      case "eth_chainId" -> {
        calls.add(method);
        out.put("result", "0x" + Long.toHexString(chainId));
      }
      case "eth_getTransactionCount" -> {
        calls.add(method);
        out.put("result", "0x3");
      }
      case "eth_estimateGas" -> {
        calls.add(method);
        out.put("result", "0xb411");
      }
      case "eth_sendRawTransaction" -> {
        calls.add(method);
        String raw = call.path("params").path(0).asText();
        sent.add(raw);
        byte[] data =
            io.x402j.evm.Eip1559Transaction.decodeSigned(io.x402j.evm.Hex.decode(raw))
                .transaction()
                .data();
        if (data.length == 68) { // approve(address,uint256): the amount is the last word
          allowance = new BigInteger(1, java.util.Arrays.copyOfRange(data, 36, 68));
        }
        out.put("result", "0x" + "cd".repeat(32));
      }
      case "eth_getTransactionReceipt" -> {
        calls.add(method);
        ObjectNode receipt = out.putObject("result");
        receipt.put("status", "0x1");
        receipt.put("transactionHash", call.path("params").path(0).asText());
      }
      case "eth_maxPriorityFeePerGas", "eth_gasPrice" -> {
        calls.add(method);
        out.put("result", "0x3b9aca00");
      }
      case "eth_call" -> {
        String data = call.path("params").path(0).path("data").asText().toLowerCase(Locale.ROOT);
        String selector = data.length() >= 10 ? data.substring(0, 10) : data;
        calls.add(method + ":" + selector);
        if (selector.equals("0xdd62ed3e")) {
          out.put("result", word(allowance));
        } else if (selector.equals("0x7ecebe00") && eip2612Nonce != null) {
          out.put("result", word(eip2612Nonce));
        } else {
          ObjectNode error = out.putObject("error");
          error.put("code", 3);
          error.put("message", "execution reverted");
        }
      }
      default -> {
        calls.add(method);
        ObjectNode error = out.putObject("error");
        error.put("code", -32601);
        error.put("message", "method not found");
      }
    }
    return out;
  }

  private static String word(BigInteger value) {
    String hex = value.toString(16);
    return "0x" + "0".repeat(64 - hex.length()) + hex;
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("stopping the scripted node failed", e);
    }
  }
}
