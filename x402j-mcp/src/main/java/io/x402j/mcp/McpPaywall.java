package io.x402j.mcp;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.extensions.bazaar.BazaarDeclaration;
import io.x402j.core.facilitator.Facilitator;
import io.x402j.core.support.Text;
import io.x402j.mcp.internal.MetaKeysOnce;
import io.x402j.mcp.internal.ToolCall;
import io.x402j.mcp.internal.ToolSale;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.ReplayStore;
import io.x402j.server.RouteResolver.ResolvedRoute;
import io.x402j.server.RouteTable;
import io.x402j.server.SettlementOverride;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;

/**
 * Sells MCP tools for x402 payments, with every rule of the HTTP {@link PaymentGate} (a tool call
 * is presented to a gate as a request, so its matching, replay store, verification and settlement
 * apply unchanged):
 *
 * <ul>
 *   <li>A call without {@code _meta["x402/payment"]} gets the payment-required tool result ({@link
 *       McpPayments#paymentRequiredResult}; resource {@code mcp://tool/<name>}), or the JSON-RPC
 *       402 error when built with {@link Builder#paymentRequiredAsError}. The tool does not run.
 *   <li>A paid call is verified before the tool runs. The payment is settled only after the tool
 *       succeeded, and only then is the result released, with the receipt in {@code
 *       _meta["x402/payment-response"]}. A failed settlement never returns the tool's content: the
 *       caller gets payment-required again, naming the failure.
 *   <li>A tool that fails ({@code isError: true}, or throws) is not charged; its result or
 *       exception goes back as is and the payment may be used again.
 *   <li>One payment buys one call: the same payment sent twice, in parallel, to two tools, or
 *       respelled (another JSON text of the same authorization) is refused as already used or in
 *       use. Payments are identified by their parsed values, as for HTTP.
 *   <li>A malformed payment (not an object, a wrong field, another protocol version, another tool's
 *       or price's payment) is answered with payment-required naming the problem; nothing is thrown
 *       to the client and nothing is charged.
 *   <li>A payment is sent once: with the transport reading through {@link #jsonMapper()}, a message
 *       whose {@code _meta} repeats a key ({@code "x402/payment"} twice), or that repeats {@code
 *       _meta} itself, is refused before anything is verified.
 * </ul>
 *
 * <p>Prices are {@link PaidRoute}s, so every network and scheme x402j sells over HTTP works here:
 * exact on EVM (EIP-3009 or Permit2), {@code upto}, exact on Solana. An {@code upto} tool states
 * what it used with {@link #charging}; without a statement the whole ceiling is settled. Price
 * functions may {@code unwrap} the {@code CallToolRequest} from the gate request to price by
 * arguments. A price with {@code settleBeforeHandler} settles before the tool runs, so such a tool
 * is charged even when it fails (the route's choice, as over HTTP). A price without a description
 * is described as the tool. Immutable and thread-safe.
 *
 * <pre>{@code
 * McpPaywall paywall = McpPaywall.builder().facilitator(facilitator).build();
 * McpServer.sync(transport)
 *     .tools(paywall.sell(weatherTool, PaidRoute.of("$0.001", Network.evm(84532), seller)))
 *     .build();
 * }</pre>
 */
public final class McpPaywall implements AutoCloseable {
  /**
   * The result {@code _meta} key through which a tool states what an {@code upto} call charges (a
   * string as {@link SettlementOverride#amount} reads it, or a whole number of atomic units). The
   * paywall removes it from the released result. Use {@link #charging} rather than writing it.
   */
  public static final String SETTLEMENT_OVERRIDE_META = ToolSale.SETTLEMENT_OVERRIDE_META;

  private final ToolSale sale;
  private final Builder config;

  private McpPaywall(Builder b) {
    this.config = b.copy();
    PaymentGate gate =
        b.gateBuilder()
            .routes(
                request ->
                    request
                        .unwrap(ToolCall.class)
                        .map(call -> new ResolvedRoute(call.url(), call.price())))
            .build();
    this.sale = new ToolSale(gate, b.errorForm);
  }

  /**
   * Closes the paywall's gate: writes the sales events its writer still holds (a few seconds at
   * most) and stops that writer; close it before its sales record. Calls after it are still served.
   */
  @Override
  public void close() {
    sale.close();
  }

  /**
   * The JSON mapper to give the server transport through which this paywall's tools are sold: the
   * MCP SDK's default, refusing a message whose {@code params._meta} repeats a key, at any depth,
   * or that repeats a key of its own or of its {@code params} (two {@code _meta}). Parsers keep one
   * copy of a repeated key without a word, and not all the same one, so {@code {"x402/payment": A,
   * "x402/payment": B}} would be paid with B while anything else that reads the message may see A;
   * a payment is sent once. The streamable HTTP transport answers such a message 400 (JSON-RPC
   * -32600) naming the key, before the paywall or its facilitator sees it. {@link McpGateway} reads
   * what buyers send with it.
   *
   * <pre>{@code
   * HttpServletStreamableServerTransportProvider.builder().jsonMapper(McpPaywall.jsonMapper())...
   * }</pre>
   */
  public static McpJsonMapper jsonMapper() {
    return new MetaKeysOnce(McpJsonDefaults.getMapper());
  }

  /** Starts a paywall; a facilitator is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@code tool} sold at {@code price}: the same tool, whose calls must be paid.
   *
   * @throws IllegalArgumentException when the price or recipient is unusable (checked now, so a
   *     misconfigured tool fails here rather than on its first call)
   */
  public SyncToolSpecification sell(SyncToolSpecification tool, PaidRoute price) {
    Objects.requireNonNull(tool, "tool");
    PaidRoute priced = priced(tool.tool(), price);
    String name = tool.tool().name();
    return new SyncToolSpecification(
        tool.tool(),
        (exchange, request) ->
            join(
                sale.call(
                    name,
                    request,
                    priced,
                    r ->
                        CompletableFuture.completedFuture(tool.callHandler().apply(exchange, r)))));
  }

  /**
   * {@code tool} sold at {@code price}: the same tool, whose calls must be paid.
   *
   * @throws IllegalArgumentException when the price or recipient is unusable
   */
  public AsyncToolSpecification sell(AsyncToolSpecification tool, PaidRoute price) {
    Objects.requireNonNull(tool, "tool");
    PaidRoute priced = priced(tool.tool(), price);
    String name = tool.tool().name();
    return new AsyncToolSpecification(
        tool.tool(),
        (exchange, request) ->
            Mono.fromFuture(
                () ->
                    sale.call(
                        name,
                        request,
                        priced,
                        r -> tool.callHandler().apply(exchange, r).toFuture())));
  }

  /**
   * The discovery declaration of {@code tool} ({@code bazaar}, {@code type: "mcp"}): its name,
   * input schema and description, as a facilitator that catalogues tools lists it. Give it to the
   * price, {@code price.toBuilder().discovery(McpPaywall.declaration(tool)).build()}, to make the
   * sold tool discoverable.
   *
   * @throws IllegalArgumentException when the tool's input schema refers outside itself ({@code
   *     $ref}/{@code $id} not starting with {@code #}), which facilitators refuse
   */
  public static BazaarDeclaration declaration(Tool tool) {
    Objects.requireNonNull(tool, "tool");
    Map<String, Object> schema =
        tool.inputSchema() == null ? Map.of("type", "object") : tool.inputSchema();
    BazaarDeclaration.Builder b = BazaarDeclaration.mcp(tool.name(), schema);
    if (tool.description() != null && !tool.description().isBlank()) {
      b.description(tool.description());
    }
    return b.build();
  }

  /**
   * {@code result} stating that an {@code upto} call charges {@code amount} (at most the ceiling
   * the payer authorised; a larger or unusable amount charges nothing and the caller gets an
   * error). For other schemes the amount must equal the price.
   */
  public static CallToolResult charging(CallToolResult result, SettlementOverride amount) {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(amount, "amount");
    Map<String, Object> meta =
        result.meta() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(result.meta());
    meta.put(SETTLEMENT_OVERRIDE_META, amount.text());
    return new CallToolResult(result.content(), result.isError(), result.structuredContent(), meta);
  }

  /**
   * {@code price} for {@code tool}, described as the tool when it says nothing itself (as the
   * TypeScript server: the tool's description, {@code application/json}); priced once the way the
   * gate will, so that a bad price fails when sold.
   */
  private PaidRoute priced(Tool tool, PaidRoute price) {
    Objects.requireNonNull(tool.name(), "tool name");
    Objects.requireNonNull(price, "price");
    if (!price.protocolV2()) {
      throw new IllegalArgumentException(
          "tool "
              + tool.name()
              + ": x402 over MCP is protocol v2, but its price is offered to v1 payers only");
    }
    if (price.discovery().isPresent()
        && !(price.discovery().get().isMcp()
            && tool.name().equals(price.discovery().get().toolName()))) {
      throw new IllegalArgumentException(
          "tool "
              + Text.quote(tool.name())
              + ": its discovery declaration must be an MCP declaration of this tool"
              + " (McpPaywall.declaration(tool), or BazaarDeclaration.mcp(name, inputSchema))");
    }
    PaidRoute described = price;
    if (price.description().isEmpty() || price.mimeType().isEmpty()) {
      // toBuilder keeps everything else the price says (options, discovery, service metadata).
      described =
          price.toBuilder()
              .description(
                  !price.description().isEmpty()
                      ? price.description()
                      : tool.description() != null && !tool.description().isBlank()
                          ? tool.description()
                          : "Tool: " + tool.name())
              .mimeType(price.mimeType().isEmpty() ? "application/json" : price.mimeType())
              .protocolV2(true)
              .build();
    }
    config
        .gateBuilder()
        .routes(RouteTable.builder().route("POST /tool", described).build())
        .build();
    return described;
  }

  private static CallToolResult join(CompletableFuture<CallToolResult> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  /** Builds a {@link McpPaywall}. */
  public static final class Builder {
    private Facilitator facilitator;
    private NetworkRegistry networks;
    private ReplayStore replayStore;
    private Clock clock;
    private Consumer<PaymentGate.Builder> gate = g -> {};
    private boolean errorForm;

    private Builder() {}

    /** The facilitator that verifies and settles: remote over HTTP, or in-process. */
    public Builder facilitator(Facilitator facilitator) {
      this.facilitator = Objects.requireNonNull(facilitator, "facilitator");
      return this;
    }

    /** The networks and tokens prices are resolved with (default: the public ones). */
    public Builder networks(NetworkRegistry networks) {
      this.networks = Objects.requireNonNull(networks, "networks");
      return this;
    }

    /**
     * Where payments in use and used are remembered (default: this paywall's memory). Share one
     * store between every server selling with the same recipient, and with an HTTP gate selling for
     * it, so that one payment never buys two calls.
     */
    public Builder replayStore(ReplayStore replayStore) {
      this.replayStore = Objects.requireNonNull(replayStore, "replayStore");
      return this;
    }

    /** The clock for payment lifetimes. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Any other setting of the underlying gate (schemes, {@code exactAssetTransferMethod},
     * listeners, pending-settlement policy, scheduler). Its routes are the paywall's and are
     * replaced.
     */
    public Builder gate(Consumer<PaymentGate.Builder> settings) {
      this.gate = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /**
     * Whether payment-required answers are the JSON-RPC error {@code {code: 402, message, data:
     * PaymentRequired}} (default {@code false}: the tool result the specification requires).
     */
    public Builder paymentRequiredAsError(boolean asError) {
      this.errorForm = asError;
      return this;
    }

    /**
     * The paywall.
     *
     * @throws IllegalStateException without a facilitator
     */
    public McpPaywall build() {
      if (facilitator == null) {
        throw new IllegalStateException("an MCP paywall needs a facilitator");
      }
      return new McpPaywall(this);
    }

    private PaymentGate.Builder gateBuilder() {
      PaymentGate.Builder b = PaymentGate.builder();
      gate.accept(b);
      b.facilitator(facilitator);
      if (networks != null) {
        b.networks(networks);
      }
      if (replayStore != null) {
        b.replayStore(replayStore);
      }
      if (clock != null) {
        b.clock(clock);
      }
      return b;
    }

    private Builder copy() {
      Builder c = new Builder();
      c.facilitator = facilitator;
      c.networks = networks;
      c.replayStore = replayStore;
      c.clock = clock;
      c.gate = gate;
      c.errorForm = errorForm;
      return c;
    }
  }
}
