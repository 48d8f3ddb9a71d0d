package io.x402j.mcp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.x402j.client.Payer;
import io.x402j.client.SpendControls;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.evm.PrivateKeySigner;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What the agent-wallet attack tests share: the buyer, a hostile HTTP seller's 402, MCP calls. */
final class WalletAttackFixture {
  static final String KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
  static final PrivateKeySigner BUYER = PrivateKeySigner.fromHex(KEY);
  static final String USDC = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
  static final String SELLER = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";

  private WalletAttackFixture() {}

  /** An HTTP server on a free loopback port, one thread per exchange, not yet started. */
  static HttpServer seller() throws IOException {
    HttpServer seller = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    seller.setExecutor(Executors.newCachedThreadPool());
    return seller;
  }

  /** Answers an unpaid request with a 402; true when it did. */
  static boolean challenge(HttpExchange exchange) throws IOException {
    if (exchange.getRequestHeaders().getFirst("PAYMENT-SIGNATURE") != null) {
      return false;
    }
    exchange.getResponseHeaders().add("PAYMENT-REQUIRED", HeaderCodec.encode(required()));
    exchange.sendResponseHeaders(402, -1);
    exchange.close();
    return true;
  }

  /** The 402's offer: 0.01 USDC on Base Sepolia. */
  static String required() {
    return "{\"x402Version\":2,\"error\":\"payment required\",\"resource\":{\"url\":\"http://x/\","
        + "\"description\":\"d\",\"mimeType\":\"text/plain\"},\"accepts\":[{\"scheme\":\"exact\","
        + "\"network\":\"eip155:84532\",\"amount\":\"10000\",\"asset\":\""
        + USDC
        + "\",\"payTo\":\""
        + SELLER
        + "\",\"maxTimeoutSeconds\":60,\"extra\":{\"name\":\"USDC\",\"version\":\"2\"}}]}";
  }

  /** The buyer's payer, at most $0.10 a payment. */
  static Payer payer() {
    return Payer.builder()
        .signer(BUYER)
        .spendControls(SpendControls.builder().maxPerPaymentUsd("$0.10").build())
        .build();
  }

  /** Calls {@code tool} with {@code url}; empty when the call did not finish within seconds. */
  static Optional<CallToolResult> call(McpSyncClient client, String tool, String url, long seconds)
      throws Exception {
    CompletableFuture<CallToolResult> call =
        CompletableFuture.supplyAsync(
            () -> client.callTool(new CallToolRequest(tool, Map.of("url", url), null)));
    try {
      return Optional.of(call.get(seconds, TimeUnit.SECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> structured(CallToolResult r) {
    return (Map<String, Object>) r.structuredContent();
  }
}
