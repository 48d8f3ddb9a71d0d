package io.x402j.core;

import io.x402j.core.support.Text;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a {@link NetworkRegistry} knows about one network: its CAIP-2 identifier, the name protocol
 * v1 used for it, and the tokens payments are usually made in (the first is the default).
 */
public final class NetworkInfo {
  private static final Pattern V1_NAME = Pattern.compile("[a-z0-9][-a-z0-9]{0,63}");

  private final Network network;
  private final String displayName;
  private final String v1Name;
  private final boolean testnet;
  private final List<Asset> assets;
  private final Duration blockTime;

  /** The block time assumed for networks that do not state one. */
  public static final Duration DEFAULT_BLOCK_TIME = Duration.ofSeconds(2);

  private NetworkInfo(Builder b) {
    this.network = Objects.requireNonNull(b.network, "network");
    this.displayName = b.displayName == null ? network.toString() : b.displayName;
    this.v1Name = b.v1Name;
    this.testnet = b.testnet;
    this.assets = List.copyOf(b.assets);
    this.blockTime = b.blockTime == null ? DEFAULT_BLOCK_TIME : b.blockTime;
    if (blockTime.isNegative() || blockTime.isZero()) {
      throw new IllegalArgumentException("block time must be positive, got " + blockTime);
    }
    if (v1Name != null && !V1_NAME.matcher(v1Name).matches()) {
      throw new IllegalArgumentException(
          "v1 network name " + Text.quote(v1Name) + " must be lowercase letters, digits and '-'");
    }
  }

  /** Starts describing {@code network}. */
  public static Builder builder(Network network) {
    return new Builder(network);
  }

  /** The CAIP-2 identifier. */
  public Network network() {
    return network;
  }

  /** A human-readable name, e.g. "Base Sepolia". */
  public String displayName() {
    return displayName;
  }

  /** The protocol v1 name ({@code base-sepolia}), if the network has one. */
  public Optional<String> v1Name() {
    return Optional.ofNullable(v1Name);
  }

  /** Whether the network is a test network whose tokens have no value. */
  public boolean testnet() {
    return testnet;
  }

  /** The typical interval between blocks. */
  public Duration blockTime() {
    return blockTime;
  }

  /**
   * How often to look for a transaction's receipt by default: a quarter of the block time, and not
   * more often than every 25 ms.
   */
  public Duration receiptPollInterval() {
    Duration quarter = blockTime.dividedBy(4);
    return quarter.compareTo(Duration.ofMillis(25)) < 0 ? Duration.ofMillis(25) : quarter;
  }

  /**
   * How long to wait for a settlement's receipt by default before answering {@code
   * settlement_pending}: fifteen blocks, between 10 and 120 seconds.
   */
  public Duration receiptTimeout() {
    Duration blocks = blockTime.multipliedBy(15);
    if (blocks.compareTo(Duration.ofSeconds(10)) < 0) {
      return Duration.ofSeconds(10);
    }
    return blocks.compareTo(Duration.ofSeconds(120)) > 0 ? Duration.ofSeconds(120) : blocks;
  }

  /** The known tokens, the default first. */
  public List<Asset> assets() {
    return assets;
  }

  /** The token prices are charged in by default (USDC where it exists). */
  public Optional<Asset> defaultAsset() {
    return assets.isEmpty() ? Optional.empty() : Optional.of(assets.get(0));
  }

  /** The known token with this address or symbol. */
  public Optional<Asset> asset(String addressOrSymbol) {
    for (Asset asset : assets) {
      if (asset.isNamedBy(addressOrSymbol)) {
        return Optional.of(asset);
      }
    }
    return Optional.empty();
  }

  /** A copy to modify. */
  public Builder toBuilder() {
    Builder b =
        new Builder(network)
            .displayName(displayName)
            .v1Name(v1Name)
            .testnet(testnet)
            .blockTime(blockTime);
    b.assets.addAll(assets);
    return b;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof NetworkInfo)) {
      return false;
    }
    NetworkInfo other = (NetworkInfo) o;
    return network.equals(other.network)
        && displayName.equals(other.displayName)
        && Objects.equals(v1Name, other.v1Name)
        && testnet == other.testnet
        && assets.equals(other.assets)
        && blockTime.equals(other.blockTime);
  }

  @Override
  public int hashCode() {
    return Objects.hash(network, displayName, v1Name, testnet, assets, blockTime);
  }

  @Override
  public String toString() {
    return displayName + " (" + network + (v1Name == null ? "" : ", v1 " + v1Name) + ")";
  }

  /** Builds a {@link NetworkInfo}. */
  public static final class Builder {
    private final Network network;
    private String displayName;
    private String v1Name;
    private boolean testnet;
    private Duration blockTime;
    private final ArrayList<Asset> assets = new ArrayList<>();

    private Builder(Network network) {
      this.network = Objects.requireNonNull(network, "network");
    }

    /** A human-readable name. */
    public Builder displayName(String displayName) {
      this.displayName = displayName;
      return this;
    }

    /** The protocol v1 name, or {@code null} for none. */
    public Builder v1Name(String v1Name) {
      this.v1Name = v1Name;
      return this;
    }

    /** Marks the network as a testnet. */
    public Builder testnet(boolean testnet) {
      this.testnet = testnet;
      return this;
    }

    /** The typical block time ({@link #DEFAULT_BLOCK_TIME} when not set). */
    public Builder blockTime(Duration blockTime) {
      this.blockTime = blockTime;
      return this;
    }

    /** Adds a token; the first added is the default. */
    public Builder asset(Asset asset) {
      this.assets.add(Objects.requireNonNull(asset, "asset"));
      return this;
    }

    /** Removes every token. */
    public Builder clearAssets() {
      this.assets.clear();
      return this;
    }

    /** Builds the description. */
    public NetworkInfo build() {
      return new NetworkInfo(this);
    }
  }
}
