package io.x402j.facilitator;

import io.x402j.config.ConfigSection;
import io.x402j.core.Network;
import io.x402j.evm.EvmAddress;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a facilitator deployment needs, immutable: where to listen, the ledger, access
 * control, limits, and per network the RPC endpoints, gas-paying signers, accepted tokens and gas,
 * fee and waiting limits.
 *
 * <p>Secrets never sit in the configuration itself: signer keys are named by environment variable
 * or keystore file, the bearer token by environment variable, and any string may refer to an
 * environment variable as {@code ${NAME}} (an RPC URL with an API key, a database URL).
 *
 * @param host the address to listen on
 * @param port the port
 * @param database the ledger's JDBC URL ({@code jdbc:sqlite:…} or {@code jdbc:postgresql:…})
 * @param bearerTokenEnv the environment variable holding the API token, or {@code null} for none
 * @param settlesPerSecond the global settlement rate limit, 0 for none
 * @param settlesPerPayerPerMinute the per-payer settlement rate limit, 0 for none
 * @param verifiesPerSecond the global verification rate limit, 0 for none (the default)
 * @param verifiesPerPayerPerMinute the per-payer verification rate limit, 0 for none (the default)
 * @param denylist a denylist file, or {@code null}
 * @param revertBan when a payer whose settlements revert on chain is suspended
 * @param maxBodyBytes the largest request body
 * @param reconcileInterval how often pending settlements are resolved against the chain
 * @param claimLease how long a claim without a broadcast protects a payment from being taken over
 * @param networks the networks served
 * @param builderCode the facilitator's ERC-8021 wallet code {@code w} written into every EVM
 *     settlement's calldata ({@code builder-code}), or {@code null}
 * @param builderServiceCode the facilitator's own service code added to {@code s}, or {@code null}
 * @param discovery the Bazaar discovery catalog's settings, or {@code null} to keep no catalog
 * @param admin the operations console's listener, or {@code null} for none
 */
public record FacilitatorConfig(
    String host,
    int port,
    String database,
    String bearerTokenEnv,
    double settlesPerSecond,
    double settlesPerPayerPerMinute,
    double verifiesPerSecond,
    double verifiesPerPayerPerMinute,
    Path denylist,
    RevertBan.Policy revertBan,
    int maxBodyBytes,
    Duration reconcileInterval,
    Duration claimLease,
    List<NetworkSettings> networks,
    String builderCode,
    String builderServiceCode,
    DiscoveryCatalog.Settings discovery,
    AdminSettings admin) {

  /** The default address to listen on: this machine only. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  /** The default port. */
  public static final int DEFAULT_PORT = 4022;

  /** The default ledger. */
  public static final String DEFAULT_DATABASE = "jdbc:sqlite:x402j-ledger.db";

  /** The default request body limit, 64 KiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

  /** The default interval between reconciliations. */
  public static final Duration DEFAULT_RECONCILE_INTERVAL = Duration.ofSeconds(30);

  /** The default claim lease. */
  public static final Duration DEFAULT_CLAIM_LEASE = Duration.ofSeconds(30);

  /** Validates the settings. */
  public FacilitatorConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(reconcileInterval, "reconcileInterval");
    Objects.requireNonNull(claimLease, "claimLease");
    Objects.requireNonNull(revertBan, "revertBan");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    for (double rate :
        new double[] {
          settlesPerSecond, settlesPerPayerPerMinute, verifiesPerSecond, verifiesPerPayerPerMinute
        }) {
      if (!(rate >= 0) || Double.isInfinite(rate)) {
        throw new IllegalArgumentException("rate limits must be finite and not negative");
      }
    }
    if (maxBodyBytes < 1024) {
      throw new IllegalArgumentException("maxBodyBytes must be at least 1024, got " + maxBodyBytes);
    }
    if (reconcileInterval.isNegative() || reconcileInterval.isZero()) {
      throw new IllegalArgumentException("reconcileInterval must be positive");
    }
    if (builderCode != null) {
      io.x402j.core.extensions.BuilderCode.requireCode(builderCode, "builderCode");
    }
    if (builderServiceCode != null) {
      io.x402j.core.extensions.BuilderCode.requireCode(builderServiceCode, "builderServiceCode");
    }
    if (claimLease.isNegative() || claimLease.isZero()) {
      throw new IllegalArgumentException("claimLease must be positive");
    }
    networks = List.copyOf(networks);
    if (networks.isEmpty()) {
      throw new IllegalArgumentException("configure at least one network");
    }
    if (networks.stream().map(NetworkSettings::network).distinct().count() != networks.size()) {
      throw new IllegalArgumentException("a network is configured twice");
    }
  }

  /**
   * The operations console: its own listener, never the public port (see {@link
   * io.x402j.jetty.AdminServer} for its rules).
   *
   * @param port the port (0 picks a free one)
   * @param bind the address to bind; loopback ({@value #DEFAULT_HOST}) unless a password is given
   * @param passwordEnv the environment variable holding the password every request must carry, or
   *     {@code null} for none (loopback only)
   * @param lowBalance per network family ({@code eip155}, {@code solana}) the native balance in
   *     whole units (ETH, SOL) under which the console flags a signer
   */
  public record AdminSettings(
      int port, String bind, String passwordEnv, Map<String, BigDecimal> lowBalance) {
    /** The low-balance warnings unless configured: 0.01 ETH, 0.05 SOL. */
    public static final Map<String, BigDecimal> DEFAULT_LOW_BALANCE =
        Map.of("eip155", new BigDecimal("0.01"), "solana", new BigDecimal("0.05"));

    /** Validates the settings. */
    public AdminSettings {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("admin port must be 0..65535, got " + port);
      }
      bind = bind == null ? DEFAULT_HOST : bind;
      if (passwordEnv != null && passwordEnv.isBlank()) {
        throw new IllegalArgumentException("admin passwordEnv must name a variable");
      }
      java.util.Map<String, BigDecimal> merged = new java.util.TreeMap<>(DEFAULT_LOW_BALANCE);
      if (lowBalance != null) {
        lowBalance.forEach(
            (family, amount) -> {
              if (amount == null || amount.signum() < 0) {
                throw new IllegalArgumentException(
                    "admin lowBalance." + family + " must be a balance of 0 or more");
              }
              merged.put(family, amount);
            });
      }
      lowBalance = Map.copyOf(merged);
    }

    /** A console on {@code port}, loopback only, no password, the default warnings. */
    public static AdminSettings loopback(int port) {
      return new AdminSettings(port, DEFAULT_HOST, null, Map.of());
    }
  }

  /**
   * Where keys come from: an environment variable with one or more hex keys separated by commas, or
   * an encrypted JSON keystore whose password is in an environment variable.
   *
   * @param env the variable holding hex keys, or {@code null}
   * @param keystore the keystore file, or {@code null}
   * @param passwordEnv the variable holding the keystore password
   */
  public record SignerSource(String env, Path keystore, String passwordEnv) {
    /** Requires exactly one source. */
    public SignerSource {
      if ((env == null) == (keystore == null)) {
        throw new IllegalArgumentException("a signer needs either env or keystore");
      }
      if (keystore != null && passwordEnv == null) {
        throw new IllegalArgumentException("keystore " + keystore + " needs passwordEnv");
      }
    }
  }

  /**
   * One network served.
   *
   * @param network the CAIP-2 network
   * @param rpcUrls the JSON-RPC endpoints, the first preferred
   * @param signers where the gas-paying keys come from
   * @param assets the tokens accepted; empty means the network's default USDC
   * @param receiptTimeout how long to wait for a receipt, or {@code null} for the network's default
   * @param pollInterval how often to poll receipts, or {@code null} for a quarter block
   * @param maxFeePerGasWei the fee cap in wei, or {@code null} for the default (200 gwei)
   * @param gasLimitCap the per-transaction gas cap, or {@code null} for the default
   * @param blockTime the block time for networks the registry does not know, or {@code null}
   * @param v1Name a protocol v1 name for networks the registry does not know, or {@code null}
   * @param rpcBatchSize the most JSON-RPC calls sent in one request when concurrent reads are
   *     coalesced (1 turns coalescing off), or {@code null} for the default (48)
   * @param mints the Solana mints accepted (base58), for {@code solana:} networks; empty means the
   *     network's default USDC (or any mint where x402j knows none)
   * @param maxComputeUnitPrice Solana: the highest compute-unit price accepted in µlamports, or
   *     {@code null} for the official cap (5,000,000)
   * @param maxComputeUnits Solana: the highest compute-unit limit accepted, or {@code null} for no
   *     cap (as the official facilitator)
   * @param maxPriorityFeeLamports Solana: the highest priority fee (compute-unit limit times price,
   *     in lamports) the fee payer sponsors, or {@code null} for the default (100,000 lamports)
   * @param eip6492AllowedFactories EVM: the factories through which counterfactual smart wallets
   *     (ERC-6492 signatures) may be deployed at settlement, at the facilitator's gas cost; empty
   *     (the default) refuses such payments with {@code eip6492_factory_not_allowed}
   */
  public record NetworkSettings(
      Network network,
      List<String> rpcUrls,
      List<SignerSource> signers,
      List<EvmAddress> assets,
      Duration receiptTimeout,
      Duration pollInterval,
      BigInteger maxFeePerGasWei,
      Long gasLimitCap,
      Duration blockTime,
      String v1Name,
      Integer rpcBatchSize,
      List<String> mints,
      Long maxComputeUnitPrice,
      Long maxComputeUnits,
      Long maxPriorityFeeLamports,
      List<EvmAddress> eip6492AllowedFactories) {
    /** Validates the settings. */
    public NetworkSettings {
      mints = mints == null ? List.of() : List.copyOf(mints);
      eip6492AllowedFactories =
          eip6492AllowedFactories == null ? List.of() : List.copyOf(eip6492AllowedFactories);
      boolean solana = Network.SOLANA.equals(network == null ? null : network.namespace());
      if (!solana
          && (!mints.isEmpty()
              || maxComputeUnitPrice != null
              || maxComputeUnits != null
              || maxPriorityFeeLamports != null)) {
        throw new IllegalArgumentException(
            "network "
                + network
                + ": mints, compute-unit and priority-fee caps are for Solana networks only");
      }
      if (solana && !eip6492AllowedFactories.isEmpty()) {
        throw new IllegalArgumentException(
            "network " + network + ": eip6492AllowedFactories is for EVM networks only");
      }
      if (solana && !assets.isEmpty()) {
        throw new IllegalArgumentException(
            "network " + network + ": a Solana network lists mints, not EVM token addresses");
      }
      if (maxComputeUnitPrice != null && maxComputeUnitPrice < 0) {
        throw new IllegalArgumentException("maxComputeUnitPrice must not be negative");
      }
      if (maxComputeUnits != null && (maxComputeUnits < 1 || maxComputeUnits > 0xFFFF_FFFFL)) {
        throw new IllegalArgumentException("maxComputeUnits must be between 1 and 4294967295");
      }
      if (maxPriorityFeeLamports != null && maxPriorityFeeLamports < 0) {
        throw new IllegalArgumentException("maxPriorityFeeLamports must not be negative");
      }
      if (rpcBatchSize != null && (rpcBatchSize < 1 || rpcBatchSize > 1000)) {
        throw new IllegalArgumentException(
            "rpcBatchSize must be between 1 and 1000, got " + rpcBatchSize);
      }
      Objects.requireNonNull(network, "network");
      rpcUrls = List.copyOf(rpcUrls);
      signers = List.copyOf(signers);
      assets = List.copyOf(assets);
      if (rpcUrls.isEmpty()) {
        throw new IllegalArgumentException("network " + network + " needs at least one rpcUrl");
      }
      if (signers.isEmpty()) {
        throw new IllegalArgumentException("network " + network + " needs at least one signer");
      }
    }

    /** The settings as before {@code eip6492AllowedFactories} existed (none allowed). */
    public NetworkSettings(
        Network network,
        List<String> rpcUrls,
        List<SignerSource> signers,
        List<EvmAddress> assets,
        Duration receiptTimeout,
        Duration pollInterval,
        BigInteger maxFeePerGasWei,
        Long gasLimitCap,
        Duration blockTime,
        String v1Name,
        Integer rpcBatchSize,
        List<String> mints,
        Long maxComputeUnitPrice,
        Long maxComputeUnits,
        Long maxPriorityFeeLamports) {
      this(
          network,
          rpcUrls,
          signers,
          assets,
          receiptTimeout,
          pollInterval,
          maxFeePerGasWei,
          gasLimitCap,
          blockTime,
          v1Name,
          rpcBatchSize,
          mints,
          maxComputeUnitPrice,
          maxComputeUnits,
          maxPriorityFeeLamports,
          List.of());
    }

    /** A builder for {@code network}; give it RPC URLs and signers, the rest has defaults. */
    public static Builder builder(Network network) {
      return new Builder(network);
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
      Builder b = new Builder(network);
      b.rpcUrls.addAll(rpcUrls);
      b.signers.addAll(signers);
      b.assets.addAll(assets);
      b.receiptTimeout = receiptTimeout;
      b.pollInterval = pollInterval;
      b.maxFeePerGasWei = maxFeePerGasWei;
      b.gasLimitCap = gasLimitCap;
      b.blockTime = blockTime;
      b.v1Name = v1Name;
      b.rpcBatchSize = rpcBatchSize;
      b.mints.addAll(mints);
      b.maxComputeUnitPrice = maxComputeUnitPrice;
      b.maxComputeUnits = maxComputeUnits;
      b.maxPriorityFeeLamports = maxPriorityFeeLamports;
      b.eip6492AllowedFactories.addAll(eip6492AllowedFactories);
      return b;
    }

    /** Builds {@link NetworkSettings}; each setter documents its field on the record. */
    public static final class Builder {
      private final Network network;
      private final List<String> rpcUrls = new ArrayList<>();
      private final List<SignerSource> signers = new ArrayList<>();
      private final List<EvmAddress> assets = new ArrayList<>();
      private Duration receiptTimeout;
      private Duration pollInterval;
      private BigInteger maxFeePerGasWei;
      private Long gasLimitCap;
      private Duration blockTime;
      private String v1Name;
      private Integer rpcBatchSize;
      private final List<String> mints = new ArrayList<>();
      private Long maxComputeUnitPrice;
      private Long maxComputeUnits;
      private Long maxPriorityFeeLamports;
      private final List<EvmAddress> eip6492AllowedFactories = new ArrayList<>();

      private Builder(Network network) {
        this.network = Objects.requireNonNull(network, "network");
      }

      /** Adds a JSON-RPC endpoint; the first added is preferred, the others are fallbacks. */
      public Builder rpcUrl(String url) {
        rpcUrls.add(Objects.requireNonNull(url, "url"));
        return this;
      }

      /** Replaces the JSON-RPC endpoints. */
      public Builder rpcUrls(List<String> urls) {
        rpcUrls.clear();
        rpcUrls.addAll(urls);
        return this;
      }

      /** Adds gas-paying keys read from an environment variable (hex, comma-separated). */
      public Builder signersFromEnv(String variable) {
        signers.add(new SignerSource(variable, null, null));
        return this;
      }

      /** Adds a source of gas-paying keys. */
      public Builder signer(SignerSource source) {
        signers.add(Objects.requireNonNull(source, "source"));
        return this;
      }

      /** Accepts a token; without any, the network's default USDC. */
      public Builder asset(EvmAddress asset) {
        assets.add(Objects.requireNonNull(asset, "asset"));
        return this;
      }

      /** See {@link NetworkSettings#receiptTimeout()}. */
      public Builder receiptTimeout(Duration timeout) {
        this.receiptTimeout = timeout;
        return this;
      }

      /** See {@link NetworkSettings#pollInterval()}. */
      public Builder pollInterval(Duration interval) {
        this.pollInterval = interval;
        return this;
      }

      /** See {@link NetworkSettings#maxFeePerGasWei()}. */
      public Builder maxFeePerGasWei(BigInteger wei) {
        this.maxFeePerGasWei = wei;
        return this;
      }

      /** See {@link NetworkSettings#gasLimitCap()}. */
      public Builder gasLimitCap(Long gas) {
        this.gasLimitCap = gas;
        return this;
      }

      /** See {@link NetworkSettings#blockTime()}. */
      public Builder blockTime(Duration blockTime) {
        this.blockTime = blockTime;
        return this;
      }

      /** See {@link NetworkSettings#v1Name()}. */
      public Builder v1Name(String name) {
        this.v1Name = name;
        return this;
      }

      /** Accepts a Solana mint (base58); see {@link NetworkSettings#mints()}. */
      public Builder mint(String mint) {
        mints.add(Objects.requireNonNull(mint, "mint"));
        return this;
      }

      /** See {@link NetworkSettings#maxComputeUnitPrice()}. */
      public Builder maxComputeUnitPrice(Long microLamports) {
        this.maxComputeUnitPrice = microLamports;
        return this;
      }

      /** See {@link NetworkSettings#maxComputeUnits()}. */
      public Builder maxComputeUnits(Long units) {
        this.maxComputeUnits = units;
        return this;
      }

      /** See {@link NetworkSettings#maxPriorityFeeLamports()}. */
      public Builder maxPriorityFeeLamports(Long lamports) {
        this.maxPriorityFeeLamports = lamports;
        return this;
      }

      /** Allows an ERC-6492 factory; see {@link NetworkSettings#eip6492AllowedFactories()}. */
      public Builder allowEip6492Factory(EvmAddress factory) {
        eip6492AllowedFactories.add(Objects.requireNonNull(factory, "factory"));
        return this;
      }

      /** See {@link NetworkSettings#rpcBatchSize()}. */
      public Builder rpcBatchSize(Integer calls) {
        this.rpcBatchSize = calls;
        return this;
      }

      /**
       * The settings.
       *
       * @throws IllegalArgumentException without an RPC URL or a signer
       */
      public NetworkSettings build() {
        return new NetworkSettings(
            network,
            rpcUrls,
            signers,
            assets,
            receiptTimeout,
            pollInterval,
            maxFeePerGasWei,
            gasLimitCap,
            blockTime,
            v1Name,
            rpcBatchSize,
            mints,
            maxComputeUnitPrice,
            maxComputeUnits,
            maxPriorityFeeLamports,
            eip6492AllowedFactories);
      }
    }
  }

  /** A builder with the defaults: 127.0.0.1:4022, a SQLite ledger in the working directory. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.host = host;
    b.port = port;
    b.database = database;
    b.bearerTokenEnv = bearerTokenEnv;
    b.settlesPerSecond = settlesPerSecond;
    b.settlesPerPayerPerMinute = settlesPerPayerPerMinute;
    b.verifiesPerSecond = verifiesPerSecond;
    b.verifiesPerPayerPerMinute = verifiesPerPayerPerMinute;
    b.denylist = denylist;
    b.revertBan = revertBan;
    b.maxBodyBytes = maxBodyBytes;
    b.reconcileInterval = reconcileInterval;
    b.claimLease = claimLease;
    b.networks.addAll(networks);
    b.builderCode = builderCode;
    b.builderServiceCode = builderServiceCode;
    b.discovery = discovery;
    b.admin = admin;
    return b;
  }

  /** Builds a {@link FacilitatorConfig}; each setter documents its field on the record. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private String database = DEFAULT_DATABASE;
    private String bearerTokenEnv;
    private double settlesPerSecond;
    private double settlesPerPayerPerMinute;
    private double verifiesPerSecond;
    private double verifiesPerPayerPerMinute;
    private Path denylist;
    private RevertBan.Policy revertBan = RevertBan.Policy.DEFAULT;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private Duration reconcileInterval = DEFAULT_RECONCILE_INTERVAL;
    private Duration claimLease = DEFAULT_CLAIM_LEASE;
    private final List<NetworkSettings> networks = new ArrayList<>();
    private String builderCode;
    private String builderServiceCode;
    private DiscoveryCatalog.Settings discovery = DiscoveryCatalog.Settings.DEFAULT;
    private AdminSettings admin;

    private Builder() {}

    /** See {@link FacilitatorConfig#admin()}; {@code null} (the default) runs no console. */
    public Builder admin(AdminSettings settings) {
      this.admin = settings;
      return this;
    }

    /**
     * See {@link FacilitatorConfig#builderCode()} and {@link
     * FacilitatorConfig#builderServiceCode()}; either may be {@code null}.
     */
    public Builder builderCodes(String walletCode, String serviceCode) {
      this.builderCode = walletCode;
      this.builderServiceCode = serviceCode;
      return this;
    }

    /** See {@link FacilitatorConfig#host()}. */
    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /** See {@link FacilitatorConfig#port()}; 0 picks a free port. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** See {@link FacilitatorConfig#database()}. */
    public Builder database(String jdbcUrl) {
      this.database = jdbcUrl;
      return this;
    }

    /** See {@link FacilitatorConfig#bearerTokenEnv()}. */
    public Builder bearerTokenEnv(String variable) {
      this.bearerTokenEnv = variable;
      return this;
    }

    /** Settlement rate limits, globally per second and per payer per minute; 0 for none. */
    public Builder settleRateLimits(double perSecond, double perPayerPerMinute) {
      this.settlesPerSecond = perSecond;
      this.settlesPerPayerPerMinute = perPayerPerMinute;
      return this;
    }

    /** Verification rate limits, globally per second and per payer per minute; 0 for none. */
    public Builder verifyRateLimits(double perSecond, double perPayerPerMinute) {
      this.verifiesPerSecond = perSecond;
      this.verifiesPerPayerPerMinute = perPayerPerMinute;
      return this;
    }

    /** See {@link FacilitatorConfig#revertBan()} (default {@link RevertBan.Policy#DEFAULT}). */
    public Builder revertBan(RevertBan.Policy policy) {
      this.revertBan = policy;
      return this;
    }

    /** See {@link FacilitatorConfig#denylist()}. */
    public Builder denylist(Path file) {
      this.denylist = file;
      return this;
    }

    /** See {@link FacilitatorConfig#maxBodyBytes()}. */
    public Builder maxBodyBytes(int bytes) {
      this.maxBodyBytes = bytes;
      return this;
    }

    /** See {@link FacilitatorConfig#reconcileInterval()}. */
    public Builder reconcileInterval(Duration interval) {
      this.reconcileInterval = interval;
      return this;
    }

    /** See {@link FacilitatorConfig#claimLease()}. */
    public Builder claimLease(Duration lease) {
      this.claimLease = lease;
      return this;
    }

    /**
     * See {@link FacilitatorConfig#discovery()} (default {@link
     * DiscoveryCatalog.Settings#DEFAULT}); {@code null} keeps no catalog.
     */
    public Builder discovery(DiscoveryCatalog.Settings settings) {
      this.discovery = settings;
      return this;
    }

    /** Serves a network. */
    public Builder network(NetworkSettings settings) {
      networks.add(Objects.requireNonNull(settings, "settings"));
      return this;
    }

    /** Replaces the networks. */
    public Builder networks(List<NetworkSettings> settings) {
      networks.clear();
      networks.addAll(settings);
      return this;
    }

    /**
     * The configuration.
     *
     * @throws IllegalArgumentException naming what is invalid
     */
    public FacilitatorConfig build() {
      return new FacilitatorConfig(
          host,
          port,
          database,
          bearerTokenEnv,
          settlesPerSecond,
          settlesPerPayerPerMinute,
          verifiesPerSecond,
          verifiesPerPayerPerMinute,
          denylist,
          revertBan,
          maxBodyBytes,
          reconcileInterval,
          claimLease,
          networks,
          builderCode,
          builderServiceCode,
          discovery,
          admin);
    }
  }

  /**
   * Reads a configuration file (YAML, or JSON, which is YAML too), substituting {@code ${NAME}}
   * from {@code env}. The values follow {@link SettingRules}.
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException ({@link io.x402j.config.ConfigException}) naming the setting
   *     that is missing, unknown or invalid, and quoting its value
   */
  public static FacilitatorConfig load(Path file, Map<String, String> env) throws IOException {
    return FacilitatorConfigFile.read(ConfigSection.load(file, env));
  }
}
