package io.x402j.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.x402j.client.Payer;
import io.x402j.client.SpendControls;
import io.x402j.evm.PrivateKeySigner;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The wallet's tools called as an MCP server calls them, without a chain: arguments and bodies. */
class AgentWalletTest {
  static final String KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

  HttpServer server;
  final AtomicInteger requests = new AtomicInteger();
  Map<String, SyncToolSpecification> tools;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          try (exchange) {
            String path = exchange.getRequestURI().getPath();
            byte[] body;
            String type;
            if (path.equals("/binary")) {
              body = new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, (byte) 0xff, 1, 2};
              type = "image/png";
            } else if (path.equals("/long")) {
              body = "é".repeat(100).getBytes(StandardCharsets.UTF_8); // 200 bytes
              type = "text/plain; charset=utf-8";
            } else {
              body =
                  (exchange.getRequestMethod()
                          + " "
                          + new String(
                              exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)
                          + " "
                          + exchange.getRequestHeaders().getFirst("X-Test"))
                      .getBytes(StandardCharsets.UTF_8);
              type = "text/plain";
            }
            exchange.getResponseHeaders().add("Content-Type", type);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
          }
        });
    server.start();
    Payer payer =
        Payer.builder()
            .signer(PrivateKeySigner.fromHex(KEY))
            .spendControls(SpendControls.builder().maxPerPaymentUsd("$0.10").build())
            .build();
    AgentWallet wallet =
        AgentWallet.builder(payer)
            .evmAccount(PrivateKeySigner.fromHex(KEY).address())
            .maxBodyBytes(101)
            .build();
    tools = new HashMap<>();
    wallet.tools().forEach(t -> tools.put(t.tool().name(), t));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  CallToolResult call(String tool, Map<String, Object> arguments) {
    return tools.get(tool).callHandler().apply(null, new CallToolRequest(tool, arguments, null));
  }

  static String text(CallToolResult result) {
    return ((TextContent) result.content().get(0)).text();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> structured(CallToolResult result) {
    return (Map<String, Object>) result.structuredContent();
  }

  @Test
  void listsFourToolsWithInputSchemas() {
    assertThat(tools)
        .containsOnlyKeys("x402_fetch", "x402_inspect", "x402_balance", "x402_discover");
    assertThat(tools.get("x402_fetch").tool().inputSchema())
        .containsEntry("type", "object")
        .containsEntry("required", List.of("url"));
    assertThat(tools.get("x402_inspect").tool().inputSchema())
        .containsEntry("required", List.of("url"));
  }

  @Test
  void badArgumentsAreErrorResultsNamingWhatIsWrong() {
    Map<Map<String, Object>, String> cases = new java.util.LinkedHashMap<>();
    cases.put(Map.of(), "url is required");
    cases.put(Map.of("url", 5), "url must be a string, got a number");
    cases.put(Map.of("url", "ftp://example.com/x"), "must start with http:// or https://");
    cases.put(Map.of("url", "file:///etc/passwd"), "must start with http:// or https://");
    cases.put(Map.of("url", "http://"), "url");
    cases.put(Map.of("url", url("/"), "method", "BREW"), "method 'BREW' is not one of");
    cases.put(Map.of("url", url("/"), "headers", "X-Test: 1"), "headers must be an object");
    cases.put(Map.of("url", url("/"), "headers", List.of("a")), "got an array");
    cases.put(
        Map.of("url", url("/"), "headers", Map.of("X-Test", 1)), "headers.X-Test must be a string");
    cases.put(Map.of("url", url("/"), "headers", Map.of("Bad Name", "v")), "is not a header name");
    cases.put(
        Map.of("url", url("/"), "headers", Map.of("PAYMENT-SIGNATURE", "x")), "the wallet pays");
    cases.put(
        Map.of("url", url("/"), "method", "GET", "body", "{}"), "a body is not sent with GET");
    cases.put(Map.of("url", url("/"), "body", 3), "body must be a string");
    cases.put(Map.of("url", url("/"), "uri", "x"), "unknown argument 'uri'");
    cases.forEach(
        (arguments, message) -> {
          CallToolResult result = call("x402_fetch", arguments);
          assertThat(result.isError()).as("%s", arguments).isTrue();
          assertThat(text(result)).as("%s", arguments).contains(message);
          assertThat(structured(result).get("error").toString()).contains(message);
        });
    assertThat(text(call("x402_inspect", Map.of("url", "mailto:a@b.c"))))
        .contains("must start with http:// or https://");
    assertThat(text(call("x402_balance", Map.of("network", List.of()))))
        .contains("network must be a string");
    assertThat(text(call("x402_balance", Map.of("network", "no-such-net")))).contains("network:");
    assertThat(requests).as("nothing was requested").hasValue(0);
  }

  @Test
  void aFreeUrlIsFetchedWithoutPaying() {
    CallToolResult result =
        call(
            "x402_fetch",
            Map.of("url", url("/echo"), "body", "{\"a\":1}", "headers", Map.of("X-Test", "t")));
    assertThat(result.isError()).as(text(result)).isFalse();
    Map<String, Object> out = structured(result);
    assertThat(out)
        .containsEntry("status", 200)
        .containsEntry("paid", false)
        .containsEntry("bodyEncoding", "text")
        .containsEntry("body", "POST {\"a\":1} t")
        .doesNotContainKey("payment");
    assertThat(text(result)).contains("POST {\\\"a\\\":1} t");
  }

  @Test
  void binaryBodiesAreBase64AndLongOnesAreCutAtACharacter() {
    Map<String, Object> binary = structured(call("x402_fetch", Map.of("url", url("/binary"))));
    assertThat(binary)
        .containsEntry("bodyEncoding", "base64")
        .containsEntry(
            "body",
            java.util.Base64.getEncoder()
                .encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, (byte) 0xff, 1, 2}));
    assertThat(binary.get("bodyNote").toString()).contains("binary content (image/png)");

    Map<String, Object> cut = structured(call("x402_fetch", Map.of("url", url("/long"))));
    assertThat(cut).containsEntry("bodyBytes", 200).containsEntry("body", "é".repeat(50));
    assertThat(cut.get("bodyNote").toString()).contains("the first 100 of 200 bytes");
  }

  @Test
  void inspectOfAFreeUrlSaysNoPaymentIsAsked() {
    CallToolResult result = call("x402_inspect", Map.of("url", url("/")));
    assertThat(result.isError()).isFalse();
    assertThat(structured(result))
        .containsEntry("paymentRequired", false)
        .containsEntry("status", 200);
  }

  @Test
  void balanceWithoutANodeSaysWhatToGive() {
    CallToolResult result = call("x402_balance", Map.of());
    assertThat(result.isError()).isTrue();
    assertThat(text(result)).contains("--rpc-url");
  }

  @Test
  void unreachableUrlIsAnErrorResult() {
    CallToolResult result = call("x402_fetch", Map.of("url", "http://127.0.0.1:1/none"));
    assertThat(result.isError()).isTrue();
    assertThat(text(result)).contains("cannot reach http://127.0.0.1:1/none");
  }
}
