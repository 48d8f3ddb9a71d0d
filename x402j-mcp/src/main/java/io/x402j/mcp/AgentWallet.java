package io.x402j.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import io.x402j.client.Payer;
import io.x402j.client.X402Client;
import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.discovery.DiscoveryClient;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.mcp.internal.Accounts;
import io.x402j.mcp.internal.BalanceTool;
import io.x402j.mcp.internal.DiscoverTool;
import io.x402j.mcp.internal.EndOfInput;
import io.x402j.mcp.internal.FetchTool;
import io.x402j.mcp.internal.InspectTool;
import io.x402j.mcp.internal.ToolResults;
import io.x402j.svm.SolanaAddress;
import io.x402j.svm.rpc.SolanaRpcClient;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MCP server that gives an AI agent a wallet: the tools {@code x402_fetch} (request a URL,
 * paying its 402 under the {@link Payer}'s spend controls exactly as {@code x402j pay} does),
 * {@code x402_inspect} (what a URL asks to be paid; nothing is paid), {@code x402_balance} (the
 * wallet's balances) and {@code x402_discover} (what a facilitator's Bazaar catalog offers; see
 * {@link Builder#discovery}). The wallet holds a payer, never a key: no tool result names one.
 * Failures, refusals by the spend controls and bad arguments are tool results with {@code isError},
 * never protocol errors. Immutable and thread-safe.
 *
 * <pre>{@code
 * AgentWallet wallet = AgentWallet.builder(payer).evmAccount(signer.address()).build();
 * wallet.serveStdio(System.in, System.out); // until the client closes stdin
 * }</pre>
 */
public final class AgentWallet {
  /** The tool that requests a URL and pays its 402. */
  public static final String FETCH = "x402_fetch";

  /** The tool that shows what a URL asks to be paid. */
  public static final String INSPECT = "x402_inspect";

  /** The tool that shows the wallet's balances. */
  public static final String BALANCE = "x402_balance";

  /** The tool that lists what a facilitator's discovery catalog offers. */
  public static final String DISCOVER = "x402_discover";

  /** The most of a response body a fetch returns by default. */
  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(AgentWallet.class);

  private final FetchTool fetch;
  private final InspectTool inspect;
  private final BalanceTool balance;
  private final DiscoverTool discover;
  private final String name;
  private final String version;

  private AgentWallet(Builder b) {
    HttpClient http = b.http != null ? b.http : HttpClient.newHttpClient();
    Accounts accounts = new Accounts(b.evmAccount, b.solanaAccount);
    X402Client client = X402Client.builder(b.payer).httpClient(http).build();
    this.fetch = new FetchTool(client, accounts, b.networks, b.maxBodyBytes, b.timeout);
    this.inspect = new InspectTool(http, b.payer, b.timeout);
    this.balance = new BalanceTool(b.networks, accounts, b.evmNodes, b.solanaNode);
    this.discover = new DiscoverTool(b.discovery, b.networks);
    this.name = b.name;
    this.version = b.version;
  }

  /** Starts a wallet paying with {@code payer}. */
  public static Builder builder(Payer payer) {
    return new Builder(payer);
  }

  /** The four tools, to add to any MCP server. */
  public List<SyncToolSpecification> tools() {
    return List.of(
        tool(FETCH, FETCH_DESCRIPTION, fetchSchema(), fetch::call),
        tool(INSPECT, INSPECT_DESCRIPTION, urlSchema(), inspect::call),
        tool(BALANCE, BALANCE_DESCRIPTION, balanceSchema(), balance::call),
        tool(DISCOVER, DISCOVER_DESCRIPTION, discoverSchema(), discover::call));
  }

  /** An MCP server of the wallet's tools on {@code transport}; close it when done. */
  public McpSyncServer serve(McpServerTransportProvider transport) {
    return McpServer.sync(transport)
        .serverInfo(name, version)
        .instructions(INSTRUCTIONS)
        .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
        .validateToolInputs(false) // each tool checks its arguments and names what is wrong
        .tools(tools())
        .build();
  }

  /**
   * Serves MCP over {@code in} and {@code out} (a client's stdio) until {@code in} ends, then
   * closes. Nothing else may write to {@code out}.
   */
  public void serveStdio(InputStream in, OutputStream out) throws InterruptedException {
    EndOfInput input = new EndOfInput(in);
    McpSyncServer server = serve(new StdioServerTransportProvider(jsonMapper(), input, out));
    try {
      input.await();
    } finally {
      server.closeGracefully();
    }
  }

  /** The JSON mapper of the MCP SDK on x402j's Jackson 2. */
  public static McpJsonMapper jsonMapper() {
    return new JacksonMcpJsonMapper(new ObjectMapper());
  }

  private static SyncToolSpecification tool(
      String name,
      String description,
      Map<String, Object> schema,
      Function<Map<String, Object>, CallToolResult> call) {
    return SyncToolSpecification.builder()
        .tool(McpSchema.Tool.builder(name, schema).description(description).build())
        .callHandler(
            (exchange, request) -> {
              try {
                return call.apply(request.arguments());
              } catch (RuntimeException e) {
                // A bug must not end the session; its type says what, never a secret.
                LOG.warn("{} failed", name, e);
                return ToolResults.error(name + " failed: " + e.getClass().getSimpleName());
              }
            })
        .build();
  }

  private static final String INSTRUCTIONS =
      "A wallet that pays for HTTP resources with x402. Use x402_inspect to see what a URL costs,"
          + " x402_fetch to request it (a 402 is paid within the wallet's limits), x402_balance to"
          + " see the funds, x402_discover to find paid resources in a facilitator's catalog.";

  private static final String FETCH_DESCRIPTION =
      "Requests an http(s) URL. If it answers 402 Payment Required (x402), pays once within the"
          + " wallet's spend limits and requests it again. Returns the status, main headers, the"
          + " body (text, or base64 for binary; long bodies are cut, the cut stated) and what was"
          + " paid: amount, asset, network, transaction, payer. A payment the limits refuse is"
          + " an error result saying why; nothing is signed then.";

  private static final String INSPECT_DESCRIPTION =
      "Shows what an http(s) URL asks to be paid (x402): every offer with scheme, network, amount"
          + " in atomic units and in tokens and dollars where known, payTo, asset, and which"
          + " offer the wallet would pay or why none. Pays nothing.";

  private static final String BALANCE_DESCRIPTION =
      "Shows the wallet's native and token (USDC) balances on the networks it has a node for,"
          + " or on one network.";

  private static final String DISCOVER_DESCRIPTION =
      "Finds paid resources in a facilitator's discovery catalog (x402 Bazaar): a text search"
          + " with query, else a listing, optionally only on one network or of one type (http"
          + " or mcp). Returns each resource's URL, method or MCP tool name, description, declared"
          + " input, and offers (price in dollars where known, network, payTo), and how to buy"
          + " one with x402_fetch. Pays nothing.";

  private static Map<String, Object> string(String description) {
    return Map.of("type", "string", "description", description);
  }

  private static Map<String, Object> object(Map<String, Object> properties, List<String> required) {
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    schema.put("properties", properties);
    schema.put("required", required);
    schema.put("additionalProperties", false);
    return schema;
  }

  private static Map<String, Object> urlSchema() {
    return object(Map.of("url", string("The http:// or https:// URL.")), List.of("url"));
  }

  private static Map<String, Object> fetchSchema() {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("url", string("The http:// or https:// URL to request."));
    Map<String, Object> method =
        new LinkedHashMap<>(string("The method: GET by default, POST when a body is given."));
    method.put("enum", List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"));
    properties.put("method", method);
    properties.put(
        "headers",
        Map.of(
            "type",
            "object",
            "description",
            "Request headers, name to value.",
            "additionalProperties",
            Map.of("type", "string")));
    properties.put(
        "body", string("A request body (text; JSON unless a Content-Type header says otherwise)."));
    return object(properties, List.of("url"));
  }

  private static Map<String, Object> discoverSchema() {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("query", string("Search text, e.g. 'weather forecast'; lists all if absent."));
    properties.put(
        "network", string("Only offers on this network, e.g. eip155:8453 or base-sepolia."));
    Map<String, Object> type = new LinkedHashMap<>(string("Only resources of this type."));
    type.put("enum", List.of("http", "mcp"));
    properties.put("type", type);
    Map<String, Object> limit = new LinkedHashMap<>();
    limit.put("type", "integer");
    limit.put("minimum", 1);
    limit.put("maximum", DiscoverTool.MAX_LIMIT);
    limit.put(
        "description",
        "The most resources to return (default " + DiscoverTool.DEFAULT_LIMIT + ").");
    properties.put("limit", limit);
    return object(properties, List.of());
  }

  private static Map<String, Object> balanceSchema() {
    return object(
        Map.of(
            "network",
            string("A network, e.g. eip155:84532 or base-sepolia; all configured ones if absent.")),
        List.of());
  }

  /** Builds an {@link AgentWallet}. */
  public static final class Builder {
    private final Payer payer;
    private HttpClient http;
    private NetworkRegistry networks = NetworkRegistry.defaults();
    private EvmAddress evmAccount;
    private SolanaAddress solanaAccount;
    private final Map<Network, JsonRpcClient> evmNodes = new LinkedHashMap<>();
    private SolanaRpcClient solanaNode;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private Duration timeout = Duration.ofSeconds(60);
    private DiscoveryClient discovery;
    private String name = "x402j-wallet";
    private String version = "0";

    private Builder(Payer payer) {
      this.payer = Objects.requireNonNull(payer, "payer");
    }

    /** The HTTP client to request with (default: a new one). */
    public Builder httpClient(HttpClient http) {
      this.http = Objects.requireNonNull(http, "http");
      return this;
    }

    /** The networks and tokens known, for balances (default: the public ones). */
    public Builder networks(NetworkRegistry networks) {
      this.networks = Objects.requireNonNull(networks, "networks");
      return this;
    }

    /** The address of the payer's EVM key, reported as payer and whose balances are read. */
    public Builder evmAccount(EvmAddress account) {
      this.evmAccount = account;
      return this;
    }

    /** The address of the payer's Solana key, reported as payer and whose balances are read. */
    public Builder solanaAccount(SolanaAddress account) {
      this.solanaAccount = account;
      return this;
    }

    /** A node of {@code network}, an EVM chain, to read balances through. */
    public Builder evmNode(Network network, JsonRpcClient node) {
      evmNodes.put(
          Objects.requireNonNull(network, "network"), Objects.requireNonNull(node, "node"));
      return this;
    }

    /** A Solana node to read balances through; its cluster is asked of it. */
    public Builder solanaNode(SolanaRpcClient node) {
      this.solanaNode = node;
      return this;
    }

    /** The most of a response body a fetch returns (default 64 KiB); longer ones are cut. */
    public Builder maxBodyBytes(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxBodyBytes must be positive, got " + bytes);
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /** How long to wait for each HTTP answer (default 60 s). */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * The facilitator whose discovery catalog {@code x402_discover} reads; without one the tool
     * answers that it is not configured.
     */
    public Builder discovery(DiscoveryClient discovery) {
      this.discovery = Objects.requireNonNull(discovery, "discovery");
      return this;
    }

    /** The server's name and version as MCP clients see them. */
    public Builder serverInfo(String name, String version) {
      this.name = Objects.requireNonNull(name, "name");
      this.version = Objects.requireNonNull(version, "version");
      return this;
    }

    /** The wallet. */
    public AgentWallet build() {
      return new AgentWallet(this);
    }
  }
}
