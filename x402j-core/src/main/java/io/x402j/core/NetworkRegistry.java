package io.x402j.core;

import io.x402j.core.support.Text;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The networks an x402j component knows: CAIP-2 identifier, protocol v1 name, chain ID and default
 * tokens. Immutable and thread-safe; derive a modified copy with {@link #toBuilder()}.
 *
 * <p>{@link #defaults()} holds public facts: the networks and USDC deployments that the official
 * x402 SDKs and the token issuers document. Add a private chain (a devnet, a fork) with {@link
 * Builder#network(NetworkInfo)}.
 */
public final class NetworkRegistry {
  private static final NetworkRegistry DEFAULTS = createDefaults();

  private final Map<Network, NetworkInfo> byNetwork;
  private final Map<String, NetworkInfo> byV1Name;

  private NetworkRegistry(Collection<NetworkInfo> networks) {
    Map<Network, NetworkInfo> networkMap = new LinkedHashMap<>();
    Map<String, NetworkInfo> nameMap = new LinkedHashMap<>();
    for (NetworkInfo info : networks) {
      networkMap.put(info.network(), info);
    }
    for (NetworkInfo info : networkMap.values()) {
      if (info.v1Name().isPresent()) {
        NetworkInfo clash = nameMap.put(info.v1Name().get(), info);
        if (clash != null) {
          throw new IllegalArgumentException(
              "v1 name "
                  + Text.quote(info.v1Name().get())
                  + " is used by both "
                  + clash.network()
                  + " and "
                  + info.network());
        }
      }
    }
    this.byNetwork = Collections.unmodifiableMap(networkMap);
    this.byV1Name = Collections.unmodifiableMap(nameMap);
  }

  /** The public networks x402 is used on, with their USDC deployments. */
  public static NetworkRegistry defaults() {
    return DEFAULTS;
  }

  /** An empty registry to fill. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this registry's networks, to add or replace some. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.networks.putAll(byNetwork);
    return b;
  }

  /** Every known network. */
  public Collection<NetworkInfo> all() {
    return byNetwork.values();
  }

  /** What is known about {@code network}. */
  public Optional<NetworkInfo> find(Network network) {
    return Optional.ofNullable(byNetwork.get(network));
  }

  /** The network protocol v1 called {@code v1Name} ({@code base-sepolia}). */
  public Optional<NetworkInfo> findByV1Name(String v1Name) {
    return Optional.ofNullable(byV1Name.get(v1Name));
  }

  /** The EVM network with this chain ID. */
  public Optional<NetworkInfo> findByChainId(long chainId) {
    if (chainId <= 0) {
      return Optional.empty();
    }
    return find(Network.evm(chainId));
  }

  /**
   * Resolves a network given either way: a CAIP-2 identifier ({@code eip155:84532}, returned even
   * when unknown) or a known v1 name ({@code base-sepolia}).
   *
   * @throws IllegalArgumentException if the text is neither
   */
  public Network resolve(String networkOrV1Name) {
    Objects.requireNonNull(networkOrV1Name, "network");
    if (networkOrV1Name.indexOf(':') >= 0) {
      return Network.parse(networkOrV1Name);
    }
    NetworkInfo info = byV1Name.get(networkOrV1Name);
    if (info == null) {
      throw new IllegalArgumentException(
          "network "
              + Text.quote(networkOrV1Name)
              + " is neither a CAIP-2 identifier (e.g. eip155:84532) nor a known v1 network name");
    }
    return info.network();
  }

  /** The v1 name of {@code network}, if it has one. */
  public Optional<String> v1Name(Network network) {
    NetworkInfo info = byNetwork.get(network);
    return info == null ? Optional.empty() : info.v1Name();
  }

  /** The default token of {@code network}. */
  public Optional<Asset> defaultAsset(Network network) {
    NetworkInfo info = byNetwork.get(network);
    return info == null ? Optional.empty() : info.defaultAsset();
  }

  /** The known token of {@code network} with this address or symbol. */
  public Optional<Asset> findAsset(Network network, String addressOrSymbol) {
    NetworkInfo info = byNetwork.get(network);
    return info == null ? Optional.empty() : info.asset(addressOrSymbol);
  }

  /** Builds a {@link NetworkRegistry}. */
  public static final class Builder {
    private final Map<Network, NetworkInfo> networks = new LinkedHashMap<>();

    private Builder() {}

    /** Adds a network, replacing any earlier entry for the same CAIP-2 identifier. */
    public Builder network(NetworkInfo info) {
      networks.put(info.network(), Objects.requireNonNull(info, "info"));
      return this;
    }

    /** Removes a network. */
    public Builder remove(Network network) {
      networks.remove(network);
      return this;
    }

    /**
     * Builds the registry.
     *
     * @throws IllegalArgumentException if two networks claim the same v1 name
     */
    public NetworkRegistry build() {
      return new NetworkRegistry(new ArrayList<>(networks.values()));
    }
  }

  private static NetworkRegistry createDefaults() {
    List<NetworkInfo> list = new ArrayList<>();
    // EVM networks with native USDC (EIP-3009) and their typical block time in milliseconds.
    // Addresses, EIP-712 names and versions are the public deployments listed by Circle and by
    // the official @x402/evm package.
    list.add(
        evm(
            8453,
            "Base",
            "base",
            false,
            usdc("0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", "USD Coin"),
            2000));
    list.add(
        evm(
            84532,
            "Base Sepolia",
            "base-sepolia",
            true,
            usdc("0x036CbD53842c5426634e7929541eC2318f3dCF7e", "USDC"),
            2000));
    list.add(
        evm(
            1,
            "Ethereum",
            "ethereum",
            false,
            usdc("0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", "USD Coin"),
            12000));
    list.add(evm(11155111, "Ethereum Sepolia", "sepolia", true, null, 12000));
    list.add(
        evm(
            43114,
            "Avalanche C-Chain",
            "avalanche",
            false,
            usdc("0xB97EF9Ef8734C71904D8002F8b6Bc66Dd9c48a6E", "USD Coin"),
            2000));
    list.add(
        evm(
            43113,
            "Avalanche Fuji",
            "avalanche-fuji",
            true,
            usdc("0x5425890298aed601595a70AB815c96711a31Bc65", "USD Coin"),
            2000));
    list.add(
        evm(
            137,
            "Polygon",
            "polygon",
            false,
            usdc("0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359", "USD Coin"),
            2000));
    list.add(
        evm(
            80002,
            "Polygon Amoy",
            "polygon-amoy",
            true,
            usdc("0x41E94Eb019C0762f9Bfcf9Fb1E58725BfB0e7582", "USDC"),
            2000));
    // Arbitrum and Optimism have no name in the official v1 SDKs; these v1 names are x402j's.
    list.add(
        evm(
            42161,
            "Arbitrum One",
            "arbitrum",
            false,
            usdc("0xaf88d065e77c8cC2239327C5EDb3A432268e5831", "USD Coin"),
            250));
    list.add(
        evm(
            421614,
            "Arbitrum Sepolia",
            "arbitrum-sepolia",
            true,
            usdc("0x75faf114eafb1BDbe2F0316DF893fd58CE46AA4d", "USD Coin"),
            250));
    list.add(
        evm(
            10,
            "OP Mainnet",
            "optimism",
            false,
            usdc("0x0b2C639c533813f4Aa9D7837CAf62653d097Ff85", "USD Coin"),
            2000));
    list.add(
        evm(
            1329,
            "Sei",
            "sei",
            false,
            usdc("0xe15fC38F6D8c56aF07bbCBe3BAf5708A2Bf42392", "USDC"),
            400));
    list.add(
        evm(
            1328,
            "Sei Testnet",
            "sei-testnet",
            true,
            usdc("0x4fCF1784B31630811181f670Aea7A7bEF803eaED", "USDC"),
            400));
    // Other networks the official v1 SDKs name; listed so v1 names resolve to chain IDs.
    list.add(evm(2741, "Abstract", "abstract", false, null, 1000));
    list.add(evm(11124, "Abstract Testnet", "abstract-testnet", true, null, 1000));
    list.add(evm(4689, "IoTeX", "iotex", false, null, 5000));
    list.add(evm(3338, "peaq", "peaq", false, null, 1000));
    list.add(evm(1514, "Story", "story", false, null, 2000));
    list.add(evm(41923, "EDU Chain", "educhain", false, null, 2000));
    list.add(evm(324705682, "SKALE Base Sepolia", "skale-base-sepolia", true, null, 1000));
    // Solana: recognised so that messages naming it decode and route; x402j settles EVM only.
    list.add(
        solana(
            "5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp",
            "Solana",
            "solana",
            false,
            new Asset(
                "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v", "USDC", 6, null, null, true)));
    list.add(
        solana(
            "EtWTRABZaYq6iMfeYKouRu166VU2xqa1",
            "Solana Devnet",
            "solana-devnet",
            true,
            new Asset(
                "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU", "USDC", 6, null, null, true)));
    list.add(
        solana("4uhcVJyU9pJkvQyS88uRDiswHXSCkY3z", "Solana Testnet", "solana-testnet", true, null));
    return new NetworkRegistry(list);
  }

  private static Asset usdc(String address, String eip712Name) {
    return Asset.usdStablecoin(address, "USDC", 6, eip712Name, "2");
  }

  private static NetworkInfo evm(
      long chainId,
      String displayName,
      String v1Name,
      boolean testnet,
      Asset asset,
      long blockTimeMillis) {
    NetworkInfo.Builder b =
        NetworkInfo.builder(Network.evm(chainId))
            .displayName(displayName)
            .v1Name(v1Name)
            .testnet(testnet)
            .blockTime(Duration.ofMillis(blockTimeMillis));
    if (asset != null) {
      b.asset(asset);
    }
    return b.build();
  }

  private static NetworkInfo solana(
      String reference, String displayName, String v1Name, boolean testnet, Asset asset) {
    NetworkInfo.Builder b =
        NetworkInfo.builder(new Network(Network.SOLANA, reference))
            .displayName(displayName)
            .v1Name(v1Name)
            .testnet(testnet)
            .blockTime(Duration.ofMillis(400));
    if (asset != null) {
      b.asset(asset);
    }
    return b.build();
  }
}
