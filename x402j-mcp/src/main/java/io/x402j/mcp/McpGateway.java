package io.x402j.mcp;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ListToolsResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.x402j.core.internal.Urls;
import io.x402j.core.support.Text;
import io.x402j.jetty.JettyServer;
import io.x402j.mcp.internal.LoopbackHeaders;
import io.x402j.mcp.internal.MetaKeysOnce;
import io.x402j.mcp.internal.ProcessClientTransport;
import io.x402j.server.PaidRoute;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sells an existing MCP server's tools without changing it: a proxy that connects to the upstream
 * MCP server (a command it starts and speaks to over stdio, or a streamable HTTP URL), lists every
 * tool it has with its schemas, and serves them again as an MCP server of its own, over stdio or
 * over streamable HTTP at {@code http://127.0.0.1:PORT/mcp}. Calls are forwarded to the upstream;
 * tools given a price are sold through a {@link Seller} (the x402 MCP transport: an unpaid call
 * gets the payment-required result, a paid one is verified, run, settled and answered with the
 * receipt), the others pass through free, their result (content, {@code structuredContent}, {@code
 * _meta}) as the upstream gave it.
 *
 * <pre>{@code
 * McpGateway gateway = McpGateway.builder()
 *     .upstreamCommand(List.of("node", "weather-server.js"))
 *     .price("get_forecast", PaidRoute.of("$0.01", Network.of("eip155:84532"), payTo))
 *     .seller(paywall::sell)
 *     .http(4022)            // or .stdio(System.in, System.out)
 *     .start();
 * }</pre>
 *
 * <p>What the gateway guarantees: a price for a tool the upstream does not have is refused at
 * start; the payment in {@code _meta["x402/payment"]} never reaches the upstream; an upstream that
 * dies fails the calls in flight and later ones at once with a JSON-RPC error (a sold tool is then
 * not charged); the upstream's stderr is passed to a consumer and never mixed into the stdio
 * channel; when the upstream's tool list changes, the gateway's follows (new tools free unless
 * priced, a priced name stays priced) and its clients are notified.
 */
public final class McpGateway implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(McpGateway.class);

  /** The path of the streamable HTTP endpoint. */
  public static final String ENDPOINT = "/mcp";

  /**
   * Sells one tool: wraps its specification so that calls must be paid the price (the seller's
   * {@code McpPaywall.sell}).
   */
  @FunctionalInterface
  public interface Seller {
    /** The tool, sold at {@code price}. */
    SyncToolSpecification sell(SyncToolSpecification tool, PaidRoute price);
  }

  private final Builder config;
  private final McpJsonMapper json = McpJsonDefaults.getMapper();
  // What buyers send is read refusing repeated _meta keys (a payment is sent once).
  private final McpJsonMapper buyers = new MetaKeysOnce(json);
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final Map<String, Tool> served = new LinkedHashMap<>();
  private McpClientTransport upstreamTransport;
  private McpSyncClient upstream;
  private McpSyncServer server;
  private volatile JettyServer http;

  private McpGateway(Builder config) {
    this.config = config;
  }

  /** Starts configuring a gateway. */
  public static Builder builder() {
    return new Builder();
  }

  private McpGateway startUp() {
    try {
      connectUpstream();
      List<Tool> tools = listAll();
      checkPrices(tools);
      List<SyncToolSpecification> specs = new ArrayList<>();
      synchronized (served) {
        for (Tool t : tools) {
          specs.add(spec(t));
          served.put(t.name(), t);
        }
      }
      serve(specs);
      return this;
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private void connectUpstream() {
    if (config.command != null) {
      upstreamTransport =
          new ProcessClientTransport(config.command, config.env, json, config.upstreamStderr);
    } else {
      URI url = config.url;
      String base = url.getScheme() + "://" + url.getRawAuthority();
      String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
      if (url.getRawQuery() != null) {
        path += "?" + url.getRawQuery();
      }
      upstreamTransport =
          HttpClientStreamableHttpTransport.builder(base)
              .endpoint(path)
              .jsonMapper(json)
              .connectTimeout(Duration.ofSeconds(10))
              .build();
    }
    upstream =
        McpClient.sync(upstreamTransport)
            .clientInfo(McpSchema.Implementation.builder("x402j-mcp-gateway", version()).build())
            .requestTimeout(config.requestTimeout)
            .initializationTimeout(config.requestTimeout)
            .toolsChangeConsumer(this::upstreamToolsChanged)
            .build();
    try {
      upstream.initialize();
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot connect to the upstream MCP server " + upstreamName() + ": " + reason(e), e);
    }
  }

  private String upstreamName() {
    // Without user info or query, where API keys live (as x402j shows RPC and facilitator URLs).
    return config.command != null ? String.join(" ", config.command) : Urls.redact(config.url);
  }

  /** Every tool of the upstream, following its pages. */
  private List<Tool> listAll() {
    if (upstream.getServerCapabilities() == null
        || upstream.getServerCapabilities().tools() == null) {
      return List.of();
    }
    List<Tool> tools = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      ListToolsResult page;
      try {
        page = upstream.listTools(cursor);
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            "the upstream MCP server " + upstreamName() + " did not list its tools: " + reason(e),
            e);
      }
      if (page.tools() != null) {
        tools.addAll(page.tools());
      }
      cursor = page.nextCursor();
    } while (cursor != null && ++pages < 1000);
    return tools;
  }

  private void checkPrices(List<Tool> tools) {
    TreeSet<String> names = new TreeSet<>();
    tools.forEach(t -> names.add(t.name()));
    for (String priced : config.prices.keySet()) {
      if (!names.contains(priced)) {
        throw new IllegalArgumentException(
            "the upstream MCP server has no tool "
                + Text.quote(priced)
                + " to price; its tools: "
                + (names.isEmpty() ? "none" : String.join(", ", names)));
      }
    }
  }

  private SyncToolSpecification spec(Tool tool) {
    SyncToolSpecification free =
        SyncToolSpecification.builder()
            .tool(tool)
            .callHandler((exchange, request) -> forward(tool.name(), request))
            .build();
    PaidRoute price = config.prices.get(tool.name());
    if (price == null) {
      return free;
    }
    if (config.discoverable && price.discovery().isEmpty()) {
      try {
        price = price.toBuilder().discovery(McpPaywall.declaration(tool)).build();
      } catch (IllegalArgumentException e) {
        log.warn(
            "the tool {} is sold but not declared for discovery: {}",
            Text.quote(tool.name()),
            e.getMessage());
      }
    }
    return config.seller.sell(free, price);
  }

  /** Calls the upstream tool with the client's arguments and {@code _meta}, minus the payment. */
  private CallToolResult forward(String name, CallToolRequest request) {
    Map<String, Object> meta = null;
    if (request.meta() != null) {
      meta = new LinkedHashMap<>(request.meta());
      meta.remove(McpPayments.PAYMENT_META);
      // The buyer's word on what an upto call charges is no one's business upstream: an upstream
      // that reflects its _meta would state it back (the HTTP gateway drops Settlement-Overrides).
      meta.remove(McpPaywall.SETTLEMENT_OVERRIDE_META);
      if (meta.isEmpty()) {
        meta = null;
      }
    }
    CallToolRequest call = new CallToolRequest(name, request.arguments(), meta);
    try {
      return withoutPaymentMeta(upstream.callTool(call));
    } catch (McpError e) {
      throw e; // the upstream's own JSON-RPC error, as it gave it
    } catch (RuntimeException e) {
      throw McpError.builder(McpSchema.ErrorCodes.INTERNAL_ERROR)
          .message("the upstream MCP server did not answer the call of " + name + ": " + reason(e))
          .build();
    }
  }

  /**
   * {@code result} without the x402 keys an upstream has no business setting: a receipt ({@code
   * x402/payment-response}) or a payment is the gateway's to give, never the upstream's (as the
   * HTTP gateway drops every payment header an upstream sends).
   */
  private static CallToolResult withoutPaymentMeta(CallToolResult result) {
    if (result == null
        || result.meta() == null
        || !(result.meta().containsKey(McpPayments.PAYMENT_RESPONSE_META)
            || result.meta().containsKey(McpPayments.PAYMENT_META))) {
      return result;
    }
    Map<String, Object> meta = new LinkedHashMap<>(result.meta());
    meta.remove(McpPayments.PAYMENT_RESPONSE_META);
    meta.remove(McpPayments.PAYMENT_META);
    return new CallToolResult(
        result.content(),
        result.isError(),
        result.structuredContent(),
        meta.isEmpty() ? null : meta);
  }

  private void upstreamToolsChanged(List<Tool> tools) {
    McpSyncServer s = server;
    if (s == null) {
      return;
    }
    boolean changed = false;
    synchronized (served) {
      Map<String, Tool> now = new LinkedHashMap<>();
      tools.forEach(t -> now.put(t.name(), t));
      for (String name : new ArrayList<>(served.keySet())) {
        if (!now.containsKey(name)) {
          s.removeTool(name);
          served.remove(name);
          changed = true;
          log.info("the upstream no longer has the tool {}", name);
        }
      }
      for (Tool t : now.values()) {
        Tool before = served.get(t.name());
        if (t.equals(before)) {
          continue;
        }
        if (before != null) {
          s.removeTool(t.name());
        }
        s.addTool(spec(t));
        served.put(t.name(), t);
        changed = true;
        log.info(
            "the upstream {} the tool {}{}",
            before == null ? "added" : "changed",
            t.name(),
            config.prices.containsKey(t.name()) ? " (priced)" : "");
      }
    }
    if (changed) {
      try {
        s.notifyToolsListChanged();
      } catch (RuntimeException e) {
        log.debug("notifying the clients of the new tools failed", e);
      }
    }
  }

  private void serve(List<SyncToolSpecification> tools) {
    McpSchema.ServerCapabilities capabilities =
        McpSchema.ServerCapabilities.builder().tools(true).build();
    McpSchema.Implementation info =
        McpSchema.Implementation.builder("x402j-mcp-gateway", version()).build();
    String instructions = upstream.getServerInstructions();
    if (config.stdin != null) {
      StdioServerTransportProvider transport =
          new StdioServerTransportProvider(buyers, new WatchedInput(config.stdin), config.stdout);
      var spec =
          McpServer.sync(transport)
              .serverInfo(info)
              .capabilities(capabilities)
              .strictToolNameValidation(false)
              .validateToolInputs(false)
              .tools(tools);
      if (instructions != null) {
        spec.instructions(instructions);
      }
      server = spec.build();
    } else {
      HttpServletStreamableServerTransportProvider transport =
          HttpServletStreamableServerTransportProvider.builder()
              .jsonMapper(buyers)
              .mcpEndpoint(ENDPOINT)
              .httpHeaderValidator(new LoopbackHeaders(() -> http == null ? -1 : http.port()))
              .build();
      var spec =
          McpServer.sync(transport)
              .serverInfo(info)
              .capabilities(capabilities)
              .strictToolNameValidation(false)
              .validateToolInputs(false)
              .tools(tools);
      if (instructions != null) {
        spec.instructions(instructions);
      }
      server = spec.build();
      ServletContextHandler context = new ServletContextHandler("/");
      ServletHolder holder = new ServletHolder(transport);
      holder.setAsyncSupported(true);
      context.addServlet(holder, ENDPOINT);
      http =
          JettyServer.builder("mcp-gateway", context)
              .host("127.0.0.1")
              .port(config.port)
              .stopTimeout(Duration.ofSeconds(5))
              .build()
              .start();
    }
  }

  /** The streamable HTTP endpoint, {@code http://127.0.0.1:PORT/mcp}; empty over stdio. */
  public Optional<String> url() {
    return http == null ? Optional.empty() : Optional.of(http.url() + ENDPOINT);
  }

  /** The tools served now, as the upstream describes them. */
  public List<Tool> tools() {
    synchronized (served) {
      return List.copyOf(served.values());
    }
  }

  /** The names of the priced tools. */
  public List<String> pricedTools() {
    return List.copyOf(config.prices.keySet());
  }

  /** Completes when the stdio client closed its input, or the gateway is closed. */
  public CompletableFuture<Void> closed() {
    return closed;
  }

  /** Stops serving and stops (or disconnects from) the upstream. */
  @Override
  public void close() {
    if (upstreamTransport != null) {
      upstreamTransport.close(); // first: the child must not outlive us, however the rest stops
    }
    try {
      if (http != null) {
        http.close();
      }
    } catch (RuntimeException e) {
      log.debug("stopping the HTTP server failed", e);
    }
    try {
      if (server != null) {
        server.close();
      }
    } catch (RuntimeException e) {
      log.debug("closing the MCP server failed", e);
    }
    try {
      if (upstream != null) {
        upstream.close();
      }
    } catch (RuntimeException e) {
      log.debug("closing the upstream client failed", e);
    }
    if (upstreamTransport != null) {
      upstreamTransport.close();
    }
    if (config.paywall != null) {
      try {
        config.paywall.close(); // no more calls: write what its gate's sales writer holds
      } catch (RuntimeException e) {
        log.debug("closing the paywall failed", e);
      }
    }
    closed.complete(null);
  }

  /** What went wrong, in words: the deepest cause that says something. */
  private static String reason(Throwable e) {
    if (e instanceof McpError m && m.getJsonRpcError() != null) {
      return m.getJsonRpcError().message();
    }
    String message = e.getMessage();
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.util.concurrent.TimeoutException) {
        return "no answer in time";
      }
      if (t instanceof McpError m && m.getJsonRpcError() != null) {
        return m.getJsonRpcError().message();
      }
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        message = t.getMessage();
      }
    }
    return message == null ? e.getClass().getSimpleName() : message;
  }

  private static String version() {
    String v = McpGateway.class.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }

  /** The stdio client's input; its end closes the gateway's {@link #closed()}. */
  private final class WatchedInput extends FilterInputStream {
    WatchedInput(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b < 0) {
        closed.complete(null);
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      if (n < 0) {
        closed.complete(null);
      }
      return n;
    }
  }

  /** Configures and starts a {@link McpGateway}. */
  public static final class Builder {
    private List<String> command;
    private Map<String, String> env = Map.of();
    private URI url;
    private final Map<String, PaidRoute> prices = new LinkedHashMap<>();
    private Seller seller;
    private McpPaywall paywall;
    private boolean discoverable;
    private Consumer<String> upstreamStderr = line -> System.err.println("[upstream] " + line);
    private Duration requestTimeout = Duration.ofSeconds(120);
    private InputStream stdin;
    private OutputStream stdout;
    private int port = -1;

    private Builder() {}

    /** The upstream is this command (program and arguments), spoken to over its stdio. */
    public Builder upstreamCommand(List<String> command) {
      if (command == null || command.isEmpty() || command.get(0).isBlank()) {
        throw new IllegalArgumentException("the upstream command is empty");
      }
      this.command = List.copyOf(command);
      return this;
    }

    /** Variables added to the upstream command's environment. */
    public Builder upstreamEnv(Map<String, String> env) {
      this.env = Map.copyOf(env);
      return this;
    }

    /** The upstream is the streamable HTTP MCP endpoint at {@code url}. */
    public Builder upstreamUrl(URI url) {
      Objects.requireNonNull(url, "url");
      if (!"http".equalsIgnoreCase(url.getScheme()) && !"https".equalsIgnoreCase(url.getScheme())
          || url.getRawAuthority() == null) {
        throw new IllegalArgumentException(
            "the upstream URL must be http(s)://host…, got " + Urls.redact(url));
      }
      this.url = url;
      return this;
    }

    /** Sells the upstream tool {@code name} at {@code price}; needs a {@link #seller}. */
    public Builder price(String name, PaidRoute price) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(price, "price");
      if (prices.putIfAbsent(name, price) != null) {
        throw new IllegalArgumentException("the tool " + Text.quote(name) + " is priced twice");
      }
      return this;
    }

    /**
     * Whether priced tools are declared for discovery (default {@code false}): each one's
     * payment-required result then carries the {@code bazaar} extension, {@code type: "mcp"} with
     * the tool's name, input schema and description as the upstream lists them ({@link
     * McpPaywall#declaration}), unless its price declares something itself. A tool whose schema
     * refers outside itself is sold undeclared, with a warning in the log.
     */
    public Builder discoverable(boolean discoverable) {
      this.discoverable = discoverable;
      return this;
    }

    /** Who sells the priced tools (e.g. {@code paywall::sell}). */
    public Builder seller(Seller seller) {
      this.seller = Objects.requireNonNull(seller, "seller");
      return this;
    }

    /**
     * {@code paywall} sells the priced tools, and is closed with the gateway (writing its gate's
     * queued sales events), after the gateway stops serving.
     */
    public Builder seller(McpPaywall paywall) {
      Objects.requireNonNull(paywall, "paywall");
      this.seller = paywall::sell;
      this.paywall = paywall;
      return this;
    }

    /** Receives the upstream command's stderr, line by line (default: our stderr). */
    public Builder upstreamStderr(Consumer<String> stderr) {
      this.upstreamStderr = Objects.requireNonNull(stderr, "stderr");
      return this;
    }

    /** How long a call to the upstream may take (default 120 s). */
    public Builder requestTimeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("the request timeout must be positive");
      }
      this.requestTimeout = timeout;
      return this;
    }

    /**
     * Serves MCP over stdio: requests from {@code in}, answers (and nothing else) to {@code out}.
     */
    public Builder stdio(InputStream in, OutputStream out) {
      this.stdin = Objects.requireNonNull(in, "in");
      this.stdout = Objects.requireNonNull(out, "out");
      this.port = -1;
      return this;
    }

    /** Serves MCP over streamable HTTP at {@code http://127.0.0.1:port/mcp} (0: any free port). */
    public Builder http(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be 0..65535, got " + port);
      }
      this.port = port;
      this.stdin = null;
      this.stdout = null;
      return this;
    }

    /**
     * Connects to the upstream, lists its tools and starts serving them.
     *
     * @throws IllegalArgumentException if a priced tool is not the upstream's, or the configuration
     *     is incomplete
     * @throws IllegalStateException if the upstream cannot be started or reached, or the port bound
     */
    public McpGateway start() {
      if ((command == null) == (url == null)) {
        throw new IllegalArgumentException("give the upstream: a command or a URL (one of them)");
      }
      if (stdin == null && port < 0) {
        throw new IllegalArgumentException(
            "serve over stdio or over HTTP: call stdio(…) or http(…)");
      }
      if (!prices.isEmpty() && seller == null) {
        throw new IllegalArgumentException("priced tools need a seller (the paywall)");
      }
      return new McpGateway(this).startUp();
    }
  }
}
