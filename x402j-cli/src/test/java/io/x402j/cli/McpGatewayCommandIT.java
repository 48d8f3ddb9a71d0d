package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.x402j.core.testing.ChildJvm;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.SettleResponse;
import io.x402j.mcp.McpPayments;
import io.x402j.mcp.TestUpstream;
import io.x402j.testkit.TestMarket;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code x402j mcp-gateway} as a separate process, selling the tools of {@link TestUpstream} (a
 * child of the gateway) on the devnet; clients are the official Java MCP SDK's, over stdio and over
 * streamable HTTP.
 */
class McpGatewayCommandIT {
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static TestMarket market;

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.start();
  }

  @AfterAll
  static void stop() {
    market.close();
  }

  static String java() {
    return ChildJvm.java();
  }

  /** The gateway's command line after {@code java}: the child-JVM options, {@code -cp … X402j}… */
  static List<String> gatewayArgs(String... more) {
    String upstream =
        String.join(" ", TestUpstream.command().stream().map(w -> "'" + w + "'").toList());
    List<String> args = new ArrayList<>(ChildJvm.OPTIONS);
    args.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            X402j.class.getName(),
            "mcp-gateway",
            "--upstream-command",
            upstream,
            "--tool",
            "weather=$0.01",
            "--facilitator",
            market.facilitatorUrl(),
            "--network",
            market.network().toString(),
            "--asset",
            market.info().token().toString(),
            "--asset-name",
            market.info().tokenName(),
            "--asset-version",
            market.info().tokenVersion(),
            "--asset-decimals",
            "6",
            "--pay-to",
            market.seller().toString()));
    args.addAll(List.of(more));
    return args;
  }

  static CallToolRequest call(
      String name, Map<String, Object> arguments, Map<String, Object> meta) {
    return CallToolRequest.builder(name).arguments(arguments).meta(meta).build();
  }

  static String text(CallToolResult result) {
    return ((McpSchema.TextContent) result.content().get(0)).text();
  }

  @Test
  void overStdioEveryToolIsListedFreeOnesPassAndPricedOnesAreSold() throws Exception {
    List<String> gatewayStderr = new CopyOnWriteArrayList<>();
    ServerParameters params = ServerParameters.builder(java()).args(gatewayArgs()).build();
    StdioClientTransport transport = new StdioClientTransport(params, McpJsonDefaults.getMapper());
    transport.setStdErrorHandler(gatewayStderr::add);
    McpSyncClient client =
        McpClient.sync(transport)
            .requestTimeout(Duration.ofSeconds(60))
            .initializationTimeout(Duration.ofSeconds(120))
            .build();
    List<ProcessHandle> devnet = ProcessHandle.current().descendants().toList();
    List<ProcessHandle> children;
    try {
      client.initialize();
      children = ProcessHandle.current().descendants().filter(p -> !devnet.contains(p)).toList();
      assertThat(children).as("the gateway and its upstream").hasSizeGreaterThanOrEqualTo(2);

      List<Tool> tools = client.listTools().tools();
      assertThat(tools).extracting(Tool::name).contains("echo", "weather", "noisy", "calls");

      // the upstream writes JSON-looking lines to its stderr: the channel stays clean
      assertThat(text(client.callTool(call("noisy", Map.of(), null)))).isEqualTo("quiet answer");
      CallToolResult echo = client.callTool(call("echo", Map.of("text", "hi"), null));
      assertThat(text(echo)).isEqualTo("echo: hi");
      assertThat(echo.meta()).containsEntry("upstream/trace", "t-1");

      CallToolResult unpaid = client.callTool(call("weather", Map.of("city", "Porto"), null));
      assertThat(unpaid.isError()).isTrue();
      PaymentRequired offer = McpPayments.paymentRequired(unpaid).orElseThrow();
      assertThat(offer.resource().url()).isEqualTo("mcp://tool/weather");

      BigInteger before = market.sellerBalance();
      PaymentPayload payment =
          HEADERS.decodePaymentSignature(market.payV2(HEADERS.encodePaymentRequired(offer)));
      Map<String, Object> meta = new LinkedHashMap<>(McpPayments.paymentMeta(payment));
      CallToolResult paid = client.callTool(call("weather", Map.of("city", "Porto"), meta));
      assertThat(text(paid)).isEqualTo("sunny in Porto");
      SettleResponse receipt = McpPayments.paymentResponse(paid).orElseThrow();
      assertThat(receipt.success()).isTrue();
      assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));

      CallToolResult replay = client.callTool(call("weather", Map.of("city", "Porto"), meta));
      assertThat(replay.isError()).isTrue();
      assertThat(McpPayments.paymentRequired(replay)).isPresent();
      assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
    } finally {
      client.close();
    }
    // the client closed the gateway's stdin: the gateway and its upstream stop
    for (ProcessHandle child : children) {
      assertThat(child.onExit().get(30, TimeUnit.SECONDS).isAlive())
          .as("%s; gateway stderr: %s", child.info().commandLine(), gatewayStderr)
          .isFalse();
    }
    assertThat(gatewayStderr).anyMatch(l -> l.contains("upstream noise on stderr"));
  }

  @Test
  void overHttpItPrintsItsUrlAndServesTheSameTools(@TempDir Path dir) throws Exception {
    List<String> command = new ArrayList<>(List.of(java()));
    command.addAll(gatewayArgs("--port", "0"));
    Path log = dir.resolve("gateway.log");
    Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      assertThat(line).as("log: %s", Files.readString(log)).isNotNull();
      JsonNode started = new ObjectMapper().readTree(line);
      String url = started.path("url").asText();
      assertThat(url).startsWith("http://127.0.0.1:").endsWith("/mcp");
      assertThat(started.path("tools").get(0).path("name").asText()).isEqualTo("weather");
      assertThat(started.path("tools").get(0).path("price").asText()).isEqualTo("$0.01");
      URI u = URI.create(url);
      try (McpSyncClient client =
          McpClient.sync(
                  HttpClientStreamableHttpTransport.builder("http://" + u.getAuthority())
                      .endpoint(u.getPath())
                      .build())
              .requestTimeout(Duration.ofSeconds(30))
              .build()) {
        client.initialize();
        assertThat(client.listTools().tools()).extracting(Tool::name).contains("echo", "weather");
        CallToolResult unpaid = client.callTool(call("weather", Map.of("city", "Porto"), null));
        assertThat(McpPayments.paymentRequired(unpaid)).isPresent();
      }
    } finally {
      process.destroy();
      process.waitFor(30, TimeUnit.SECONDS);
      process.destroyForcibly();
    }
  }

  @Test
  void aToolTheUpstreamDoesNotHaveIsAClearStartupError(@TempDir Path dir) throws Exception {
    List<String> command = new ArrayList<>(List.of(java()));
    command.addAll(gatewayArgs("--tool", "wether=$0.01"));
    Path err = dir.resolve("err.log");
    Process process =
        new ProcessBuilder(command)
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String stderr = Files.readString(err);
    assertThat(process.exitValue()).as(stderr).isEqualTo(2);
    assertThat(stderr).contains("no tool 'wether'").contains("weather");
    assertThat(stderr).doesNotContain("\tat ");
    assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .as("stdout, the MCP channel")
        .isEmpty();
  }
}
