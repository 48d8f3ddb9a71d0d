package io.x402j.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.x402j.core.Network;
import io.x402j.jetty.JettyServer;
import io.x402j.server.PaidRoute;
import io.x402j.testkit.RawHttp;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gateway as a plain proxy (no price): every upstream tool, as the upstream gives it. */
class McpGatewayProxyIT {
  static final List<String> upstreamStderr = new CopyOnWriteArrayList<>();
  static McpGateway gateway;

  @BeforeAll
  static void start() {
    gateway =
        McpGateway.builder()
            .upstreamCommand(TestUpstream.command())
            .upstreamStderr(upstreamStderr::add)
            .http(0)
            .start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static McpSyncClient client(String url, Consumer<List<Tool>> toolsChanged) {
    URI u = URI.create(url);
    McpSyncClient client =
        McpClient.sync(
                HttpClientStreamableHttpTransport.builder(u.getScheme() + "://" + u.getAuthority())
                    .endpoint(u.getPath())
                    .build())
            .requestTimeout(Duration.ofSeconds(30))
            .toolsChangeConsumer(toolsChanged)
            .build();
    client.initialize();
    return client;
  }

  static CallToolRequest call(String name, Map<String, Object> arguments) {
    return CallToolRequest.builder(name).arguments(arguments).build();
  }

  static String text(CallToolResult result) {
    return ((McpSchema.TextContent) result.content().get(0)).text();
  }

  @Test
  void listsEveryUpstreamToolWithItsSchemaAndMeta() {
    try (McpSyncClient client = client(gateway.url().orElseThrow(), t -> {})) {
      List<Tool> tools = client.listTools().tools();
      assertThat(tools)
          .extracting(Tool::name)
          .contains("echo", "weather", "broken", "throws", "noisy", "calls");
      Tool echo = tools.stream().filter(t -> t.name().equals("echo")).findFirst().orElseThrow();
      assertThat(echo.description()).isEqualTo("Echoes the text, and the _meta it was called with");
      assertThat(echo.inputSchema())
          .containsKey("properties")
          .containsEntry("required", List.of("text"));
      assertThat(echo.meta()).containsEntry("upstream/tool-meta", "kept");
      assertThat(client.getServerInstructions()).isEqualTo("a test upstream");
    }
  }

  @Test
  void aFreeToolPassesThroughWithItsStructuredContentAndMeta() {
    try (McpSyncClient client = client(gateway.url().orElseThrow(), t -> {})) {
      CallToolResult result =
          client.callTool(
              CallToolRequest.builder("echo")
                  .arguments(Map.of("text", "hi"))
                  .meta(Map.of("trace", "abc"))
                  .build());
      assertThat(result.isError()).isNotEqualTo(Boolean.TRUE);
      assertThat(text(result)).isEqualTo("echo: hi");
      assertThat(result.meta()).containsEntry("upstream/trace", "t-1");
      @SuppressWarnings("unchecked")
      Map<String, Object> seen = (Map<String, Object>) result.structuredContent();
      assertThat(seen).containsEntry("text", "hi");
      assertThat(seen.get("metaKeys")).isEqualTo(List.of("trace"));
    }
  }

  @Test
  void thePaymentInMetaNeverReachesTheUpstream() {
    try (McpSyncClient client = client(gateway.url().orElseThrow(), t -> {})) {
      CallToolResult result =
          client.callTool(
              CallToolRequest.builder("echo")
                  .arguments(Map.of("text", "hi"))
                  .meta(
                      Map.of(
                          "x402/payment",
                          Map.of("x402Version", 2, "payload", Map.of("signature", "0xsecret")),
                          "trace",
                          "abc"))
                  .build());
      @SuppressWarnings("unchecked")
      Map<String, Object> seen = (Map<String, Object>) result.structuredContent();
      assertThat(seen.get("metaKeys")).isEqualTo(List.of("trace"));
    }
  }

  @Test
  void anUpstreamCannotForgeAReceipt() {
    try (McpSyncClient client = client(gateway.url().orElseThrow(), t -> {})) {
      CallToolResult result = client.callTool(call("spoof", Map.of()));
      assertThat(text(result)).isEqualTo("free, but says paid");
      assertThat(result.meta()).containsEntry("upstream/trace", "t-2");
      assertThat(result.meta()).doesNotContainKey("x402/payment-response");
    }
  }

  @Test
  void theUpstreamsErrorsComeBackAsItGaveThem() {
    try (McpSyncClient client = client(gateway.url().orElseThrow(), t -> {})) {
      CallToolResult failed = client.callTool(call("broken", Map.of()));
      assertThat(failed.isError()).isTrue();
      assertThat(text(failed)).isEqualTo("the tool failed");

      assertThatThrownBy(() -> client.callTool(call("throws", Map.of())))
          .isInstanceOfSatisfying(
              McpError.class,
              e -> {
                assertThat(e.getJsonRpcError().code())
                    .isEqualTo(McpSchema.ErrorCodes.INVALID_PARAMS);
                assertThat(e.getJsonRpcError().message()).contains("bad city");
              });
    }
  }

  @Test
  void theUpstreamsStderrGoesToItsConsumerNotIntoTheChannel() {
    try (McpSyncClient client = client(gateway.url().orElseThrow(), t -> {})) {
      CallToolResult result = client.callTool(call("noisy", Map.of()));
      assertThat(text(result)).isEqualTo("quiet answer");
      client.ping(); // throws if the gateway stopped answering
    }
    assertThat(upstreamStderr).anyMatch(l -> l.contains("upstream noise on stderr"));
  }

  static byte[] post(String host, String origin, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head =
        "POST /mcp HTTP/1.1\r\nHost: "
            + host
            + "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream"
            + "\r\nContent-Length: "
            + bytes.length
            + "\r\n"
            + (origin == null ? "" : "Origin: " + origin + "\r\n")
            + "Connection: close\r\n\r\n";
    return (head + body).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aRequestNamingAnotherHostOrFromAWebPageIsRefused() throws Exception {
    int port = URI.create(gateway.url().orElseThrow()).getPort();
    RawHttp raw = new RawHttp("127.0.0.1", port);
    String initialize =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
            + "\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";
    assertThat(raw.exchange(post("127.0.0.1:" + port, null, initialize))).contains(" 200");
    assertThat(raw.exchange(post("localhost:" + port, null, initialize))).contains(" 200");
    // DNS rebinding: the browser names the attacker's host
    assertThat(raw.exchange(post("evil.example:" + port, null, initialize))).contains(" 403");
    // a cross-origin page posting to the loopback gateway
    assertThat(raw.exchange(post("127.0.0.1:" + port, "https://evil.example", initialize)))
        .contains(" 403");
  }

  @Test
  void anUpstreamOverStreamableHttpIsProxiedToo() {
    JettyServer upstream = TestUpstream.http();
    try (McpGateway viaHttp =
            McpGateway.builder().upstreamUrl(URI.create(upstream.url() + "/mcp")).http(0).start();
        McpSyncClient client = client(viaHttp.url().orElseThrow(), t -> {})) {
      assertThat(client.listTools().tools()).extracting(Tool::name).contains("echo", "weather");
      CallToolResult result = client.callTool(call("weather", Map.of("city", "Porto")));
      assertThat(text(result)).isEqualTo("sunny in Porto");
    } finally {
      try {
        upstream.close();
      } catch (IllegalStateException streamsStillOpen) {
        // the stop waited for the SDK's open event stream; the server is stopped all the same
      }
    }
  }

  @Test
  void anHttpUpstreamThatGoesAwayFailsTheCallAtOnce() {
    JettyServer upstream = TestUpstream.http();
    try (McpGateway viaHttp =
            McpGateway.builder()
                .upstreamUrl(URI.create(upstream.url() + "/mcp"))
                .requestTimeout(Duration.ofMinutes(5))
                .http(0)
                .start();
        McpSyncClient client = client(viaHttp.url().orElseThrow(), t -> {})) {
      try {
        upstream.close();
      } catch (IllegalStateException streamsStillOpen) {
        // stopped all the same
      }
      assertTimeoutPreemptively(
          Duration.ofSeconds(30),
          () ->
              assertThatThrownBy(() -> client.callTool(call("echo", Map.of("text", "x"))))
                  .isInstanceOf(McpError.class)
                  .hasMessageContaining("upstream"));
    }
  }

  @Test
  void whenTheUpstreamsToolsChangeTheGatewaysFollowAndTellItsClients() throws Exception {
    try (McpGateway own =
        McpGateway.builder()
            .upstreamCommand(TestUpstream.command())
            .upstreamStderr(l -> {})
            .http(0)
            .start()) {
      CountDownLatch late = new CountDownLatch(1);
      CountDownLatch gone = new CountDownLatch(1);
      try (McpSyncClient client =
          client(
              own.url().orElseThrow(),
              tools -> {
                List<String> names = tools.stream().map(Tool::name).toList();
                if (names.contains("late")) {
                  late.countDown();
                }
                if (!names.contains("weather")) {
                  gone.countDown();
                }
              })) {
        client.callTool(call("add_tool", Map.of()));
        assertThat(late.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(text(client.callTool(call("late", Map.of())))).isEqualTo("late result");

        client.callTool(call("remove_tool", Map.of()));
        assertThat(gone.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(client.listTools().tools()).extracting(Tool::name).doesNotContain("weather");
        assertThatThrownBy(() -> client.callTool(call("weather", Map.of("city", "Porto"))))
            .isInstanceOf(McpError.class);
      }
    }
  }

  @Test
  void aPriceForAToolTheUpstreamDoesNotHaveIsRefusedAtStart() {
    assertThatThrownBy(
            () ->
                McpGateway.builder()
                    .upstreamCommand(TestUpstream.command())
                    .upstreamStderr(l -> {})
                    .price(
                        "wether",
                        PaidRoute.of(
                            "$0.01",
                            Network.parse("eip155:84532"),
                            "0x000000000000000000000000000000000000dEaD"))
                    .seller((tool, price) -> tool)
                    .http(0)
                    .start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no tool 'wether'")
        .hasMessageContaining("weather");
  }

  @Test
  void anUpstreamThatCannotStartIsAClearError() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () ->
            assertThatThrownBy(
                    () ->
                        McpGateway.builder()
                            .upstreamCommand(TestUpstream.command("7"))
                            .upstreamStderr(l -> {})
                            .http(0)
                            .start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited (status 7)"));
    assertThatThrownBy(
            () ->
                McpGateway.builder()
                    .upstreamCommand(List.of("/no/such/program-x402j"))
                    .http(0)
                    .start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("/no/such/program-x402j");
  }

  @Test
  void anUpstreamThatDiesFailsTheCallAtOnceAndTheGatewayKeepsAnswering() {
    try (McpGateway own =
            McpGateway.builder()
                .upstreamCommand(TestUpstream.command())
                .upstreamStderr(l -> {})
                .requestTimeout(Duration.ofMinutes(5))
                .http(0)
                .start();
        McpSyncClient client = client(own.url().orElseThrow(), t -> {})) {
      assertTimeoutPreemptively(
          Duration.ofSeconds(20),
          () -> {
            assertThatThrownBy(() -> client.callTool(call("die", Map.of())))
                .isInstanceOf(McpError.class)
                .hasMessageContaining("exited (status 3)");
            assertThatThrownBy(() -> client.callTool(call("echo", Map.of("text", "x"))))
                .isInstanceOf(McpError.class)
                .hasMessageContaining("exited (status 3)");
            assertThat(client.listTools().tools()).extracting(Tool::name).contains("echo");
          });
    }
  }
}
