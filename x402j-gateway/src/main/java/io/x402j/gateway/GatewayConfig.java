package io.x402j.gateway;

import io.x402j.config.ConfigException;
import io.x402j.config.ConfigSection;
import io.x402j.config.ValueParser;
import io.x402j.core.Asset;
import io.x402j.core.Network;
import io.x402j.core.NetworkInfo;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.Price;
import io.x402j.core.extensions.bazaar.BazaarDeclaration;
import io.x402j.core.extensions.bazaar.ServiceMetadata;
import io.x402j.core.facilitator.FacilitatorAuth;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.support.Text;
import io.x402j.evm.EvmAddress;
import io.x402j.gateway.internal.SignInSetup;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.PaymentOption;
import io.x402j.server.PaywallOptions;
import io.x402j.server.RouteTable;
import io.x402j.server.SalesRecord;
import io.x402j.svm.SolanaAddress;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

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
 * assetTransferMethod: eip3009     # default; permit2: exact EVM routes paid via Permit2
 * routes:
 *   - route: GET /weather          # required
 *     price: $0.001                # required: dollars, or atomic units of the token
 *     scheme: exact                # default; upto: price is a ceiling (or price: upto:100000),
 *                                  #   the upstream charges less with Settlement-Overrides
 *     description: Today's weather
 *     mimeType: application/json
 *     payTo: "0x…"                 # this route's recipient
 *     settleBeforeHandler: false
 *     discovery:                   # declares the route for discovery (Bazaar); {} for defaults
 *       routeTemplate: /weather/:city   # default: derived from the pattern's :params
 *       input:
 *         queryParams: {example: {units: metric}, schema: {properties: {units: {type: string}}}}
 *         body: {type: json, example: {city: Paris}, schema: {properties: {…}}}  # POST/PUT/PATCH
 *         headers: {X-Api-Version: "2"}
 *         pathParams: {schema: {properties: {city: {type: string}}}}
 *       output: {example: {temperature: 21}, schema: {properties: {…}}}
 * discoverable: true               # declare every route (those without discovery: defaults)
 * service: {name: Weather Inc, tags: [weather], iconUrl: https://example.com/icon.png}
 * signInWithX:                     # wallets that paid a route sign in instead of paying again
 *   window: 24h                    # default; how long a payment is a pass (24h, 30m, PT24H, …)
 *   origin: https://api.example.com  # the public origin sign-ins name; default http://host:port
 *   database: jdbc:sqlite:passes.db  # or jdbc:postgresql://…: shared by every instance; default
 *                                  #   memory (forgotten on restart, not shared)
 *   secretEnv: SIWX_SECRET         # variable with the challenge secret (32+ characters), the
 *                                  #   same on every instance; default random per start
 * alsoAccept:                      # further offers every route is also sold in, one 402
 *   - network: solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1
 *     asset: {address: MINT, decimals: 6}   # optional where the network has a default token
 *     payTo: BASE58_OWNER          # required: this offer's recipient (routes' payTo is not used)
 * </pre>
 *
 * <p>A route's price in dollars (or whole tokens) is converted into each offer's token; a price in
 * atomic units is refused when the offers' tokens have different decimals, as it would mean
 * different amounts.
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
 * @param alsoAccept further offers every route is also sold in (other networks or tokens), each
 *     checked as the gateway's own network, token and recipient are
 * @param assetTransferMethod how exact EVM routes are paid: {@code eip3009} ({@code null}, the
 *     default) or {@code permit2} ({@code extra.assetTransferMethod}, any ERC-20); upto routes
 *     always use Permit2
 * @param discovery whether every route is declared for discovery, and the service metadata ({@code
 *     null} is {@link Discovery#NONE})
 * @param signIn sign-in-with-x: wallets that paid a route within a window sign in instead of paying
 *     again ({@code signInWithX}, {@code --sign-in-with-x}); {@code null} is off
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
    List<RouteSpec> routes,
    List<OfferSpec> alsoAccept,
    String assetTransferMethod,
    Discovery discovery,
    SignInSpec signIn) {

  /**
   * Discovery (Bazaar) for the whole gateway: {@code discoverable: true} / {@code --discoverable}
   * declares every route (a route's own {@code discovery} section wins), and {@code service} /
   * {@code --service-name}, {@code --tag}, {@code --icon-url} is the service metadata every route's
   * 402 carries on its {@code resource}.
   *
   * @param allRoutes whether every route is declared, with what its pattern tells (method, route
   *     template) where it has no {@code discovery} section
   * @param service the service metadata (valid: checked when read)
   */
  public record Discovery(boolean allRoutes, ServiceMetadata service) {
    /** Nothing declared unless a route says so, no metadata. */
    public static final Discovery NONE = new Discovery(false, ServiceMetadata.NONE);

    /** No metadata is {@link ServiceMetadata#NONE}. */
    public Discovery {
      service = service == null ? ServiceMetadata.NONE : service;
    }

    /**
     * The {@code discoverable} and {@code service} ({@code name}, {@code tags}, {@code iconUrl})
     * keys of {@code root} (which must allow them).
     *
     * @throws ConfigException naming the key that breaks the spec's rules
     */
    public static Discovery read(ConfigSection root) {
      return new Discovery(
          root.get("discoverable", ValueParser.bool(), false),
          RouteDiscovery.service(root.section("service")));
    }
  }

  /**
   * A configuration without sign-in-with-x.
   *
   * @see #GatewayConfig(String, int, URI, URI, String, String, String, String, AssetSpec, int,
   *     boolean, String, List, List, String, Discovery, SignInSpec)
   */
  public GatewayConfig(
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
      List<RouteSpec> routes,
      List<OfferSpec> alsoAccept,
      String assetTransferMethod,
      Discovery discovery) {
    this(
        host,
        port,
        upstream,
        facilitatorUrl,
        facilitatorTokenEnv,
        network,
        v1Name,
        payTo,
        asset,
        maxTimeoutSeconds,
        paywall,
        appName,
        routes,
        alsoAccept,
        assetTransferMethod,
        discovery,
        null);
  }

  /**
   * Sign-in-with-x for the whole gateway ({@code signInWithX} in a file, {@code --sign-in-with-x}
   * and the {@code --sign-in-…} flags): a wallet that paid a route within {@code window} signs a
   * challenge ({@code SIGN-IN-WITH-X}) instead of paying again, and the upstream is told which
   * wallet in the {@code X-Payment-Signed-In} header.
   *
   * @param window how long a payment lets its wallet sign in (the default policy: "paid this route
   *     within the window")
   * @param origin the public origin sign-ins must name (e.g. {@code https://api.example.com}), or
   *     {@code null} for {@code http://host:port} of the gateway itself
   * @param database a JDBC URL ({@code jdbc:sqlite:FILE} or {@code jdbc:postgresql://…}) where
   *     payments and used challenges are kept, shared by every instance on it, or {@code null} for
   *     this process's memory
   * @param secretEnv the environment variable holding the challenge secret (at least 32 characters;
   *     the same on every instance), or {@code null} for a random one per start
   */
  public record SignInSpec(Duration window, String origin, String database, String secretEnv) {
    /** The default pass window: 24 hours. */
    public static final Duration DEFAULT_WINDOW = Duration.ofHours(24);

    /** Checks the window; {@code null} is the default. */
    public SignInSpec {
      window = window == null ? DEFAULT_WINDOW : window;
      if (window.isNegative() || window.isZero()) {
        throw new IllegalArgumentException("signInWithX.window must be positive, got " + window);
      }
    }

    /**
     * The {@code signInWithX} section of a file ({@code window}, {@code origin}, {@code database},
     * {@code secretEnv}).
     *
     * @throws ConfigException naming the key that is unknown or invalid
     */
    public static SignInSpec read(ConfigSection section) {
      section.allowOnly("window", "origin", "database", "secretEnv");
      return new SignInSpec(
          section.get("window", SIGN_IN_WINDOW, DEFAULT_WINDOW),
          section.get("origin", SIGN_IN_ORIGIN, null),
          section.get("database", SIGN_IN_DATABASE, null),
          section.get("secretEnv", TEXT, null));
    }
  }

  /**
   * How long a payment lets its wallet sign in: {@code signInWithX.window}, {@code
   * --sign-in-with-x=WINDOW}; {@code 24h}, {@code 30m}, … or ISO-8601 {@code PT24H}.
   */
  public static final ValueParser<Duration> SIGN_IN_WINDOW =
      (setting, text) -> {
        String t = text.strip();
        if (t.startsWith("P") || t.startsWith("p")) {
          Duration d;
          try {
            d = Duration.parse(t);
          } catch (java.time.format.DateTimeParseException e) {
            throw new ConfigException(setting, text, "a duration such as 24h or PT24H");
          }
          if (d.isNegative() || d.isZero() || d.compareTo(ValueParser.MAX_DURATION) > 0) {
            throw new ConfigException(setting, text, "a positive duration up to 87600h");
          }
          return d;
        }
        return ValueParser.positiveDuration().parse(setting, text);
      };

  /**
   * The public origin sign-ins name: {@code signInWithX.origin}, {@code --sign-in-origin}; an
   * http(s) origin without path, query or credentials.
   */
  public static final ValueParser<String> SIGN_IN_ORIGIN =
      (setting, text) -> {
        try {
          io.x402j.server.siwx.SignInWithXExtension.builder().origin(text.strip());
        } catch (IllegalArgumentException e) {
          throw new ConfigException(
              setting, text, "an http(s) origin such as https://api.example.com");
        }
        return text.strip();
      };

  /**
   * Where sign-in passes are kept: {@code signInWithX.database}, {@code --sign-in-db}; {@code
   * jdbc:sqlite:FILE} or {@code jdbc:postgresql://HOST/DB}.
   */
  public static final ValueParser<String> SIGN_IN_DATABASE =
      (setting, text) -> {
        String t = text.strip();
        if (!t.startsWith("jdbc:sqlite:") && !t.startsWith("jdbc:postgresql:")) {
          throw new ConfigException(
              setting, "(not shown)", "jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB");
        }
        return t;
      };

  /**
   * A configuration without discovery settings (routes may still declare their own).
   *
   * @see #GatewayConfig(String, int, URI, URI, String, String, String, String, AssetSpec, int,
   *     boolean, String, List, List, String, Discovery)
   */
  public GatewayConfig(
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
      List<RouteSpec> routes,
      List<OfferSpec> alsoAccept,
      String assetTransferMethod) {
    this(
        host,
        port,
        upstream,
        facilitatorUrl,
        facilitatorTokenEnv,
        network,
        v1Name,
        payTo,
        asset,
        maxTimeoutSeconds,
        paywall,
        appName,
        routes,
        alsoAccept,
        assetTransferMethod,
        Discovery.NONE);
  }

  /** EIP-3009 {@code transferWithAuthorization}: the default way exact EVM routes are paid. */
  public static final String EIP3009 = "eip3009";

  /**
   * Permit2 (any ERC-20, through the x402 exact proxy): {@code --asset-transfer-method permit2}.
   */
  public static final String PERMIT2 = "permit2";

  /**
   * How exact EVM routes are paid, {@code eip3009} or {@code permit2}: {@code assetTransferMethod},
   * {@code --asset-transfer-method}.
   */
  public static final ValueParser<String> ASSET_TRANSFER_METHOD =
      (setting, text) -> {
        String t = text.strip();
        if (!t.equals(EIP3009) && !t.equals(PERMIT2)) {
          throw new ConfigException(setting, text, "eip3009 or permit2");
        }
        return t;
      };

  /**
   * A configuration without an asset transfer method (exact EVM routes are paid with EIP-3009).
   *
   * @see #GatewayConfig(String, int, URI, URI, String, String, String, String, AssetSpec, int,
   *     boolean, String, List, List, String)
   */
  public GatewayConfig(
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
      List<RouteSpec> routes,
      List<OfferSpec> alsoAccept) {
    this(
        host,
        port,
        upstream,
        facilitatorUrl,
        facilitatorTokenEnv,
        network,
        v1Name,
        payTo,
        asset,
        maxTimeoutSeconds,
        paywall,
        appName,
        routes,
        alsoAccept,
        null);
  }

  /**
   * A further offer every route is sold in beside the gateway's own network: {@code alsoAccept[i]}
   * in a file, {@code --also-accept} on the command line.
   *
   * @param network the network (CAIP-2 or a known v1 name)
   * @param asset the token, or {@code null} for the network's default
   * @param payTo the recipient on that network
   */
  public record OfferSpec(String network, AssetSpec asset, String payTo) {
    /** Checks the network and recipient are given. */
    public OfferSpec {
      Objects.requireNonNull(network, "network");
      Objects.requireNonNull(payTo, "payTo");
    }

    /**
     * The offer of an {@code alsoAccept[i]} section ({@code network}, {@code asset}, {@code
     * payTo}).
     *
     * @param networkHint how a network is written, shown when it is missing
     * @throws IllegalArgumentException naming the key that is missing, unknown or invalid
     */
    public static OfferSpec read(ConfigSection offer, String networkHint) {
      offer.allowOnly("network", "asset", "payTo");
      return new OfferSpec(
          offer.require("network", NETWORK, networkHint),
          AssetSpec.read(offer.section("asset")),
          offer.require("payTo", PAY_TO, "this offer's recipient on its network"));
    }
  }

  /**
   * A configuration with only the gateway's own network (no {@link #alsoAccept}).
   *
   * @see #GatewayConfig(String, int, URI, URI, String, String, String, String, AssetSpec, int,
   *     boolean, String, List, List)
   */
  public GatewayConfig(
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
    this(
        host,
        port,
        upstream,
        facilitatorUrl,
        facilitatorTokenEnv,
        network,
        v1Name,
        payTo,
        asset,
        maxTimeoutSeconds,
        paywall,
        appName,
        routes,
        List.of(),
        null);
  }

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

    /**
     * The token of an {@code asset} section ({@code address}, {@code name}, {@code version}, {@code
     * decimals}, {@code symbol}), or {@code null} when it gives no address.
     *
     * @throws IllegalArgumentException naming the key that is unknown or invalid
     */
    public static AssetSpec read(ConfigSection asset) {
      asset.allowOnly("address", "name", "version", "decimals", "symbol");
      String address = asset.get("address", ASSET, null);
      return address == null
          ? null
          : new AssetSpec(
              address,
              asset.get("name", TEXT, null),
              asset.get("version", TEXT, null),
              asset.get("decimals", DECIMALS, null),
              asset.get("symbol", TEXT, null));
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
   * @param scheme {@code exact} (the default, {@code null}) or {@code upto}: the price is then the
   *     ceiling and the upstream states what it used in its {@code Settlement-Overrides} header
   * @param discovery what the route declares for discovery (its {@code discovery} section), or
   *     {@code null}: then it declares only when the gateway's {@link Discovery#allRoutes} is on
   */
  public record RouteSpec(
      String pattern,
      String price,
      String description,
      String mimeType,
      String payTo,
      boolean settleBeforeHandler,
      String scheme,
      BazaarDeclaration discovery) {
    /** Checks the pattern and price are given; no description or media type is empty. */
    public RouteSpec {
      Objects.requireNonNull(pattern, "pattern");
      Objects.requireNonNull(price, "price");
      description = description == null ? "" : description;
      mimeType = mimeType == null ? "" : mimeType;
      scheme = scheme == null ? "exact" : scheme;
      if (!scheme.equals("exact") && !scheme.equals(PaymentOption.UPTO)) {
        throw new IllegalArgumentException(
            "route " + pattern + ": scheme must be exact or upto, got " + Text.quote(scheme));
      }
    }

    /** A route without a discovery section of its own. */
    public RouteSpec(
        String pattern,
        String price,
        String description,
        String mimeType,
        String payTo,
        boolean settleBeforeHandler,
        String scheme) {
      this(pattern, price, description, mimeType, payTo, settleBeforeHandler, scheme, null);
    }

    /** This route described as {@code description} (empty stays as it is). */
    public RouteSpec describedAs(String description, String mimeType) {
      return new RouteSpec(
          pattern,
          price,
          description == null ? this.description : description,
          mimeType == null ? this.mimeType : mimeType,
          payTo,
          settleBeforeHandler,
          scheme,
          discovery);
    }

    /** An exact route. */
    public RouteSpec(
        String pattern,
        String price,
        String description,
        String mimeType,
        String payTo,
        boolean settleBeforeHandler) {
      this(pattern, price, description, mimeType, payTo, settleBeforeHandler, null, null);
    }

    /** Whether the route is usage-based ({@code upto}). */
    public boolean upto() {
      return PaymentOption.UPTO.equals(scheme);
    }
  }

  /** The prefix of a usage-based price: {@code upto:100000}, {@code upto:$0.10}. */
  public static final String UPTO_PREFIX = "upto:";

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
   * the pattern, {@code =}, a price ({@code --route}); {@code upto:PRICE}, e.g. {@code POST
   * /infer=upto:100000}, makes the price a ceiling (scheme {@code upto}).
   */
  public static final ValueParser<RouteSpec> ROUTE =
      (setting, text) -> {
        int eq = text.lastIndexOf('=');
        if (eq <= 0 || eq == text.length() - 1) {
          throw new ConfigException(
              setting, text, "\"[METHOD] /path=PRICE\", e.g. \"GET /weather=$0.001\"");
        }
        String price = text.substring(eq + 1).strip();
        boolean upto = price.startsWith(UPTO_PREFIX);
        return new RouteSpec(
            text.substring(0, eq).strip(),
            PRICE.parse(setting, upto ? price.substring(UPTO_PREFIX.length()) : price),
            "",
            "",
            null,
            false,
            upto ? PaymentOption.UPTO : "exact");
      };

  private static final ValueParser<String> TEXT = ValueParser.text();

  /** A service's name for discovery, 1 to 32 printable ASCII characters: {@code service.name}. */
  public static final ValueParser<String> SERVICE_NAME =
      (setting, text) -> {
        if (!ServiceMetadata.isValidServiceName(text)) {
          throw new ConfigException(setting, text, "1 to 32 printable ASCII characters");
        }
        return text;
      };

  /**
   * A discovery tag, 1 to 32 printable ASCII characters: {@code service.tags[i]}, {@code --tag}.
   */
  public static final ValueParser<String> TAG = SERVICE_NAME;

  /**
   * An icon's URL for discovery: {@code service.iconUrl}, {@code --icon-url}; http(s), naming a
   * host that is neither an IP address nor localhost, without user info.
   */
  public static final ValueParser<String> ICON_URL =
      (setting, text) -> {
        if (!ServiceMetadata.isValidIconUrl(text)) {
          throw new ConfigException(
              setting,
              text,
              "an http(s) URL naming a host that is neither an IP address nor localhost, without"
                  + " user info, e.g. https://example.com/icon.png");
        }
        return text;
      };

  /**
   * What a route is, in one piece ({@code --description}): {@code [METHOD] /path=TEXT}, the pattern
   * as given to {@code --route}.
   */
  public static final ValueParser<Map.Entry<String, String>> ROUTE_DESCRIPTION =
      (setting, text) -> {
        int eq = text.indexOf('=');
        if (eq <= 0 || eq == text.length() - 1) {
          throw new ConfigException(
              setting, text, "\"[METHOD] /path=TEXT\", e.g. \"GET /weather=Today's weather\"");
        }
        return Map.entry(text.substring(0, eq).strip(), text.substring(eq + 1).strip());
      };

  /** A route's scheme: {@code routes[i].scheme}, {@code exact} or {@code upto}. */
  public static final ValueParser<String> SCHEME =
      (setting, text) -> {
        String t = text.strip();
        if (!t.equals("exact") && !t.equals(PaymentOption.UPTO)) {
          throw new ConfigException(setting, text, "exact or upto");
        }
        return t;
      };

  /** A route's price in a file, optionally {@code upto:} before it. */
  private static final ValueParser<String> ROUTE_PRICE =
      (setting, text) -> {
        String t = text.strip();
        return t.startsWith(UPTO_PREFIX)
            ? UPTO_PREFIX + PRICE.parse(setting, t.substring(UPTO_PREFIX.length()))
            : PRICE.parse(setting, t);
      };

  /**
   * A further offer in one piece ({@code --also-accept}): comma-separated {@code key=value} pairs,
   * {@code network} and {@code pay-to} required, {@code asset}, {@code asset-decimals}, {@code
   * asset-name}, {@code asset-version}, {@code asset-symbol} optional, e.g. {@code
   * network=solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1,asset=MINT,pay-to=OWNER}.
   */
  public static final ValueParser<OfferSpec> ALSO_ACCEPT =
      (setting, text) -> {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String pair : text.split(",", -1)) {
          int eq = pair.indexOf('=');
          if (eq <= 0) {
            throw new ConfigException(
                setting,
                text,
                "comma-separated key=value pairs, e.g."
                    + " \"network=solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1,asset=MINT,pay-to=OWNER\"");
          }
          String key = pair.substring(0, eq).strip();
          if (!List.of(
                  "network",
                  "pay-to",
                  "asset",
                  "asset-decimals",
                  "asset-name",
                  "asset-version",
                  "asset-symbol")
              .contains(key)) {
            throw new ConfigException(
                setting,
                setting
                    + ": unknown key "
                    + Text.quote(key)
                    + " (network, pay-to, asset, asset-decimals, asset-name, asset-version,"
                    + " asset-symbol)");
          }
          if (keys.put(key, pair.substring(eq + 1)) != null) {
            throw new ConfigException(setting, setting + ": " + key + " is given twice");
          }
        }
        for (String required : List.of("network", "pay-to")) {
          if (!keys.containsKey(required)) {
            throw new ConfigException(setting, setting + ": give " + required + "=…");
          }
        }
        String asset = keys.get("asset");
        if (asset == null
            && (keys.containsKey("asset-decimals")
                || keys.containsKey("asset-name")
                || keys.containsKey("asset-version")
                || keys.containsKey("asset-symbol"))) {
          throw new ConfigException(
              setting, setting + ": asset-… settings need the token's address, asset=…");
        }
        return new OfferSpec(
            NETWORK.parse(setting + " network", keys.get("network")),
            asset == null
                ? null
                : new AssetSpec(
                    ASSET.parse(setting + " asset", asset),
                    blankToNull(keys.get("asset-name")),
                    blankToNull(keys.get("asset-version")),
                    keys.containsKey("asset-decimals")
                        ? DECIMALS.parse(setting + " asset-decimals", keys.get("asset-decimals"))
                        : null,
                    blankToNull(keys.get("asset-symbol"))),
            PAY_TO.parse(setting + " pay-to", keys.get("pay-to")));
      };

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text.strip();
  }

  /**
   * Checks that everything a gateway needs is given.
   *
   * @throws IllegalArgumentException naming what is missing or out of range
   */
  public GatewayConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(upstream, "upstream");
    appName = appName == null ? "" : appName;
    discovery = discovery == null ? Discovery.NONE : discovery;
    routes = List.copyOf(routes);
    alsoAccept = alsoAccept == null ? List.of() : List.copyOf(alsoAccept);
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
    checkAsset("asset", asset, solana, network);
    List<Network> offered = new ArrayList<>();
    offered.add(resolveOrNull(network));
    for (int i = 0; i < alsoAccept.size(); i++) {
      OfferSpec o = alsoAccept.get(i);
      String where = "alsoAccept[" + i + "]";
      Network resolved;
      try {
        resolved = NetworkRegistry.defaults().resolve(o.network().strip());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            where + ".network: " + e.getMessage() + " (a CAIP-2 network such as eip155:84532)", e);
      }
      if (offered.contains(resolved)) {
        throw new IllegalArgumentException(
            where + ".network: " + resolved + " is already offered; give each network once");
      }
      offered.add(resolved);
      boolean svm = Network.SOLANA.equals(resolved.namespace());
      checkFamily(where + ".payTo", o.payTo(), svm, o.network());
      checkAsset(where + ".asset", o.asset(), svm, o.network());
    }
  }

  private static Network resolveOrNull(String network) {
    try {
      return NetworkRegistry.defaults().resolve(network.strip());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static void checkAsset(String where, AssetSpec asset, boolean solana, String network) {
    if (asset == null) {
      return;
    }
    checkFamily(where + ".address", asset.address(), solana, network);
    if (solana && (asset.name() != null || asset.version() != null)) {
      throw new IllegalArgumentException(
          where
              + ": a Solana mint has no EIP-712 name or version; give only its address (and"
              + " decimals when the network does not know it)");
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
        "routes",
        "alsoAccept",
        "assetTransferMethod",
        "discoverable",
        "service",
        "signInWithX",
        "sales",
        "admin");
    ConfigSection facilitator = root.section("facilitator").allowOnly("url", "tokenEnv");
    ConfigSection asset =
        root.section("asset").allowOnly("address", "name", "version", "decimals", "symbol");
    ConfigSection paywall = root.section("paywall").allowOnly("enabled", "appName");
    List<RouteSpec> routes = new ArrayList<>();
    for (ConfigSection r : root.sections("routes")) {
      r.allowOnly(
          "route",
          "price",
          "scheme",
          "description",
          "mimeType",
          "payTo",
          "settleBeforeHandler",
          "discovery");
      String scheme = r.get("scheme", SCHEME, "exact");
      String price = r.require("price", ROUTE_PRICE, "e.g. $0.001, or atomic units");
      if (price.startsWith(UPTO_PREFIX)) {
        if (r.get("scheme", SCHEME, null) != null && !scheme.equals(PaymentOption.UPTO)) {
          throw new ConfigException(
              r.path("price"), price, "a price without upto: for scheme " + scheme);
        }
        scheme = PaymentOption.UPTO;
        price = price.substring(UPTO_PREFIX.length());
      }
      String pattern = r.require("route", TEXT, "e.g. GET /weather");
      routes.add(
          new RouteSpec(
              pattern,
              price,
              r.get("description", TEXT, ""),
              r.get("mimeType", TEXT, ""),
              r.get("payTo", PAY_TO, null),
              r.get("settleBeforeHandler", ValueParser.bool(), false),
              scheme,
              r.has("discovery") ? RouteDiscovery.read(r.section("discovery"), pattern) : null));
    }
    List<OfferSpec> also = new ArrayList<>();
    for (ConfigSection o : root.sections("alsoAccept")) {
      also.add(OfferSpec.read(o, "e.g. solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1"));
    }
    URI upstream = root.require("upstream", URL, "e.g. http://127.0.0.1:9000");
    return new GatewayConfig(
        root.get("host", TEXT, "127.0.0.1"),
        root.get("port", PORT, 4021),
        upstream,
        facilitator.get("url", URL, null),
        facilitator.get("tokenEnv", TEXT, null),
        root.get("network", NETWORK, null),
        root.get("v1Name", TEXT, null),
        root.get("payTo", PAY_TO, null),
        AssetSpec.read(asset),
        root.get("maxTimeoutSeconds", MAX_TIMEOUT_SECONDS, 60),
        paywall.get("enabled", ValueParser.bool(), true),
        paywall.get("appName", TEXT, ""),
        routes,
        also,
        root.get("assetTransferMethod", ASSET_TRANSFER_METHOD, null),
        Discovery.read(root),
        root.has("signInWithX") ? SignInSpec.read(root.section("signInWithX")) : null);
  }

  /** The built-in network registry, extended with the configured network when it needs to be. */
  public NetworkRegistry networks() {
    NetworkRegistry defaults = NetworkRegistry.defaults();
    Network resolved = defaults.resolve(network.strip());
    NetworkInfo known = defaults.find(resolved).orElse(null);
    List<Network> unknown = new ArrayList<>();
    for (OfferSpec o : alsoAccept) {
      Network other = defaults.resolve(o.network().strip());
      if (defaults.find(other).isEmpty()) {
        unknown.add(other);
      }
    }
    if (known != null && v1Name == null && unknown.isEmpty()) {
      return defaults;
    }
    NetworkRegistry.Builder registry = defaults.toBuilder();
    if (known == null || v1Name != null) {
      NetworkInfo.Builder info =
          known != null ? known.toBuilder() : NetworkInfo.builder(resolved).testnet(true);
      if (v1Name != null) {
        info.v1Name(v1Name);
      }
      registry.network(info.build());
    }
    for (Network other : unknown) {
      registry.network(NetworkInfo.builder(other).testnet(true).build());
    }
    return registry.build();
  }

  /**
   * The token routes are priced in, or empty for the network's default.
   *
   * @throws IllegalArgumentException if the network has no default token and none is given, or the
   *     token is neither known nor given its EIP-712 name and version
   */
  public Optional<Asset> resolvedAsset(NetworkRegistry networks) {
    return resolveAsset(networks, network, asset);
  }

  private static Optional<Asset> resolveAsset(
      NetworkRegistry networks, String network, AssetSpec asset) {
    Network resolved = networks.resolve(network.strip());
    if (asset == null) {
      if (networks.defaultAsset(resolved).isEmpty()) {
        throw new IllegalArgumentException(
            "network " + resolved + " has no default token; give the asset");
      }
      return Optional.empty();
    }
    if (Network.SOLANA.equals(resolved.namespace())) {
      return Optional.of(solanaMint(networks, resolved, asset));
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
  private static Asset solanaMint(NetworkRegistry networks, Network resolved, AssetSpec asset) {
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
    return gate(env, null);
  }

  /**
   * The payment gate this configuration describes, recording its sales in {@code sales} (or nowhere
   * when {@code null}); see {@link SellerConsole}. Closing the gate closes what it opened (the
   * sign-in database's connection pool).
   *
   * @param env where the facilitator token's variable ({@link #facilitatorTokenEnv}) is looked up
   * @throws IllegalArgumentException naming a route, price, token or variable that does not work
   */
  public PaymentGate gate(Map<String, String> env, SalesRecord sales) {
    return gate(env, sales, new ArrayList<>());
  }

  /** As {@link #gate(Map, SalesRecord)}; what the gate opened is added to {@code opened}. */
  PaymentGate gate(Map<String, String> env, SalesRecord sales, List<AutoCloseable> opened) {
    try {
      return buildGate(env, sales, opened);
    } catch (RuntimeException e) {
      Gateway.closeAll(opened); // nothing is left open by a configuration that fails
      throw e;
    }
  }

  /**
   * A gateway builder for this configuration (its gate, upstream, host and port), which owns what
   * the gate opens (the sign-in database's connection pool) and closes it when the gateway is
   * closed or fails to start.
   *
   * @param env where the facilitator token's and the sign-in secret's variables are looked up
   * @param sales where sales are recorded, or {@code null}
   * @throws IllegalArgumentException as {@link #gate} does (nothing is left open)
   */
  public Gateway.Builder gateway(Map<String, String> env, SalesRecord sales) {
    return gateway(env, sales, new ArrayList<>());
  }

  /** As {@link #gateway(Map, SalesRecord)}; what the gate opened is added to {@code opened}. */
  Gateway.Builder gateway(Map<String, String> env, SalesRecord sales, List<AutoCloseable> opened) {
    // The gate closes the sign-in pool after writing its queued sales events.
    PaymentGate gate = gate(env, sales, opened);
    return Gateway.builder(gate, upstream).host(host).port(port).owning(gate);
  }

  // What the gate opens is added to owned, and closed by the gate.
  private PaymentGate buildGate(
      Map<String, String> env, SalesRecord sales, List<AutoCloseable> owned) {
    NetworkRegistry networks = networks();
    Network resolved = networks.resolve(network.strip());
    Optional<Asset> token = resolvedAsset(networks);
    List<Network> others = new ArrayList<>();
    List<Optional<Asset>> otherTokens = new ArrayList<>();
    for (int i = 0; i < alsoAccept.size(); i++) {
      OfferSpec o = alsoAccept.get(i);
      others.add(networks.resolve(o.network().strip()));
      try {
        otherTokens.add(resolveAsset(networks, o.network(), o.asset()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("alsoAccept[" + i + "]: " + e.getMessage(), e);
      }
    }
    RouteTable.Builder table = RouteTable.builder();
    for (RouteSpec r : routes) {
      if (!alsoAccept.isEmpty() && Price.parse(r.price()).unit() == Price.Unit.ATOMIC) {
        checkSameDecimals(r, networks, resolved, token, others, otherTokens);
      }
      PaymentOption.Builder option =
          PaymentOption.builder(resolved)
              .scheme(r.scheme())
              .price(r.price())
              .payTo(r.payTo() != null ? r.payTo() : payTo)
              .maxTimeoutSeconds(maxTimeoutSeconds);
      token.ifPresent(option::asset);
      PaidRoute.Builder route =
          PaidRoute.builder()
              .accept(option.build())
              .description(r.description())
              .mimeType(r.mimeType())
              .settleBeforeHandler(r.settleBeforeHandler())
              .service(discovery.service())
              .discovery(
                  r.discovery() != null
                      ? r.discovery()
                      : discovery.allRoutes() ? BazaarDeclaration.http().build() : null);
      for (int i = 0; i < alsoAccept.size(); i++) {
        PaymentOption.Builder also =
            PaymentOption.builder(others.get(i))
                .scheme(r.scheme())
                .price(r.price())
                .payTo(alsoAccept.get(i).payTo())
                .maxTimeoutSeconds(maxTimeoutSeconds);
        otherTokens.get(i).ifPresent(also::asset);
        route.accept(also.build());
      }
      table.route(r.pattern(), route.build());
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
    PaymentGate.Builder gate =
        PaymentGate.builder()
            .exactAssetTransferMethod(assetTransferMethod == null ? EIP3009 : assetTransferMethod)
            .facilitator(facilitator.build())
            .networks(networks)
            .routes(table.build())
            .paywall(paywall ? new PaywallOptions(true, appName, null) : PaywallOptions.disabled());
    if (signIn != null) {
      gate.extension(SignInSetup.extension(signIn, host, port, env, owned::add));
    }
    if (sales != null) {
      gate.salesRecord(sales);
    }
    owned.forEach(gate::closing);
    return gate.build();
  }

  /** Refuses an atomic price for offers whose tokens have different decimals. */
  private static void checkSameDecimals(
      RouteSpec r,
      NetworkRegistry networks,
      Network resolved,
      Optional<Asset> token,
      List<Network> others,
      List<Optional<Asset>> otherTokens) {
    List<String> seen = new ArrayList<>();
    Set<Integer> decimals = new TreeSet<>();
    Asset first = token.or(() -> networks.defaultAsset(resolved)).orElse(null);
    if (first != null) {
      decimals.add(first.decimals());
      seen.add(resolved + " " + first.symbol() + " " + first.decimals());
    }
    for (int i = 0; i < others.size(); i++) {
      Network n = others.get(i);
      Asset a = otherTokens.get(i).or(() -> networks.defaultAsset(n)).orElse(null);
      if (a != null) {
        decimals.add(a.decimals());
        seen.add(n + " " + a.symbol() + " " + a.decimals());
      }
    }
    if (decimals.size() > 1) {
      throw new IllegalArgumentException(
          "route "
              + r.pattern()
              + ": the price "
              + Text.quote(r.price())
              + " is in atomic units, but the offered tokens have different decimals ("
              + String.join(", ", seen)
              + "), so it would mean different amounts; give the price in dollars, e.g. $0.001");
    }
  }

  /**
   * Builds the gate and starts the gateway.
   *
   * @param env where the facilitator token's variable is looked up
   * @throws IllegalArgumentException as {@link #gate} does
   * @throws IllegalStateException if the port cannot be bound
   */
  public Gateway start(Map<String, String> env) {
    return gateway(env, null).start();
  }
}
