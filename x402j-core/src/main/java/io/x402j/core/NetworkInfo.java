package io.x402j.core;

import io.x402j.core.internal.Text;
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

  private NetworkInfo(Builder b) {
    this.network = Objects.requireNonNull(b.network, "network");
    this.displayName = b.displayName == null ? network.toString() : b.displayName;
    this.v1Name = b.v1Name;
    this.testnet = b.testnet;
    this.assets = List.copyOf(b.assets);
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
    Builder b = new Builder(network).displayName(displayName).v1Name(v1Name).testnet(testnet);
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
        && assets.equals(other.assets);
  }

  @Override
  public int hashCode() {
    return Objects.hash(network, displayName, v1Name, testnet, assets);
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
