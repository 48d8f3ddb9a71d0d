package io.x402j.mcp;

import io.x402j.config.ConfigException;
import io.x402j.config.ConfigSection;
import io.x402j.config.ValueParser;
import io.x402j.core.extensions.bazaar.ServiceMetadata;
import io.x402j.core.facilitator.FacilitatorAuth;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.gateway.GatewayConfig;
import io.x402j.gateway.GatewayConfig.AssetSpec;
import io.x402j.gateway.GatewayConfig.OfferSpec;
import io.x402j.gateway.GatewayConfig.RouteSpec;
import io.x402j.mcp.internal.CommandWords;
import io.x402j.server.GateRequest;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.PaymentOption;
import io.x402j.server.SalesRecord;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything an {@link McpGateway} started by {@code x402j mcp-gateway} runs with — the upstream
 * MCP server, how it is served, the priced tools, and the payment settings of the HTTP gateway
 * ({@link GatewayConfig}: facilitator, network, token, recipient, further offers) — read from a
 * YAML (or JSON) file with {@link #load}, or built from flags; immutable. The file:
 *
 * <pre>
 * upstream:
 *   command: [node, weather-server.js]    # the upstream over stdio; or one string, split as a shell
 *                                         #   would ("node 'my server.js'"), nothing expanded
 *   # url: http://127.0.0.1:3000/mcp      # or the upstream over streamable HTTP (one of the two)
 * port: 4022                              # serve at http://127.0.0.1:4022/mcp; absent: over stdio
 * facilitator: {url: https://facilitator.example, tokenEnv: FACILITATOR_TOKEN}
 * network: eip155:84532
 * payTo: "0x…"
 * asset: {address: "0x…", name: USD Coin, version: "2", decimals: 6}
 * maxTimeoutSeconds: 60
 * assetTransferMethod: eip3009
 * tools:
 *   - name: get_forecast                  # required: an upstream tool
 *     price: $0.01                        # required: dollars, atomic units, or upto:…
 *     description: The 5-day forecast     # optional, shown in the payment requirements
 *     payTo: "0x…"                        # optional: this tool's recipient
 * alsoAccept: [ … ]                       # as the HTTP gateway's
 * discoverable: true                      # declare priced tools for discovery (bazaar, type mcp)
 * service: {name: Weather Inc, tags: [weather], iconUrl: https://example.com/icon.png}
 * </pre>
 *
 * <p>Values are read by the HTTP gateway's parsers ({@link GatewayConfig#PRICE}, {@link
 * GatewayConfig#NETWORK}, …), so a price, token or address is accepted and refused the same way.
 *
 * @param upstreamCommand the upstream's command (program and arguments), or {@code null}
 * @param upstreamUrl the upstream's streamable HTTP endpoint, or {@code null}
 * @param port the port to serve at on 127.0.0.1 (0: any free one), or {@code null} for stdio
 * @param tools the priced tools, at least one
 * @param facilitatorUrl the facilitator
 * @param facilitatorTokenEnv the environment variable holding its bearer token, or {@code null}
 * @param network the network (CAIP-2 or a known v1 name)
 * @param v1Name a v1 name for a network x402j does not know, or {@code null}
 * @param payTo the default recipient
 * @param asset the token, or {@code null} for the network's default
 * @param maxTimeoutSeconds how long payers have to pay
 * @param alsoAccept further offers every tool is also sold in
 * @param assetTransferMethod {@code eip3009} ({@code null}, the default) or {@code permit2}
 * @param discovery whether priced tools are declared for discovery ({@link
 *     McpGateway.Builder#discoverable}) and the service metadata of their payment requirements
 *     ({@code null} is none)
 */
public record McpGatewayConfig(
    List<String> upstreamCommand,
    URI upstreamUrl,
    Integer port,
    List<ToolSpec> tools,
    URI facilitatorUrl,
    String facilitatorTokenEnv,
    String network,
    String v1Name,
    String payTo,
    AssetSpec asset,
    int maxTimeoutSeconds,
    List<OfferSpec> alsoAccept,
    String assetTransferMethod,
    GatewayConfig.Discovery discovery) {

  /**
   * Settings without discovery.
   *
   * @see #McpGatewayConfig(List, URI, Integer, List, URI, String, String, String, String,
   *     AssetSpec, int, List, String, GatewayConfig.Discovery)
   */
  public McpGatewayConfig(
      List<String> upstreamCommand,
      URI upstreamUrl,
      Integer port,
      List<ToolSpec> tools,
      URI facilitatorUrl,
      String facilitatorTokenEnv,
      String network,
      String v1Name,
      String payTo,
      AssetSpec asset,
      int maxTimeoutSeconds,
      List<OfferSpec> alsoAccept,
      String assetTransferMethod) {
    this(
        upstreamCommand,
        upstreamUrl,
        port,
        tools,
        facilitatorUrl,
        facilitatorTokenEnv,
        network,
        v1Name,
        payTo,
        asset,
        maxTimeoutSeconds,
        alsoAccept,
        assetTransferMethod,
        GatewayConfig.Discovery.NONE);
  }

  /**
   * A priced tool.
   *
   * @param name the upstream tool's name
   * @param price e.g. {@code $0.01} or {@code 10000} (atomic units)
   * @param scheme {@code exact} (default, {@code null}) or {@code upto} (the price is a ceiling)
   * @param description what the tool gives ({@code null} is empty)
   * @param payTo this tool's recipient, or {@code null} for the gateway's
   */
  public record ToolSpec(
      String name, String price, String scheme, String description, String payTo) {
    /** Checks the name and price are given. */
    public ToolSpec {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(price, "price");
      if (name.isBlank()) {
        throw new IllegalArgumentException("a priced tool needs a name");
      }
      scheme = scheme == null ? "exact" : scheme;
      if (!scheme.equals("exact") && !scheme.equals(PaymentOption.UPTO)) {
        throw new IllegalArgumentException(
            "tool " + name + ": scheme must be exact or upto, got " + scheme);
      }
      description = description == null ? "" : description;
    }
  }

  /** Checks that one upstream and at least one distinct priced tool are given. */
  public McpGatewayConfig {
    if ((upstreamCommand == null) == (upstreamUrl == null)) {
      throw new IllegalArgumentException(
          "give the upstream MCP server: a command (stdio) or a URL (streamable HTTP), one of them");
    }
    upstreamCommand = upstreamCommand == null ? null : List.copyOf(upstreamCommand);
    if (upstreamCommand != null && upstreamCommand.isEmpty()) {
      throw new IllegalArgumentException("the upstream command is empty");
    }
    if (port != null && (port < 0 || port > 65_535)) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    tools = List.copyOf(tools);
    if (tools.isEmpty()) {
      throw new IllegalArgumentException("give at least one priced tool, e.g. get_forecast=$0.01");
    }
    Set<String> names = new HashSet<>();
    for (ToolSpec t : tools) {
      if (!names.add(t.name())) {
        throw new IllegalArgumentException("the tool " + t.name() + " is priced twice");
      }
    }
    alsoAccept = alsoAccept == null ? List.of() : List.copyOf(alsoAccept);
    discovery = discovery == null ? GatewayConfig.Discovery.NONE : discovery;
    // the payment settings are checked as the HTTP gateway's
    new PaymentSettings(
            facilitatorUrl,
            facilitatorTokenEnv,
            network,
            v1Name,
            payTo,
            asset,
            maxTimeoutSeconds,
            alsoAccept,
            assetTransferMethod,
            discovery.service())
        .gatewayConfig(tools);
  }

  /**
   * A priced tool in one piece, {@code NAME=PRICE}, e.g. {@code get_forecast=$0.01}; {@code
   * upto:PRICE} makes the price a ceiling ({@code --tool}).
   */
  public static final ValueParser<ToolSpec> TOOL =
      (setting, text) -> {
        int eq = text.lastIndexOf('=');
        if (eq <= 0 || eq == text.length() - 1 || text.substring(0, eq).isBlank()) {
          throw new ConfigException(setting, text, "\"NAME=PRICE\", e.g. \"get_forecast=$0.01\"");
        }
        String price = text.substring(eq + 1).strip();
        boolean upto = price.startsWith(GatewayConfig.UPTO_PREFIX);
        return new ToolSpec(
            text.substring(0, eq).strip(),
            GatewayConfig.PRICE.parse(
                setting, upto ? price.substring(GatewayConfig.UPTO_PREFIX.length()) : price),
            upto ? PaymentOption.UPTO : "exact",
            null,
            null);
      };

  /** An upstream command in one string, split as a shell would split plain words. */
  public static final ValueParser<List<String>> COMMAND =
      (setting, text) -> {
        try {
          return CommandWords.split(text);
        } catch (IllegalArgumentException e) {
          throw new ConfigException(setting, setting + ": " + e.getMessage());
        }
      };

  /** The upstream's streamable HTTP endpoint, an http(s) URL. */
  public static final ValueParser<URI> URL = GatewayConfig.URL;

  private static final ValueParser<String> TEXT = ValueParser.text();

  /**
   * Why the MCP gateway offers no sign-in-with-x (which the HTTP gateway does): the extension is
   * defined for HTTP only, its proof a {@code SIGN-IN-WITH-X} request header bound to the site's
   * domain and URL, and neither the specification nor the official packages define a way to carry
   * it over MCP, whose x402 transport carries payments only.
   */
  public static final String NO_SIGN_IN =
      "sign-in-with-x is defined for HTTP only (the wallet's proof is the SIGN-IN-WITH-X request"
          + " header, bound to the site's domain and URL); the x402 MCP transport carries only"
          + " payments (_meta \"x402/payment\"), so an MCP client has no way to sign in and every"
          + " priced tool call is paid. Sell an HTTP API with `x402j gateway` to offer sign-in.";

  /**
   * Reads a YAML (or JSON) file; {@code ${NAME}} is replaced from {@code env}.
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException naming the setting that is missing, unknown or invalid
   */
  public static McpGatewayConfig load(Path file, Map<String, String> env) throws IOException {
    return read(ConfigSection.load(file, env));
  }

  /**
   * Reads the settings from {@code root}.
   *
   * @throws IllegalArgumentException naming the setting that is missing, unknown or invalid
   */
  public static McpGatewayConfig read(ConfigSection root) {
    if (root.has("signInWithX")) {
      throw new ConfigException("signInWithX", "signInWithX is not available here: " + NO_SIGN_IN);
    }
    root.allowOnly(
        "upstream",
        "port",
        "facilitator",
        "network",
        "v1Name",
        "payTo",
        "asset",
        "maxTimeoutSeconds",
        "tools",
        "alsoAccept",
        "assetTransferMethod",
        "discoverable",
        "service",
        "sales");
    ConfigSection upstream = root.section("upstream").allowOnly("command", "url");
    List<String> command = null;
    if (upstream.has("command")) {
      try {
        command = upstream.list("command", TEXT);
      } catch (ConfigException notAList) {
        command = upstream.require("command", COMMAND, "e.g. [node, server.js]");
      }
      if (command.isEmpty()) {
        throw new ConfigException(upstream.path("command"), "upstream.command is empty");
      }
    }
    URI url = upstream.get("url", URL, null);
    if ((command == null) == (url == null)) {
      throw new ConfigException(
          upstream.path().isEmpty() ? "upstream" : upstream.path(),
          "give upstream.command (stdio) or upstream.url (streamable HTTP), one of them");
    }
    List<ToolSpec> tools = new ArrayList<>();
    for (ConfigSection t : root.sections("tools")) {
      t.allowOnly("name", "price", "scheme", "description", "payTo");
      String price = t.require("price", TEXT, "e.g. $0.01, or atomic units").strip();
      String scheme = t.get("scheme", TEXT, null);
      if (price.startsWith(GatewayConfig.UPTO_PREFIX)) {
        if (scheme != null && !scheme.strip().equals(PaymentOption.UPTO)) {
          throw new ConfigException(
              t.path("price"), price, "a price without upto: for scheme " + scheme);
        }
        scheme = PaymentOption.UPTO;
        price = price.substring(GatewayConfig.UPTO_PREFIX.length());
      }
      GatewayConfig.PRICE.parse(t.path("price"), price);
      try {
        tools.add(
            new ToolSpec(
                t.require("name", TEXT, "the upstream tool's name").strip(),
                price.strip(),
                scheme == null ? null : scheme.strip(),
                t.get("description", TEXT, null),
                t.get("payTo", GatewayConfig.PAY_TO, null)));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(t.path(), t.path() + ": " + e.getMessage());
      }
    }
    if (tools.isEmpty()) {
      throw new ConfigException(
          "tools", "tools is required: at least one {name: TOOL, price: $0.01}");
    }
    ConfigSection facilitator = root.section("facilitator").allowOnly("url", "tokenEnv");
    List<OfferSpec> also = new ArrayList<>();
    for (ConfigSection o : root.sections("alsoAccept")) {
      also.add(OfferSpec.read(o, "e.g. eip155:8453"));
    }
    return new McpGatewayConfig(
        command,
        url,
        root.get("port", ValueParser.port(), null),
        tools,
        facilitator.get("url", GatewayConfig.URL, null),
        facilitator.get("tokenEnv", TEXT, null),
        root.get("network", GatewayConfig.NETWORK, null),
        root.get("v1Name", TEXT, null),
        root.get("payTo", GatewayConfig.PAY_TO, null),
        AssetSpec.read(root.section("asset")),
        root.get("maxTimeoutSeconds", GatewayConfig.MAX_TIMEOUT_SECONDS, 60),
        also,
        root.get("assetTransferMethod", GatewayConfig.ASSET_TRANSFER_METHOD, null),
        GatewayConfig.Discovery.read(root));
  }

  /**
   * The HTTP gateway's configuration these payment settings make, one route per priced tool ({@code
   * POST /tools/<i>}); used to build the payment gate and the tools' prices exactly as the HTTP
   * gateway builds its routes'.
   */
  public GatewayConfig payments() {
    return new PaymentSettings(
            facilitatorUrl,
            facilitatorTokenEnv,
            network,
            v1Name,
            payTo,
            asset,
            maxTimeoutSeconds,
            alsoAccept,
            assetTransferMethod,
            discovery.service())
        .gatewayConfig(tools);
  }

  /**
   * The payment gate (facilitator, networks, tokens) the tools are sold through.
   *
   * @param env where the facilitator token's variable is looked up
   * @throws IllegalArgumentException naming a price, token or variable that does not work
   */
  public PaymentGate gate(Map<String, String> env) {
    try {
      return payments().gate(env);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(inToolWords(e.getMessage(), tools), e);
    }
  }

  /**
   * The gateway these settings describe, not yet started: the upstream, and each priced tool sold
   * at its price through an {@link McpPaywall} on the configured facilitator; choose how it is
   * served ({@code stdio(…)} or {@code http(port)}) and {@code start()} it.
   *
   * @param env where the facilitator token's variable is looked up
   * @throws IllegalArgumentException naming a price, token or variable that does not work
   */
  public McpGateway.Builder gateway(Map<String, String> env) {
    return gateway(env, null);
  }

  /**
   * As {@link #gateway(Map)}, recording every sale of a tool in {@code sales} (or nowhere when
   * {@code null}), e.g. the {@code io.x402j.sales.JdbcSalesRecord} of the file's {@code sales.db}
   * or {@code --db} (read with {@link io.x402j.gateway.SellerConsole#read}).
   */
  public McpGateway.Builder gateway(Map<String, String> env, SalesRecord sales) {
    GatewayConfig payments = payments();
    Map<String, PaidRoute> prices = prices(gate(env));
    HttpFacilitatorClient.Builder facilitator =
        HttpFacilitatorClient.builder(facilitatorUrl.toString());
    if (facilitatorTokenEnv != null) {
      String bearer = env.get(facilitatorTokenEnv);
      if (bearer == null || bearer.isBlank()) {
        throw new IllegalArgumentException(
            "the environment variable " + facilitatorTokenEnv + " (facilitator token) is not set");
      }
      facilitator.auth(FacilitatorAuth.bearer(bearer.strip()));
    }
    String method =
        assetTransferMethod == null ? GatewayConfig.EIP3009 : assetTransferMethod.strip();
    McpPaywall paywall =
        McpPaywall.builder()
            .facilitator(facilitator.build())
            .networks(payments.networks())
            .gate(
                g -> {
                  g.exactAssetTransferMethod(method);
                  if (sales != null) {
                    g.salesRecord(sales);
                  }
                })
            .build();
    McpGateway.Builder gateway =
        McpGateway.builder().seller(paywall).discoverable(discovery.allRoutes());
    if (upstreamCommand != null) {
      gateway.upstreamCommand(upstreamCommand);
    } else {
      gateway.upstreamUrl(upstreamUrl);
    }
    prices.forEach(gateway::price);
    return gateway;
  }

  /** Each priced tool's price, by tool name, as {@code gate} (from {@link #gate}) resolves it. */
  public Map<String, PaidRoute> prices(PaymentGate gate) {
    Map<String, PaidRoute> prices = new LinkedHashMap<>();
    for (int i = 0; i < tools.size(); i++) {
      String name = tools.get(i).name();
      PaidRoute route =
          gate.route(GateRequest.of("POST", routePath(i), "mcp://tool/" + name, Map.of()))
              .orElseThrow(() -> new IllegalStateException("no price for the tool " + name))
              .route();
      prices.put(name, route);
    }
    return prices;
  }

  private static String routePath(int i) {
    return "/tools/" + i;
  }

  /** The HTTP gateway's payment settings, without a server of its own. */
  private record PaymentSettings(
      URI facilitatorUrl,
      String facilitatorTokenEnv,
      String network,
      String v1Name,
      String payTo,
      AssetSpec asset,
      int maxTimeoutSeconds,
      List<OfferSpec> alsoAccept,
      String assetTransferMethod,
      ServiceMetadata service) {

    GatewayConfig gatewayConfig(List<ToolSpec> tools) {
      List<RouteSpec> routes = new ArrayList<>();
      for (int i = 0; i < tools.size(); i++) {
        ToolSpec t = tools.get(i);
        routes.add(
            new RouteSpec(
                "POST " + routePath(i),
                t.price(),
                t.description(),
                "application/json",
                t.payTo(),
                false,
                t.scheme()));
      }
      try {
        return new GatewayConfig(
            "127.0.0.1",
            0,
            URI.create("http://127.0.0.1/"), // not used: the upstream is the MCP server
            facilitatorUrl,
            facilitatorTokenEnv,
            network,
            v1Name,
            payTo,
            asset,
            maxTimeoutSeconds,
            false,
            "",
            routes,
            alsoAccept,
            assetTransferMethod,
            new GatewayConfig.Discovery(false, service)); // tools are declared by McpGateway
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(inToolWords(e.getMessage(), tools), e);
      }
    }
  }

  /** A message about {@code routes[POST /tools/3]…} names the tool instead. */
  private static String inToolWords(String message, List<ToolSpec> tools) {
    if (message == null) {
      return null;
    }
    for (int i = tools.size() - 1; i >= 0; i--) {
      message =
          message
              .replace("routes[POST " + routePath(i) + "]", "tool " + tools.get(i).name())
              .replace("route POST " + routePath(i), "tool " + tools.get(i).name());
    }
    return message;
  }
}
