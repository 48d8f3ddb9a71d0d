package io.x402j.gateway;

import io.x402j.config.ConfigException;
import io.x402j.config.ConfigSection;
import io.x402j.config.ValueParser;
import io.x402j.core.Asset;
import io.x402j.core.Network;
import io.x402j.core.NetworkInfo;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.Price;
import io.x402j.core.facilitator.FacilitatorAuth;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.support.Text;
import io.x402j.evm.EvmAddress;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.PaymentOption;
import io.x402j.server.PaywallOptions;
import io.x402j.server.RouteTable;
import io.x402j.svm.SolanaAddress;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a {@link Gateway} runs with — where it listens, the API it sells, the facilitator, the
 * network and token, and the priced routes — read from a YAML (or JSON) file with {@link #load}, or
 * built from flags by a command; immutable. The same file starts a gateway from {@code x402j
 * gateway --config FILE} or from an application:
 *
 * <pre>{@code
 * try (Gateway gateway = GatewayConfig.load(Path.of("gateway.yaml"), System.getenv())
 *     .start(System.getenv())) {
 *   …
 * }
 * }</pre>
 *
 * <p>The file's keys ({@code ${NAME}} is replaced from the environment):
 *
 * <pre>
 * host: 127.0.0.1                  # default
 * port: 4021                       # default; 0 picks a free port
 * upstream: http://127.0.0.1:9000  # required: the API sold
 * facilitator: {url: https://facilitator.example, tokenEnv: FACILITATOR_TOKEN}
 * network: eip155:84532            # CAIP-2 (eip155:… or solana:…), or a known v1 name
 * v1Name: my-chain                 # a v1 name for a network x402j does not know
 * payTo: "0x…"                     # the default recipient (base58 owner on Solana)
 * asset: {address: "0x…", name: USD Coin, version: "2", decimals: 6, symbol: USDC}
 *                                  # on Solana: {address: MINT, decimals: 6}, no name/version
 * maxTimeoutSeconds: 60            # default
 * paywall: {enabled: true, appName: Weather Inc}
 * routes:
 *   - route: GET /weather          # required
 *     price: $0.001                # required: dollars, or atomic units of the token
 *     description: Today's weather
 *     mimeType: application/json
 *     payTo: "0x…"                 # this route's recipient
 *     settleBeforeHandler: false
 * </pre>
 *
 * <p>Each value is read by the same {@link ValueParser} as its flag ({@link #PORT}, {@link #URL},
 * {@link #MAX_TIMEOUT_SECONDS}, {@link #DECIMALS}, {@link #ROUTE}), so a file and a command line
 * accept the same text and refuse it with the same message, naming the key or the flag.
 *
 * @param host the address to listen on
 * @param port the port, 0 (any free port) to 65535
 * @param upstream the API sold
 * @param facilitatorUrl the facilitator
 * @param facilitatorTokenEnv the environment variable holding its bearer token, or {@code null}
 * @param network the network (CAIP-2 or a known v1 name)
 * @param v1Name a v1 name for a network x402j does not know, or {@code null}
 * @param payTo the default recipient
 * @param asset the token, or {@code null} for the network's default
 * @param maxTimeoutSeconds how long payers have to pay
 * @param paywall whether browsers get the paywall page
 * @param appName the seller's name on the page ({@code null} is empty)
 * @param routes the priced routes, at least one
 */
public record GatewayConfig(
    String host,
    int port,
    URI upstream,
    URI facilitatorUrl,
    String facilitatorTokenEnv,
    String network,
    String v1Name,
    String payTo,
    AssetSpec asset,
    int maxTimeoutSeconds,
    boolean paywall,
    String appName,
    List<RouteSpec> routes) {

  /**
   * A token given by address, with what the network registry may not know about it.
   *
   * @param address the token address
   * @param name its EIP-712 name, or {@code null}
   * @param version its EIP-712 version, or {@code null}
   * @param decimals its decimals, or {@code null}
   * @param symbol its symbol, or {@code null}
   */
  public record AssetSpec(
      String address, String name, String version, Integer decimals, String symbol) {
    /** Checks the address is given. */
    public AssetSpec {
      Objects.requireNonNull(address, "address");
    }
  }

  /**
   * A priced route.
   *
   * @param pattern e.g. {@code GET /weather}
   * @param price e.g. {@code $0.001} or {@code 1000} (atomic units)
   * @param description what the resource is ({@code null} is empty)
   * @param mimeType its media type ({@code null} is empty)
   * @param payTo a recipient for this route, or {@code null} for the gateway's
   * @param settleBeforeHandler settle before forwarding
   */
  public record RouteSpec(
      String pattern,
      String price,
      String description,
      String mimeType,
      String payTo,
      boolean settleBeforeHandler) {
    /** Checks the pattern and price are given; no description or media type is empty. */
    public RouteSpec {
      Objects.requireNonNull(pattern, "pattern");
      Objects.requireNonNull(price, "price");
      description = description == null ? "" : description;
      mimeType = mimeType == null ? "" : mimeType;
    }
  }

  /** A port, 0 (any free port) to 65535: {@code port} and {@code --port}. */
  public static final ValueParser<Integer> PORT = ValueParser.port();

  /** The upstream and the facilitator, http(s) URLs: {@code upstream}, {@code --upstream}, … */
  public static final ValueParser<URI> URL = ValueParser.uri("http", "https");

  /** How long payers have to pay, in seconds: {@code maxTimeoutSeconds}, {@code --max-timeout}. */
  public static final ValueParser<Integer> MAX_TIMEOUT_SECONDS =
      ValueParser.integer(1, Integer.MAX_VALUE);

  /**
   * A token's decimals, as {@link Asset} allows: {@code asset.decimals}, {@code --asset-decimals}.
   */
  public static final ValueParser<Integer> DECIMALS = ValueParser.integer(0, 77);

  /**
   * A route's price, as {@link Price#parse} reads it when the gate is built ({@code $0.001}, or
   * atomic units): {@code routes[i].price}, the price in {@code --route}. Kept as written.
   */
  public static final ValueParser<String> PRICE =
      checked(ValueParser.of("a price such as $0.001, or atomic units of the token", Price::parse));

  /**
   * The network, as the gate resolves it: a CAIP-2 identifier or a known v1 name ({@code network},
   * {@code --network}). Kept as written.
   */
  public static final ValueParser<String> NETWORK =
      checked(
          ValueParser.of(
              "a CAIP-2 network such as eip155:84532, or a known v1 name",
              NetworkRegistry.defaults()::resolve));

  /**
   * A recipient address, EVM ({@code 0x} and 40 hex digits) or Solana (base58 owner, whose
   * associated token account is paid): {@code payTo}, {@code routes[i].payTo}, {@code --pay-to}.
   * Which of the two the network needs is checked when the configuration is made.
   */
  public static final ValueParser<String> PAY_TO =
      checked(
          ValueParser.of(
              "an address (0x and 40 hex digits on EVM, base58 on Solana)",
              GatewayConfig::parseAddress));

  /**
   * A token address, an EVM contract or a Solana mint (base58): {@code asset.address}, {@code
   * --asset}.
   */
  public static final ValueParser<String> ASSET =
      checked(
          ValueParser.of(
              "a token address (0x and 40 hex digits on EVM, a base58 mint on Solana)",
              GatewayConfig::parseAddress));

  private static Object parseAddress(String text) {
    return text.startsWith("0x") || text.startsWith("0X")
        ? EvmAddress.parse(text)
        : SolanaAddress.parse(text);
  }

  /** A parser that checks the text with {@code check} and keeps it as written (stripped). */
  private static ValueParser<String> checked(ValueParser<?> check) {
    return (setting, text) -> {
      check.parse(setting, text);
      return text.strip();
    };
  }

  /**
   * A priced route in one piece, {@code [METHOD] /path=PRICE} such as {@code GET /weather=1000}:
   * the pattern, {@code =}, a price ({@code --route}).
   */
  public static final ValueParser<RouteSpec> ROUTE =
      (setting, text) -> {
        int eq = text.lastIndexOf('=');
        if (eq <= 0 || eq == text.length() - 1) {
          throw new ConfigException(
              setting, text, "\"[METHOD] /path=PRICE\", e.g. \"GET /weather=$0.001\"");
        }
        return new RouteSpec(
            text.substring(0, eq).strip(),
            PRICE.parse(setting, text.substring(eq + 1)),
            "",
            "",
            null,
            false);
      };

  private static final ValueParser<String> TEXT = ValueParser.text();

  /**
   * Checks that everything a gateway needs is given.
   *
   * @throws IllegalArgumentException naming what is missing or out of range
   */
  public GatewayConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(upstream, "upstream");
    appName = appName == null ? "" : appName;
    routes = List.copyOf(routes);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    if (routes.isEmpty()) {
      throw new IllegalArgumentException("give at least one priced route");
    }
    if (facilitatorUrl == null) {
      throw new IllegalArgumentException("give the facilitator URL");
    }
    if (network == null || network.isBlank()) {
      throw new IllegalArgumentException("give the network, e.g. eip155:84532");
    }
    if (payTo == null || payTo.isBlank()) {
      throw new IllegalArgumentException("give the recipient (payTo)");
    }
    if (maxTimeoutSeconds <= 0) {
      throw new IllegalArgumentException("maxTimeoutSeconds must be positive");
    }
    boolean solana = isSolana(network);
    checkFamily("payTo", payTo, solana, network);
    for (RouteSpec r : routes) {
      if (r.payTo() != null) {
        checkFamily("routes[" + r.pattern() + "].payTo", r.payTo(), solana, network);
      }
    }
    if (asset != null) {
      checkFamily("asset.address", asset.address(), solana, network);
      if (solana && (asset.name() != null || asset.version() != null)) {
        throw new IllegalArgumentException(
            "asset: a Solana mint has no EIP-712 name or version; give only its address (and"
                + " decimals when the network does not know it)");
      }
    }
  }

  private static boolean isSolana(String network) {
    try {
      return Network.SOLANA.equals(NetworkRegistry.defaults().resolve(network.strip()).namespace());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Checks that {@code address} is an address of the network's family, naming {@code setting}. */
  private static void checkFamily(String setting, String address, boolean solana, String network) {
    try {
      if (solana) {
        SolanaAddress.parse(address.strip());
      } else {
        EvmAddress.parse(address.strip());
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          setting
              + " must be "
              + (solana ? "a base58 Solana address" : "an EVM address (0x and 40 hex digits)")
              + " on "
              + network.strip()
              + ", got "
              + Text.quote(address)
              + " ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  /**
   * Reads a YAML (or JSON) file; {@code ${NAME}} is replaced from {@code env}.
   *
   * @param env where {@code ${NAME}} references are looked up
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException naming the setting that is missing, unknown or invalid (a
   *     {@link ConfigException} for a key, naming its dotted path)
   */
  public static GatewayConfig load(Path file, Map<String, String> env) throws IOException {
    return read(ConfigSection.load(file, env));
  }

  /**
   * Reads the gateway's settings from {@code root}, a whole file or a section of a larger one.
   *
   * @throws IllegalArgumentException naming the setting that is missing, unknown or invalid (a
   *     {@link ConfigException} for a key, naming its dotted path)
   */
  public static GatewayConfig read(ConfigSection root) {
    root.allowOnly(
        "host",
        "port",
        "upstream",
        "facilitator",
        "network",
        "v1Name",
        "payTo",
        "asset",
        "maxTimeoutSeconds",
        "paywall",
        "routes");
    ConfigSection facilitator = root.section("facilitator").allowOnly("url", "tokenEnv");
    ConfigSection asset =
        root.section("asset").allowOnly("address", "name", "version", "decimals", "symbol");
    ConfigSection paywall = root.section("paywall").allowOnly("enabled", "appName");
    List<RouteSpec> routes = new ArrayList<>();
    for (ConfigSection r : root.sections("routes")) {
      r.allowOnly("route", "price", "description", "mimeType", "payTo", "settleBeforeHandler");
      routes.add(
          new RouteSpec(
              r.require("route", TEXT, "e.g. GET /weather"),
              r.require("price", PRICE, "e.g. $0.001, or atomic units"),
              r.get("description", TEXT, ""),
              r.get("mimeType", TEXT, ""),
              r.get("payTo", PAY_TO, null),
              r.get("settleBeforeHandler", ValueParser.bool(), false)));
    }
    URI upstream = root.require("upstream", URL, "e.g. http://127.0.0.1:9000");
    String assetAddress = asset.get("address", ASSET, null);
    return new GatewayConfig(
        root.get("host", TEXT, "127.0.0.1"),
        root.get("port", PORT, 4021),
        upstream,
        facilitator.get("url", URL, null),
        facilitator.get("tokenEnv", TEXT, null),
        root.get("network", NETWORK, null),
        root.get("v1Name", TEXT, null),
        root.get("payTo", PAY_TO, null),
        assetAddress == null
            ? null
            : new AssetSpec(
                assetAddress,
                asset.get("name", TEXT, null),
                asset.get("version", TEXT, null),
                asset.get("decimals", DECIMALS, null),
                asset.get("symbol", TEXT, null)),
        root.get("maxTimeoutSeconds", MAX_TIMEOUT_SECONDS, 60),
        paywall.get("enabled", ValueParser.bool(), true),
        paywall.get("appName", TEXT, ""),
        routes);
  }

  /** The built-in network registry, extended with the configured network when it needs to be. */
  public NetworkRegistry networks() {
    NetworkRegistry defaults = NetworkRegistry.defaults();
    Network resolved = defaults.resolve(network.strip());
    NetworkInfo known = defaults.find(resolved).orElse(null);
    if (known != null && v1Name == null) {
      return defaults;
    }
    NetworkInfo.Builder info =
        known != null ? known.toBuilder() : NetworkInfo.builder(resolved).testnet(true);
    if (v1Name != null) {
      info.v1Name(v1Name);
    }
    return defaults.toBuilder().network(info.build()).build();
  }

  /**
   * The token routes are priced in, or empty for the network's default.
   *
   * @throws IllegalArgumentException if the network has no default token and none is given, or the
   *     token is neither known nor given its EIP-712 name and version
   */
  public Optional<Asset> resolvedAsset(NetworkRegistry networks) {
    Network resolved = networks.resolve(network.strip());
    if (asset == null) {
      if (networks.defaultAsset(resolved).isEmpty()) {
        throw new IllegalArgumentException(
            "network " + resolved + " has no default token; give the asset");
      }
      return Optional.empty();
    }
    if (Network.SOLANA.equals(resolved.namespace())) {
      return Optional.of(solanaMint(networks, resolved));
    }
    String address = EvmAddress.parse(asset.address()).toString();
    Optional<Asset> known = networks.findAsset(resolved, address);
    String name = asset.name() != null ? asset.name() : known.map(Asset::eip712Name).orElse(null);
    String version =
        asset.version() != null ? asset.version() : known.map(Asset::eip712Version).orElse(null);
    if (name == null || version == null) {
      throw new IllegalArgumentException(
          "the token "
              + address
              + " is not known on "
              + resolved
              + ": give its EIP-712 name and version (--asset-name, --asset-version)");
    }
    Integer decimals =
        asset.decimals() != null ? asset.decimals() : known.map(Asset::decimals).orElse(null);
    boolean usd = known.map(Asset::usdStablecoin).orElse(false) || asset.decimals() != null;
    String symbol =
        asset.symbol() != null ? asset.symbol() : known.map(Asset::symbol).orElse("TOKEN");
    return Optional.of(
        new Asset(address, symbol, decimals == null ? 0 : decimals, name, version, usd));
  }

  /** The configured mint on a Solana network: known there, or given with its decimals. */
  private Asset solanaMint(NetworkRegistry networks, Network resolved) {
    String address = SolanaAddress.parse(asset.address().strip()).toString();
    Optional<Asset> known = networks.findAsset(resolved, address);
    Integer decimals =
        asset.decimals() != null ? asset.decimals() : known.map(Asset::decimals).orElse(null);
    if (decimals == null) {
      throw new IllegalArgumentException(
          "the mint "
              + address
              + " is not known on "
              + resolved
              + ": give its decimals (--asset-decimals, asset.decimals)");
    }
    boolean usd = known.map(Asset::usdStablecoin).orElse(false) || asset.decimals() != null;
    String symbol =
        asset.symbol() != null ? asset.symbol() : known.map(Asset::symbol).orElse("TOKEN");
    return new Asset(address, symbol, decimals, null, null, usd);
  }

  /**
   * The payment gate this configuration describes.
   *
   * @param env where the facilitator token's variable ({@link #facilitatorTokenEnv}) is looked up
   * @throws IllegalArgumentException naming a route, price, token or variable that does not work
   */
  public PaymentGate gate(Map<String, String> env) {
    NetworkRegistry networks = networks();
    Network resolved = networks.resolve(network.strip());
    Optional<Asset> token = resolvedAsset(networks);
    RouteTable.Builder table = RouteTable.builder();
    for (RouteSpec r : routes) {
      PaymentOption.Builder option =
          PaymentOption.builder(resolved)
              .price(r.price())
              .payTo(r.payTo() != null ? r.payTo() : payTo)
              .maxTimeoutSeconds(maxTimeoutSeconds);
      token.ifPresent(option::asset);
      table.route(
          r.pattern(),
          PaidRoute.builder()
              .accept(option.build())
              .description(r.description())
              .mimeType(r.mimeType())
              .settleBeforeHandler(r.settleBeforeHandler())
              .build());
    }
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
    return PaymentGate.builder()
        .facilitator(facilitator.build())
        .networks(networks)
        .routes(table.build())
        .paywall(paywall ? new PaywallOptions(true, appName, null) : PaywallOptions.disabled())
        .build();
  }

  /**
   * Builds the gate and starts the gateway.
   *
   * @param env where the facilitator token's variable is looked up
   * @throws IllegalArgumentException as {@link #gate} does
   * @throws IllegalStateException if the port cannot be bound
   */
  public Gateway start(Map<String, String> env) {
    return Gateway.builder(gate(env), upstream).host(host).port(port).start();
  }
}
