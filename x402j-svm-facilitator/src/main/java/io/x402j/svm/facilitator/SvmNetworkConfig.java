package io.x402j.svm.facilitator;

import io.x402j.core.Network;
import io.x402j.svm.SolanaAddress;
import io.x402j.svm.SvmSigner;
import io.x402j.svm.rpc.SolanaRpcClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One Solana network an {@link ExactSvmFacilitator} serves: its RPC node, the fee payers that
 * sponsor settlements (one or more keys; a payment names the one it uses in {@code
 * extra.feePayer}), the mints it accepts, and the caps that bound what the fee payers spend.
 *
 * <p>Defaults follow the official facilitator ({@code @x402/svm} 2.27.0): compute-unit price at
 * most 5,000,000 µlamports (5 lamports per unit), no compute-unit limit cap, confirmation by
 * polling every 250 ms for the first 2 s, then every second, for up to 30 s. x402j adds a cap of 2
 * required signatures (the client and the fee payer: the spec's signer-set integrity rule) and a
 * cap on the priority fee the fee payer pays (limit × price, default {@value
 * #DEFAULT_MAX_PRIORITY_FEE_LAMPORTS} lamports): the price cap alone lets a payment of one atomic
 * unit ask for 1.4M units at 5 lamports each, 7,000,000 lamports charged to the fee payer whether
 * the transaction succeeds or fails on chain. Immutable.
 */
public final class SvmNetworkConfig {
  /** The official cap on the compute-unit price, in µlamports per unit. */
  public static final long DEFAULT_MAX_COMPUTE_UNIT_PRICE = 5_000_000L;

  /**
   * The default cap on a payment's priority fee in lamports: the official client's 20,000 units at
   * the official price cap.
   */
  public static final long DEFAULT_MAX_PRIORITY_FEE_LAMPORTS = 100_000L;

  private final Network network;
  private final SolanaRpcClient rpc;
  private final List<SvmSigner> feePayers;
  private final Map<SolanaAddress, SvmSigner> byAddress;
  private final Set<SolanaAddress> assets;
  private final long maxComputeUnitPrice;
  private final Long maxComputeUnits;
  private final long maxPriorityFeeLamports;
  private final int maxRequiredSignatures;
  private final Duration confirmTimeout;
  private final Duration fastPoll;
  private final Duration fastPollFor;
  private final Duration slowPoll;

  private SvmNetworkConfig(Builder b) {
    this.network = b.network;
    this.rpc = b.rpc;
    if (b.feePayers.isEmpty()) {
      throw new IllegalArgumentException("network " + network + " needs at least one fee payer");
    }
    Map<SolanaAddress, SvmSigner> map = new LinkedHashMap<>();
    for (SvmSigner signer : b.feePayers) {
      if (map.put(signer.address(), signer) != null) {
        throw new IllegalArgumentException(
            "fee payer " + signer.address() + " is configured twice on " + network);
      }
    }
    this.feePayers = List.copyOf(b.feePayers);
    this.byAddress = Map.copyOf(map);
    this.assets = Set.copyOf(b.assets);
    this.maxComputeUnitPrice = b.maxComputeUnitPrice;
    this.maxComputeUnits = b.maxComputeUnits;
    this.maxPriorityFeeLamports = b.maxPriorityFeeLamports;
    this.maxRequiredSignatures = b.maxRequiredSignatures;
    this.confirmTimeout = b.confirmTimeout;
    this.fastPoll = b.fastPoll;
    this.fastPollFor = b.fastPollFor;
    this.slowPoll = b.slowPoll;
  }

  /**
   * Starts the configuration of {@code network} (a {@code solana:} CAIP-2 network) over {@code
   * rpc}.
   */
  public static Builder builder(Network network, SolanaRpcClient rpc) {
    return new Builder(network, rpc);
  }

  /** The network. */
  public Network network() {
    return network;
  }

  /** The RPC client. */
  public SolanaRpcClient rpc() {
    return rpc;
  }

  /** The fee payers, in configuration order. */
  public List<SvmSigner> feePayers() {
    return feePayers;
  }

  /** The fee payer with {@code address}, or {@code null} when it is not one of this network's. */
  public SvmSigner feePayer(SolanaAddress address) {
    return byAddress.get(address);
  }

  /** Whether {@code address} is one of this network's fee payers. */
  public boolean isFeePayer(SolanaAddress address) {
    return byAddress.containsKey(address);
  }

  /** The mints accepted; empty accepts any mint. */
  public Set<SolanaAddress> assets() {
    return assets;
  }

  /** The highest compute-unit price accepted, in µlamports per unit. */
  public long maxComputeUnitPrice() {
    return maxComputeUnitPrice;
  }

  /** The highest compute-unit limit accepted, or {@code null} for no cap. */
  public Long maxComputeUnits() {
    return maxComputeUnits;
  }

  /**
   * The highest priority fee accepted, in lamports: the compute-unit limit times the compute-unit
   * price, in µlamports, divided by 10^6 and rounded up, as the runtime charges it.
   */
  public long maxPriorityFeeLamports() {
    return maxPriorityFeeLamports;
  }

  /** The most required signatures (header {@code numRequiredSignatures}) accepted. */
  public int maxRequiredSignatures() {
    return maxRequiredSignatures;
  }

  /** How long a settlement waits for confirmation before answering {@code settlement_pending}. */
  public Duration confirmTimeout() {
    return confirmTimeout;
  }

  /** The poll interval for the first {@link #fastPollFor()} of a confirmation. */
  public Duration fastPoll() {
    return fastPoll;
  }

  /** How long confirmation polls at {@link #fastPoll()}. */
  public Duration fastPollFor() {
    return fastPollFor;
  }

  /** The poll interval after {@link #fastPollFor()}. */
  public Duration slowPoll() {
    return slowPoll;
  }

  /** Builds an {@link SvmNetworkConfig}. */
  public static final class Builder {
    private final Network network;
    private final SolanaRpcClient rpc;
    private final List<SvmSigner> feePayers = new ArrayList<>();
    private final Set<SolanaAddress> assets = new LinkedHashSet<>();
    private long maxComputeUnitPrice = DEFAULT_MAX_COMPUTE_UNIT_PRICE;
    private Long maxComputeUnits;
    private long maxPriorityFeeLamports = DEFAULT_MAX_PRIORITY_FEE_LAMPORTS;
    private int maxRequiredSignatures = 2;
    private Duration confirmTimeout = Duration.ofSeconds(30);
    private Duration fastPoll = Duration.ofMillis(250);
    private Duration fastPollFor = Duration.ofSeconds(2);
    private Duration slowPoll = Duration.ofSeconds(1);

    private Builder(Network network, SolanaRpcClient rpc) {
      this.network = Objects.requireNonNull(network, "network");
      if (!Network.SOLANA.equals(network.namespace())) {
        throw new IllegalArgumentException(network + " is not a Solana network");
      }
      this.rpc = Objects.requireNonNull(rpc, "rpc");
    }

    /** Adds a fee payer. */
    public Builder feePayer(SvmSigner signer) {
      feePayers.add(Objects.requireNonNull(signer, "signer"));
      return this;
    }

    /** Adds fee payers. */
    public Builder feePayers(List<? extends SvmSigner> signers) {
      signers.forEach(this::feePayer);
      return this;
    }

    /** Accepts only the listed mints (by default any). */
    public Builder asset(SolanaAddress mint) {
      assets.add(Objects.requireNonNull(mint, "mint"));
      return this;
    }

    /** The highest compute-unit price accepted, in µlamports per unit (default 5,000,000). */
    public Builder maxComputeUnitPrice(long microLamports) {
      if (microLamports < 0) {
        throw new IllegalArgumentException("maxComputeUnitPrice must not be negative");
      }
      this.maxComputeUnitPrice = microLamports;
      return this;
    }

    /** The highest compute-unit limit accepted (default: no cap, as the official facilitator). */
    public Builder maxComputeUnits(long units) {
      if (units < 1 || units > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException("maxComputeUnits must be between 1 and 2^32-1");
      }
      this.maxComputeUnits = units;
      return this;
    }

    /**
     * The highest priority fee (compute-unit limit × price) accepted, in lamports (default {@value
     * SvmNetworkConfig#DEFAULT_MAX_PRIORITY_FEE_LAMPORTS}).
     */
    public Builder maxPriorityFeeLamports(long lamports) {
      if (lamports < 0) {
        throw new IllegalArgumentException("maxPriorityFeeLamports must not be negative");
      }
      this.maxPriorityFeeLamports = lamports;
      return this;
    }

    /** The most required signatures accepted (default 2: the client and the fee payer). */
    public Builder maxRequiredSignatures(int max) {
      if (max < 2) {
        throw new IllegalArgumentException("maxRequiredSignatures must be at least 2");
      }
      this.maxRequiredSignatures = max;
      return this;
    }

    /**
     * How long to wait for confirmation before answering {@code settlement_pending} (default 30 s).
     */
    public Builder confirmTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("confirmTimeout must be positive");
      }
      this.confirmTimeout = timeout;
      return this;
    }

    /**
     * The confirmation cadence: every {@code fast} for the first {@code fastFor}, then every {@code
     * slow} (default 250 ms for 2 s, then 1 s).
     */
    public Builder pollCadence(Duration fast, Duration fastFor, Duration slow) {
      if (fast.isNegative() || fast.isZero() || slow.isNegative() || slow.isZero()) {
        throw new IllegalArgumentException("poll intervals must be positive");
      }
      this.fastPoll = fast;
      this.fastPollFor = Objects.requireNonNull(fastFor, "fastFor");
      this.slowPoll = slow;
      return this;
    }

    /** Builds the configuration. */
    public SvmNetworkConfig build() {
      return new SvmNetworkConfig(this);
    }
  }
}
