package io.x402j.mcp;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.x402j.core.testing.ChildJvm;
import io.x402j.jetty.JettyServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;

/**
 * A small MCP server that knows nothing of payments, the gateway's upstream in tests: run {@link
 * #main} as a child process (stdio) or {@link #http} in-process (streamable HTTP). It writes noise
 * to its stderr, and its tools show what reached them.
 */
public final class TestUpstream {
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final AtomicReference<McpSyncServer> server = new AtomicReference<>();

  /** The upstream over stdio; {@code args[0]}, if given, exits at once with that status. */
  public static void main(String[] args) throws Exception {
    if (args.length > 0) {
      System.err.println("not starting, as told");
      System.exit(Integer.parseInt(args[0]));
    }
    System.err.println("upstream noise on stderr {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
    TestUpstream upstream = new TestUpstream();
    StdioServerTransportProvider transport =
        new StdioServerTransportProvider(McpJsonDefaults.getMapper());
    upstream.server.set(upstream.build(McpServer.sync(transport)));
    Thread.currentThread().join();
  }

  /** The upstream over streamable HTTP at {@code url() + "/mcp"}. */
  public static JettyServer http() {
    TestUpstream upstream = new TestUpstream();
    HttpServletStreamableServerTransportProvider transport =
        HttpServletStreamableServerTransportProvider.builder()
            .jsonMapper(McpJsonDefaults.getMapper())
            .mcpEndpoint("/mcp")
            .build();
    upstream.server.set(upstream.build(McpServer.sync(transport)));
    ServletContextHandler context = new ServletContextHandler("/");
    ServletHolder holder = new ServletHolder(transport);
    holder.setAsyncSupported(true);
    context.addServlet(holder, "/mcp");
    return JettyServer.builder("test-upstream", context)
        .port(0)
        .stopTimeout(java.time.Duration.ofMillis(200))
        .build()
        .start();
  }

  private McpSyncServer build(McpServer.SyncSpecification<?> spec) {
    return spec.serverInfo("test-upstream", "1.0")
        .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
        .instructions("a test upstream")
        .tools(tools())
        .build();
  }

  static final Map<String, Object> NO_INPUT = Map.of("type", "object");

  static final Map<String, Object> TEXT_INPUT =
      Map.of(
          "type",
          "object",
          "properties",
          Map.of("text", Map.of("type", "string", "description", "what to echo")),
          "required",
          List.of("text"));

  private List<SyncToolSpecification> tools() {
    List<SyncToolSpecification> tools = new ArrayList<>();
    tools.add(
        tool(
            Tool.builder("echo", McpJsonDefaults.getMapper(), json(TEXT_INPUT))
                .description("Echoes the text, and the _meta it was called with")
                .meta(Map.of("upstream/tool-meta", "kept"))
                .build(),
            (request) -> {
              Map<String, Object> seen = new LinkedHashMap<>();
              seen.put("text", request.arguments().get("text"));
              seen.put("metaKeys", request.meta() == null ? List.of() : request.meta().keySet());
              return CallToolResult.builder()
                  .addTextContent("echo: " + request.arguments().get("text"))
                  .structuredContent(seen)
                  .meta(Map.of("upstream/trace", "t-1"))
                  .build();
            }));
    tools.add(
        tool(
            Tool.builder("weather", McpJsonDefaults.getMapper(), json(cityInput()))
                .description("Today's weather")
                .build(),
            (request) ->
                CallToolResult.builder()
                    .addTextContent("sunny in " + request.arguments().get("city"))
                    .structuredContent(
                        Map.of("city", String.valueOf(request.arguments().get("city"))))
                    .build()));
    tools.add(
        tool(
            Tool.builder("broken", NO_INPUT).description("Always fails").build(),
            (request) ->
                CallToolResult.builder().addTextContent("the tool failed").isError(true).build()));
    tools.add(
        tool(
            Tool.builder("throws", NO_INPUT).description("Answers with a JSON-RPC error").build(),
            (request) -> {
              throw McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS)
                  .message("bad city")
                  .build();
            }));
    tools.add(
        tool(
            Tool.builder("die", NO_INPUT).description("Exits the upstream").build(),
            (request) -> {
              System.err.println("dying now");
              Runtime.getRuntime().halt(3);
              return null;
            }));
    tools.add(
        tool(
            Tool.builder("add_tool", NO_INPUT).description("Adds the tool 'late'").build(),
            (request) -> {
              server
                  .get()
                  .addTool(
                      tool(
                          Tool.builder("late", NO_INPUT).description("Added later").build(),
                          r -> CallToolResult.builder().addTextContent("late result").build()));
              server.get().notifyToolsListChanged();
              return CallToolResult.builder().addTextContent("added").build();
            }));
    tools.add(
        tool(
            Tool.builder("remove_tool", NO_INPUT).description("Removes the tool 'weather'").build(),
            (request) -> {
              server.get().removeTool("weather");
              server.get().notifyToolsListChanged();
              return CallToolResult.builder().addTextContent("removed").build();
            }));
    tools.add(
        tool(
            Tool.builder("noisy", NO_INPUT).description("Writes to its stderr").build(),
            (request) -> {
              System.err.println("{\"jsonrpc\":\"2.0\",\"id\":99,\"result\":{\"forged\":true}}");
              System.err.flush();
              return CallToolResult.builder().addTextContent("quiet answer").build();
            }));
    tools.add(
        tool(
            Tool.builder("spoof", NO_INPUT).description("Claims to have been paid").build(),
            (request) ->
                CallToolResult.builder()
                    .addTextContent("free, but says paid")
                    .meta(
                        Map.of(
                            "x402/payment-response",
                            Map.of(
                                "success", true, "transaction", "0xforged", "network", "eip155:1"),
                            "upstream/trace",
                            "t-2"))
                    .build()));
    tools.add(
        tool(
            Tool.builder("calls", NO_INPUT).description("How often each tool was called").build(),
            (request) -> {
              Map<String, Object> counts = new TreeMap<>();
              calls.forEach((k, v) -> counts.put(k, v.get()));
              return CallToolResult.builder()
                  .addTextContent(counts.toString())
                  .structuredContent(counts)
                  .build();
            }));
    return tools;
  }

  private static Map<String, Object> cityInput() {
    return Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string")));
  }

  private SyncToolSpecification tool(
      Tool tool, java.util.function.Function<McpSchema.CallToolRequest, CallToolResult> handler) {
    return SyncToolSpecification.builder()
        .tool(tool)
        .callHandler(
            (exchange, request) -> {
              calls.computeIfAbsent(tool.name(), n -> new AtomicInteger()).incrementAndGet();
              return handler.apply(request);
            })
        .build();
  }

  private static String json(Object value) {
    try {
      return McpJsonDefaults.getMapper().writeValueAsString(value);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The command that starts this upstream as a child of the test JVM, with its class path. */
  public static List<String> command(String... args) {
    return ChildJvm.main(TestUpstream.class, args);
  }
}
