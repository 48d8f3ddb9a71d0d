package io.x402j.evm.facilitator;

import io.x402j.core.Network;
import io.x402j.core.NetworkInfo;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Signer;
import io.x402j.evm.rpc.JsonRpcClient;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How a facilitator works on one EVM network: the node to talk to, the accounts that pay gas for
 * settlements (used round-robin, each with its own nonce lane), the tokens it accepts (it refuses
 * to spend gas on any other), and the limits on gas, fees and waiting. Immutable.
 */
public final class EvmNetworkConfig {
  /** The default per-transaction gas ceiling; transferWithAuthorization needs about 60,000. */
  public static final long DEFAULT_GAS_LIMIT_CAP = 250_000;

  /** The default ceiling on {@code maxFeePerGas}: 200 gwei. */
  public static final BigInteger DEFAULT_MAX_FEE_PER_GAS = BigInteger.valueOf(200_000_000_000L);

  /**
   * The default {@link Builder#approvalFundingCap}: 0.005 ETH, about an ERC-20 approve's 46,000 gas
   * at 100 gwei.
   */
  public static final BigInteger DEFAULT_APPROVAL_FUNDING_CAP =
      BigInteger.valueOf(5_000_000_000_000_000L);

  private final Network network;
  private final JsonRpcClient rpc;
  private final List<Signer> signers;
  private final Set<EvmAddress> assets;
  private final Duration receiptTimeout;
  private final Duration pollInterval;
  private final BigInteger maxFeePerGas;
  private final BigInteger maxPriorityFeePerGas;
  private final BigInteger approvalFundingCap;
  private final long gasLimitCap;
  private final Set<EvmAddress> eip6492AllowedFactories;

  private EvmNetworkConfig(Builder b) {
    if (!b.network.isEvm()) {
      throw new IllegalArgumentException("network " + b.network + " is not an EVM network");
    }
    if (b.signers.isEmpty()) {
      throw new IllegalArgumentException(
          "network " + b.network + " needs at least one signer to pay gas");
    }
    if (b.assets.isEmpty()) {
      throw new IllegalArgumentException(
          "network "
              + b.network
              + " needs at least one accepted asset: the facilitator pays gas only for tokens it was told to accept");
    }
    this.network = b.network;
    this.rpc = b.rpc;
    this.signers = List.copyOf(b.signers);
    this.assets = Set.copyOf(b.assets);
    this.receiptTimeout = b.receiptTimeout;
    this.pollInterval = b.pollInterval;
    this.maxFeePerGas = b.maxFeePerGas;
    this.maxPriorityFeePerGas = b.maxPriorityFeePerGas;
    this.approvalFundingCap = b.approvalFundingCap;
    this.gasLimitCap = b.gasLimitCap;
    this.eip6492AllowedFactories = Set.copyOf(b.eip6492AllowedFactories);
    if (signers.stream().map(Signer::address).distinct().count() != signers.size()) {
      throw new IllegalArgumentException("network " + network + " lists a signer twice");
    }
  }

  /**
   * Starts a configuration for {@code network} served by {@code rpc}, with the receipt poll
   * interval and timeout of {@link NetworkInfo#DEFAULT_BLOCK_TIME}; see {@link
   * #builder(NetworkInfo, JsonRpcClient)} to take them from a registry entry.
   */
  public static Builder builder(Network network, JsonRpcClient rpc) {
    return new Builder(NetworkInfo.builder(network).build(), rpc);
  }

  /**
   * Starts a configuration from a registry entry: its block time sets the receipt poll interval (a
   * quarter block) and timeout (fifteen blocks), and its default token is accepted.
   */
  public static Builder builder(NetworkInfo info, JsonRpcClient rpc) {
    Builder b = new Builder(info, rpc);
    info.defaultAsset().ifPresent(asset -> b.asset(EvmAddress.parse(asset.address())));
    return b;
  }

  /** The network. */
  public Network network() {
    return network;
  }

  /** The node client. */
  public JsonRpcClient rpc() {
    return rpc;
  }

  /** The gas-paying accounts. */
  public List<Signer> signers() {
    return signers;
  }

  /** The tokens accepted. */
  public Set<EvmAddress> assets() {
    return assets;
  }

  /** How long to wait for a receipt before answering {@code settlement_pending}. */
  public Duration receiptTimeout() {
    return receiptTimeout;
  }

  /** How often to look for receipts. */
  public Duration pollInterval() {
    return pollInterval;
  }

  /**
   * The most ETH, in wei, sent to one payer so that its sponsored {@code
   * erc20ApprovalGasSponsoring} approval can pay for its gas; see {@link
   * Builder#approvalFundingCap}.
   */
  public BigInteger approvalFundingCap() {
    return approvalFundingCap;
  }

  /** The ceiling on {@code maxFeePerGas}, in wei. */
  public BigInteger maxFeePerGas() {
    return maxFeePerGas;
  }

  /** The ceiling on the priority fee (tip), in wei; {@code null} for the node's suggestion. */
  public BigInteger maxPriorityFeePerGas() {
    return maxPriorityFeePerGas;
  }

  /** The most gas one settlement transaction may use. */
  public long gasLimitCap() {
    return gasLimitCap;
  }

  /**
   * The factories through which counterfactual smart wallets (ERC-6492 signatures) may be deployed
   * on this network; empty by default, which refuses such payments with {@code
   * eip6492_factory_not_allowed} (as the official facilitator's {@code eip6492AllowedFactories}).
   */
  public Set<EvmAddress> eip6492AllowedFactories() {
    return eip6492AllowedFactories;
  }

  /** Builds an {@link EvmNetworkConfig}. */
  public static final class Builder {
    private final Network network;
    private final JsonRpcClient rpc;
    private final List<Signer> signers = new ArrayList<>();
    private final Set<EvmAddress> assets = new LinkedHashSet<>();
    private Duration receiptTimeout;
    private Duration pollInterval;
    private BigInteger maxFeePerGas = DEFAULT_MAX_FEE_PER_GAS;
    private BigInteger maxPriorityFeePerGas;
    private BigInteger approvalFundingCap = DEFAULT_APPROVAL_FUNDING_CAP;
    private long gasLimitCap = DEFAULT_GAS_LIMIT_CAP;
    private final Set<EvmAddress> eip6492AllowedFactories = new LinkedHashSet<>();

    private Builder(NetworkInfo info, JsonRpcClient rpc) {
      this.network = info.network();
      this.rpc = Objects.requireNonNull(rpc, "rpc");
      this.receiptTimeout = info.receiptTimeout();
      this.pollInterval = info.receiptPollInterval();
    }

    /** Adds a gas-paying account. */
    public Builder signer(Signer signer) {
      signers.add(Objects.requireNonNull(signer, "signer"));
      return this;
    }

    /** Adds gas-paying accounts. */
    public Builder signers(List<? extends Signer> more) {
      more.forEach(this::signer);
      return this;
    }

    /** Accepts a token. */
    public Builder asset(EvmAddress asset) {
      assets.add(Objects.requireNonNull(asset, "asset"));
      return this;
    }

    /** How long to wait for a receipt before answering {@code settlement_pending}. */
    public Builder receiptTimeout(Duration receiptTimeout) {
      this.receiptTimeout = positive(receiptTimeout, "receiptTimeout");
      return this;
    }

    /** How often to look for receipts. */
    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = positive(pollInterval, "pollInterval");
      return this;
    }

    /** The ceiling on {@code maxFeePerGas} in wei (default 200 gwei). */
    public Builder maxFeePerGas(BigInteger wei) {
      if (wei.signum() <= 0) {
        throw new IllegalArgumentException("maxFeePerGas must be positive");
      }
      this.maxFeePerGas = wei;
      return this;
    }

    /**
     * The ceiling on the priority fee in wei (default: the node's suggestion, within the fee cap).
     */
    public Builder maxPriorityFeePerGas(BigInteger wei) {
      if (wei.signum() < 0) {
        throw new IllegalArgumentException("maxPriorityFeePerGas must not be negative");
      }
      this.maxPriorityFeePerGas = wei;
      return this;
    }

    /**
     * The most ETH, in wei, the facilitator sends a payer whose {@code erc20ApprovalGasSponsoring}
     * approval it cannot otherwise broadcast (default {@link #DEFAULT_APPROVAL_FUNDING_CAP}, 0.005
     * ETH; zero funds nobody, so only payers holding the approval's gas are served). The payer gets
     * exactly the shortfall between its balance and the approval's gas limit times max fee, at most
     * once per payer and token (recorded in the settlement ledger), so funded ETH a payer moves
     * away instead of approving is lost once, never harvested again.
     */
    public Builder approvalFundingCap(BigInteger wei) {
      if (Objects.requireNonNull(wei, "approvalFundingCap").signum() < 0) {
        throw new IllegalArgumentException("approvalFundingCap must not be negative");
      }
      this.approvalFundingCap = wei;
      return this;
    }

    /** The most gas one settlement may use (default 250,000). */
    public Builder gasLimitCap(long gasLimitCap) {
      if (gasLimitCap < 21_000) {
        throw new IllegalArgumentException("gasLimitCap must be at least 21000");
      }
      this.gasLimitCap = gasLimitCap;
      return this;
    }

    /**
     * Allows counterfactual smart wallets (ERC-6492) deployed through {@code factory}: the
     * facilitator verifies their signatures by simulating the deployment, and settles by deploying
     * the wallet and transferring in one transaction through Multicall3 (which must be deployed on
     * the network, as on public chains). The facilitator pays the deployment's gas, so allow only
     * factories you trust and raise {@link #gasLimitCap} to cover a deployment.
     */
    public Builder allowEip6492Factory(EvmAddress factory) {
      eip6492AllowedFactories.add(Objects.requireNonNull(factory, "factory"));
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @throws IllegalArgumentException without a signer or an accepted asset, or for a non-EVM
     *     network
     */
    public EvmNetworkConfig build() {
      return new EvmNetworkConfig(this);
    }

    private static Duration positive(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive");
      }
      return value;
    }
  }
}
