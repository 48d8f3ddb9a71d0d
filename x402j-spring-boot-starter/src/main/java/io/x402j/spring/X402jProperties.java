package io.x402j.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The {@code x402j.*} settings of the Spring Boot starter. */
@ConfigurationProperties(prefix = "x402j")
public class X402jProperties {
  /** Whether the payment filter is installed. */
  private boolean enabled = true;

  /** The facilitator's base URL, e.g. {@code https://x402.org/facilitator}. */
  private String facilitatorUrl;

  /** A bearer token for the facilitator, if it requires one. */
  private String facilitatorToken;

  /** The default network of routes (CAIP-2 such as {@code eip155:8453}, or a v1 name). */
  private String network;

  /** The default recipient of payments: an 0x address, or the base58 owner on Solana. */
  private String payTo;

  /**
   * The token routes on {@link #network} are priced in (default: the network's USDC): an EVM token
   * address, or a mint on Solana.
   */
  private String asset;

  /** The decimals of {@link #asset}, when the network registry does not know it. */
  private Integer assetDecimals;

  /** The EIP-712 name of {@link #asset} (EVM only), when the registry does not know it. */
  private String assetName;

  /** The EIP-712 version of {@link #asset} (EVM only), when the registry does not know it. */
  private String assetVersion;

  /** How long payers have to pay, in seconds. */
  private int maxTimeoutSeconds = 60;

  /** The most a paid response may hold in memory, in bytes. */
  private int maxBufferedBytes = 8 * 1024 * 1024;

  /** The order of the payment filter among the servlet filters (after Spring Security's). */
  private int filterOrder = 0;

  /**
   * WebFlux: the most a paid response is held before it is abandoned (504, nothing charged); unset,
   * the paid requirement's {@code maxTimeoutSeconds}.
   */
  private Duration holdLimit;

  /** The browser paywall. */
  private final Paywall paywall = new Paywall();

  /** What to do while a settlement is pending. */
  private final Pending pending = new Pending();

  /** Discovery (Bazaar): the service metadata of every {@link X402Discoverable} handler. */
  private final Discovery discovery = new Discovery();

  /** Routes priced by pattern, in addition to {@link X402Price} annotations. */
  private List<Route> routes = new ArrayList<>();

  /**
   * Further offers every route is also sold in ({@code x402j.also-accept[i].*}), beside the route's
   * own network: e.g. Solana devnet USDC beside Base Sepolia USDC, in one 402.
   */
  private List<Offer> alsoAccept = new ArrayList<>();

  /** A further offer: a network, its token and its recipient. */
  public static class Offer {
    /** The network (CAIP-2 or a v1 name); required. */
    private String network;

    /** The recipient on that network (0x address, or base58 owner on Solana); required. */
    private String payTo;

    /** The token (a mint on Solana); default the network's USDC. */
    private String asset;

    /** The decimals of {@link #asset}, when the network registry does not know it. */
    private Integer assetDecimals;

    /** The EIP-712 name of {@link #asset} (EVM only), when the registry does not know it. */
    private String assetName;

    /** The EIP-712 version of {@link #asset} (EVM only), when the registry does not know it. */
    private String assetVersion;

    public String getNetwork() {
      return network;
    }

    public void setNetwork(String network) {
      this.network = network;
    }

    public String getPayTo() {
      return payTo;
    }

    public void setPayTo(String payTo) {
      this.payTo = payTo;
    }

    public String getAsset() {
      return asset;
    }

    public void setAsset(String asset) {
      this.asset = asset;
    }

    public Integer getAssetDecimals() {
      return assetDecimals;
    }

    public void setAssetDecimals(Integer assetDecimals) {
      this.assetDecimals = assetDecimals;
    }

    public String getAssetName() {
      return assetName;
    }

    public void setAssetName(String assetName) {
      this.assetName = assetName;
    }

    public String getAssetVersion() {
      return assetVersion;
    }

    public void setAssetVersion(String assetVersion) {
      this.assetVersion = assetVersion;
    }
  }

  /** A route priced in configuration. */
  public static class Route {
    /** The pattern, e.g. {@code GET /weather} or {@code /api/*}. */
    private String pattern;

    /** The price, e.g. {@code $0.001}. */
    private String price;

    /** What the resource is. */
    private String description = "";

    /** The response's media type. */
    private String mimeType = "";

    /** The network; default {@code x402j.network}. */
    private String network;

    /** The recipient; default {@code x402j.pay-to}. */
    private String payTo;

    /** Settle before the handler runs. */
    private boolean settleBeforeHandler;

    /**
     * {@code exact} (default) or {@code upto} (the price is a ceiling; the handler charges less).
     */
    private String scheme = "exact";

    /**
     * Discovery (Bazaar) for this route ({@code x402j.routes[i].discovery.*}): off unless {@code
     * enabled}; the description and media type are the route's.
     */
    private final RouteDiscovery discovery = new RouteDiscovery();

    public RouteDiscovery getDiscovery() {
      return discovery;
    }

    public String getScheme() {
      return scheme;
    }

    public void setScheme(String scheme) {
      this.scheme = scheme;
    }

    public String getPattern() {
      return pattern;
    }

    public void setPattern(String pattern) {
      this.pattern = pattern;
    }

    public String getPrice() {
      return price;
    }

    public void setPrice(String price) {
      this.price = price;
    }

    public String getDescription() {
      return description;
    }

    public void setDescription(String description) {
      this.description = description;
    }

    public String getMimeType() {
      return mimeType;
    }

    public void setMimeType(String mimeType) {
      this.mimeType = mimeType;
    }

    public String getNetwork() {
      return network;
    }

    public void setNetwork(String network) {
      this.network = network;
    }

    public String getPayTo() {
      return payTo;
    }

    public void setPayTo(String payTo) {
      this.payTo = payTo;
    }

    public boolean isSettleBeforeHandler() {
      return settleBeforeHandler;
    }

    public void setSettleBeforeHandler(boolean settleBeforeHandler) {
      this.settleBeforeHandler = settleBeforeHandler;
    }
  }

  /**
   * A configured route's discovery declaration ({@code x402j.routes[i].discovery.*}): what a
   * handler annotated {@link X402Discoverable} derives from its signature, given as properties.
   * Examples and schemas are JSON text (schemas: JSON Schema keywords, an object, referring only
   * within themselves); the service metadata is {@code x402j.discovery.*}. A value that breaks the
   * spec's rules stops the start with an error naming the property.
   */
  public static class RouteDiscovery {
    /** Whether the route declares itself for discovery. */
    private boolean enabled;

    /** The route template to declare, e.g. {@code /users/:id}; default derived from the pattern. */
    private String routeTemplate;

    /** Example query parameters, a JSON object (GET, HEAD, DELETE). */
    private String queryExample;

    /** JSON Schema keywords describing the query parameters, a JSON object. */
    private String querySchema;

    /** The body's encoding, {@code json}, {@code form-data} or {@code text} (POST, PUT, PATCH). */
    private String bodyType;

    /** An example body, JSON text. */
    private String bodyExample;

    /** JSON Schema keywords describing the body, a JSON object. */
    private String bodySchema;

    /** An example response, JSON text. */
    private String outputExample;

    /** JSON Schema keywords describing the response, a JSON object. */
    private String outputSchema;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getRouteTemplate() {
      return routeTemplate;
    }

    public void setRouteTemplate(String routeTemplate) {
      this.routeTemplate = routeTemplate;
    }

    public String getQueryExample() {
      return queryExample;
    }

    public void setQueryExample(String queryExample) {
      this.queryExample = queryExample;
    }

    public String getQuerySchema() {
      return querySchema;
    }

    public void setQuerySchema(String querySchema) {
      this.querySchema = querySchema;
    }

    public String getBodyType() {
      return bodyType;
    }

    public void setBodyType(String bodyType) {
      this.bodyType = bodyType;
    }

    public String getBodyExample() {
      return bodyExample;
    }

    public void setBodyExample(String bodyExample) {
      this.bodyExample = bodyExample;
    }

    public String getBodySchema() {
      return bodySchema;
    }

    public void setBodySchema(String bodySchema) {
      this.bodySchema = bodySchema;
    }

    public String getOutputExample() {
      return outputExample;
    }

    public void setOutputExample(String outputExample) {
      this.outputExample = outputExample;
    }

    public String getOutputSchema() {
      return outputSchema;
    }

    public void setOutputSchema(String outputSchema) {
      this.outputSchema = outputSchema;
    }
  }

  /** The browser paywall settings. */
  public static class Paywall {
    /** Whether browsers get the paywall page. */
    private boolean enabled = true;

    /** The seller's name on the page. */
    private String appName = "";

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getAppName() {
      return appName;
    }

    public void setAppName(String appName) {
      this.appName = appName;
    }
  }

  /**
   * The discovery settings ({@code x402j.discovery.*}): service metadata every {@link
   * X402Discoverable} handler declares unless its annotation gives its own. Each field must pass
   * the spec's rules (a name of 1 to 32 printable ASCII characters, at most 5 such tags, an http(s)
   * icon URL naming a host that is not an IP address or localhost), or the application does not
   * start.
   */
  public static class Discovery {
    /** The service's name. */
    private String serviceName;

    /** Topical tags. */
    private List<String> tags = new ArrayList<>();

    /** An icon's URL. */
    private String iconUrl;

    public String getServiceName() {
      return serviceName;
    }

    public void setServiceName(String serviceName) {
      this.serviceName = serviceName;
    }

    public List<String> getTags() {
      return tags;
    }

    public void setTags(List<String> tags) {
      this.tags = tags;
    }

    public String getIconUrl() {
      return iconUrl;
    }

    public void setIconUrl(String iconUrl) {
      this.iconUrl = iconUrl;
    }
  }

  /** The pending-settlement settings. */
  public static class Pending {
    /** {@code wait} (the default) or {@code release}. */
    private String policy = "wait";

    /** How long to keep asking the facilitator. */
    private Duration wait = Duration.ofSeconds(20);

    /** How often to ask. */
    private Duration poll = Duration.ofSeconds(2);

    public String getPolicy() {
      return policy;
    }

    public void setPolicy(String policy) {
      this.policy = policy;
    }

    public Duration getWait() {
      return wait;
    }

    public void setWait(Duration wait) {
      this.wait = wait;
    }

    public Duration getPoll() {
      return poll;
    }

    public void setPoll(Duration poll) {
      this.poll = poll;
    }
  }

  /**
   * How exact EVM routes are paid: {@code eip3009} (default) or {@code permit2} (any ERC-20,
   * through Permit2); upto routes always use Permit2.
   */
  private String assetTransferMethod = "eip3009";

  public String getAssetTransferMethod() {
    return assetTransferMethod;
  }

  public void setAssetTransferMethod(String assetTransferMethod) {
    this.assetTransferMethod = assetTransferMethod;
  }

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getFacilitatorUrl() {
    return facilitatorUrl;
  }

  public void setFacilitatorUrl(String facilitatorUrl) {
    this.facilitatorUrl = facilitatorUrl;
  }

  public String getFacilitatorToken() {
    return facilitatorToken;
  }

  public void setFacilitatorToken(String facilitatorToken) {
    this.facilitatorToken = facilitatorToken;
  }

  public String getNetwork() {
    return network;
  }

  public void setNetwork(String network) {
    this.network = network;
  }

  public String getPayTo() {
    return payTo;
  }

  public void setPayTo(String payTo) {
    this.payTo = payTo;
  }

  public String getAsset() {
    return asset;
  }

  public void setAsset(String asset) {
    this.asset = asset;
  }

  public Integer getAssetDecimals() {
    return assetDecimals;
  }

  public void setAssetDecimals(Integer assetDecimals) {
    this.assetDecimals = assetDecimals;
  }

  public String getAssetName() {
    return assetName;
  }

  public void setAssetName(String assetName) {
    this.assetName = assetName;
  }

  public String getAssetVersion() {
    return assetVersion;
  }

  public void setAssetVersion(String assetVersion) {
    this.assetVersion = assetVersion;
  }

  public int getMaxTimeoutSeconds() {
    return maxTimeoutSeconds;
  }

  public void setMaxTimeoutSeconds(int maxTimeoutSeconds) {
    this.maxTimeoutSeconds = maxTimeoutSeconds;
  }

  public int getMaxBufferedBytes() {
    return maxBufferedBytes;
  }

  public void setMaxBufferedBytes(int maxBufferedBytes) {
    this.maxBufferedBytes = maxBufferedBytes;
  }

  public Duration getHoldLimit() {
    return holdLimit;
  }

  public void setHoldLimit(Duration holdLimit) {
    this.holdLimit = holdLimit;
  }

  public int getFilterOrder() {
    return filterOrder;
  }

  public void setFilterOrder(int filterOrder) {
    this.filterOrder = filterOrder;
  }

  public Paywall getPaywall() {
    return paywall;
  }

  public Pending getPending() {
    return pending;
  }

  public Discovery getDiscovery() {
    return discovery;
  }

  public List<Route> getRoutes() {
    return routes;
  }

  public void setRoutes(List<Route> routes) {
    this.routes = routes;
  }

  public List<Offer> getAlsoAccept() {
    return alsoAccept;
  }

  public void setAlsoAccept(List<Offer> alsoAccept) {
    this.alsoAccept = alsoAccept;
  }
}
