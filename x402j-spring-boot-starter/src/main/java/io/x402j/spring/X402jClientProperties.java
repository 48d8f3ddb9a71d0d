package io.x402j.spring;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code x402j.client.*} settings: the buyer side of the starter, which gives the application a
 * paying {@code RestClient.Builder} (and {@code WebClient.Builder}) bean. The key is never a
 * property: {@link #keyEnv} names the environment variable (or any Spring property source) holding
 * it, or {@link #keystore} an encrypted keystore whose password is in {@link #passwordEnv}.
 */
@ConfigurationProperties(prefix = "x402j.client")
public class X402jClientProperties {
  /** Whether the paying clients are configured (off unless set). */
  private boolean enabled;

  /**
   * Whether Spring Boot's {@code RestClient.Builder} and {@code WebClient.Builder} beans are
   * replaced by paying ones (default). With {@code false} only the {@code Payer} is configured, and
   * the application adds {@code X402ClientHttpRequestInterceptor} / {@code
   * X402ExchangeFilterFunction} to the clients that should pay — so no other client of the
   * application pays a 402 it happens to meet.
   */
  private boolean payingBuilders = true;

  /** The environment variable holding the hex private key. */
  private String keyEnv = "X402J_PRIVATE_KEY";

  /** An encrypted JSON keystore instead of {@link #keyEnv}. */
  private Path keystore;

  /** The environment variable holding the keystore's password. */
  private String passwordEnv;

  /**
   * The most to pay per payment: dollars such as {@code $0.50} (USD stablecoins only), atomic units
   * such as {@code 100000} (any token), or {@code unlimited}.
   */
  private String maxPerPayment = "$0.10";

  /** The most to pay within {@link #budgetWindow}, in dollars such as {@code $5}; needs a log. */
  private String budget;

  /** The window of {@link #budget}. */
  private Duration budgetWindow = Duration.ofHours(24);

  /** Budgets per host that answered the 402. */
  private List<HostBudget> hostBudgets = new ArrayList<>();

  /** A file to record payments in, so budgets hold across restarts. */
  private Path spendLog;

  /** Pay only on these networks (CAIP-2 or v1 names). */
  private List<String> onlyNetworks = new ArrayList<>();

  /** Pay on these networks first. */
  private List<String> preferNetworks = new ArrayList<>();

  /** The longest a signed payment stays valid, whatever the server asks. */
  private Duration maxAuthorizationLifetime = Duration.ofHours(1);

  /** The largest request body sent again with a payment, in bytes. */
  private int maxRequestBytes = 10 * 1024 * 1024;

  /** Networks and tokens besides the built-in ones, and EVM nodes ({@code rpc-url}). */
  private List<NetworkEntry> networks = new ArrayList<>();

  /** A per-host budget. */
  public static class HostBudget {
    /** The host, e.g. {@code api.example.com}. */
    private String host;

    /** The most to pay that host within {@link #window}, e.g. {@code $1}. */
    private String budget;

    /** The window. */
    private Duration window = Duration.ofHours(24);

    public String getHost() {
      return host;
    }

    public void setHost(String host) {
      this.host = host;
    }

    public String getBudget() {
      return budget;
    }

    public void setBudget(String budget) {
      this.budget = budget;
    }

    public Duration getWindow() {
      return window;
    }

    public void setWindow(Duration window) {
      this.window = window;
    }
  }

  /** A network as {@code x402j pay --networks FILE} describes one. */
  public static class NetworkEntry {
    /** CAIP-2, e.g. {@code eip155:31337}. */
    private String network;

    /** A display name. */
    private String name;

    /** The name protocol v1 uses, e.g. {@code base-sepolia}. */
    private String v1Name;

    /** Whether it is a test network. */
    private boolean testnet;

    /**
     * A JSON-RPC node of this EVM chain, for on-chain checks of {@code upto} receipts; may hold a
     * provider key (never logged).
     */
    private String rpcUrl;

    /** Its tokens, the first being its default. */
    private List<AssetEntry> assets = new ArrayList<>();

    public String getNetwork() {
      return network;
    }

    public void setNetwork(String network) {
      this.network = network;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public String getV1Name() {
      return v1Name;
    }

    public void setV1Name(String v1Name) {
      this.v1Name = v1Name;
    }

    public boolean isTestnet() {
      return testnet;
    }

    public void setTestnet(boolean testnet) {
      this.testnet = testnet;
    }

    public String getRpcUrl() {
      return rpcUrl;
    }

    public void setRpcUrl(String rpcUrl) {
      this.rpcUrl = rpcUrl;
    }

    public List<AssetEntry> getAssets() {
      return assets;
    }

    public void setAssets(List<AssetEntry> assets) {
      this.assets = assets;
    }
  }

  /** A token of a {@link NetworkEntry}. */
  public static class AssetEntry {
    private String address;
    private String symbol;
    private int decimals = 6;
    private String eip712Name;
    private String eip712Version;
    private boolean usdStablecoin;

    public String getAddress() {
      return address;
    }

    public void setAddress(String address) {
      this.address = address;
    }

    public String getSymbol() {
      return symbol;
    }

    public void setSymbol(String symbol) {
      this.symbol = symbol;
    }

    public int getDecimals() {
      return decimals;
    }

    public void setDecimals(int decimals) {
      this.decimals = decimals;
    }

    public String getEip712Name() {
      return eip712Name;
    }

    public void setEip712Name(String eip712Name) {
      this.eip712Name = eip712Name;
    }

    public String getEip712Version() {
      return eip712Version;
    }

    public void setEip712Version(String eip712Version) {
      this.eip712Version = eip712Version;
    }

    public boolean isUsdStablecoin() {
      return usdStablecoin;
    }

    public void setUsdStablecoin(boolean usdStablecoin) {
      this.usdStablecoin = usdStablecoin;
    }
  }

  public boolean isPayingBuilders() {
    return payingBuilders;
  }

  public void setPayingBuilders(boolean payingBuilders) {
    this.payingBuilders = payingBuilders;
  }

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getKeyEnv() {
    return keyEnv;
  }

  public void setKeyEnv(String keyEnv) {
    this.keyEnv = keyEnv;
  }

  public Path getKeystore() {
    return keystore;
  }

  public void setKeystore(Path keystore) {
    this.keystore = keystore;
  }

  public String getPasswordEnv() {
    return passwordEnv;
  }

  public void setPasswordEnv(String passwordEnv) {
    this.passwordEnv = passwordEnv;
  }

  public String getMaxPerPayment() {
    return maxPerPayment;
  }

  public void setMaxPerPayment(String maxPerPayment) {
    this.maxPerPayment = maxPerPayment;
  }

  public String getBudget() {
    return budget;
  }

  public void setBudget(String budget) {
    this.budget = budget;
  }

  public Duration getBudgetWindow() {
    return budgetWindow;
  }

  public void setBudgetWindow(Duration budgetWindow) {
    this.budgetWindow = budgetWindow;
  }

  public List<HostBudget> getHostBudgets() {
    return hostBudgets;
  }

  public void setHostBudgets(List<HostBudget> hostBudgets) {
    this.hostBudgets = hostBudgets;
  }

  public Path getSpendLog() {
    return spendLog;
  }

  public void setSpendLog(Path spendLog) {
    this.spendLog = spendLog;
  }

  public List<String> getOnlyNetworks() {
    return onlyNetworks;
  }

  public void setOnlyNetworks(List<String> onlyNetworks) {
    this.onlyNetworks = onlyNetworks;
  }

  public List<String> getPreferNetworks() {
    return preferNetworks;
  }

  public void setPreferNetworks(List<String> preferNetworks) {
    this.preferNetworks = preferNetworks;
  }

  public Duration getMaxAuthorizationLifetime() {
    return maxAuthorizationLifetime;
  }

  public void setMaxAuthorizationLifetime(Duration maxAuthorizationLifetime) {
    this.maxAuthorizationLifetime = maxAuthorizationLifetime;
  }

  public int getMaxRequestBytes() {
    return maxRequestBytes;
  }

  public void setMaxRequestBytes(int maxRequestBytes) {
    this.maxRequestBytes = maxRequestBytes;
  }

  public List<NetworkEntry> getNetworks() {
    return networks;
  }

  public void setNetworks(List<NetworkEntry> networks) {
    this.networks = networks;
  }
}
