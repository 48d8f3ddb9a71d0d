package io.x402j.cli;

import io.x402j.client.PlannedPayment;
import io.x402j.core.Asset;
import io.x402j.core.Network;
import io.x402j.core.NetworkInfo;
import io.x402j.core.NetworkRegistry;
import io.x402j.evm.EvmAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code pay} and {@code inspect} know of networks and tokens: the built-in registry, what a
 * networks file adds, and nodes to read other tokens from ({@code rpcUrl} of a network in the file,
 * {@code --rpc-url}). Immutable; learning tokens returns a new one.
 */
final class KnownNetworks {
  private final NetworkRegistry registry;
  private final Map<Network, String> rpcByNetwork;
  private final List<String> rpcUrls;

  /** The outcome of {@link #learnTokens}: what is known now, and what to tell the user. */
  record Learned(KnownNetworks known, List<String> notes) {
    Learned {
      notes = List.copyOf(notes);
    }
  }

  private KnownNetworks(
      NetworkRegistry registry, Map<Network, String> rpcByNetwork, List<String> rpcUrls) {
    this.registry = registry;
    this.rpcByNetwork = Map.copyOf(rpcByNetwork);
    this.rpcUrls = List.copyOf(rpcUrls);
  }

  /** The built-in networks, with the networks file's {@code entries} over them and nodes to ask. */
  static KnownNetworks of(List<NetworksFile.Entry> entries, List<String> rpcUrls) {
    NetworkRegistry.Builder b = NetworkRegistry.defaults().toBuilder();
    Map<Network, String> rpc = new HashMap<>();
    NetworkRegistry base = NetworkRegistry.defaults();
    for (NetworksFile.Entry e : entries) {
      b.network(e.applyTo(base.find(e.network()).orElse(null)));
      if (e.rpcUrl() != null) {
        rpc.put(e.network(), e.rpcUrl().toString());
      }
    }
    return new KnownNetworks(b.build(), rpc, rpcUrls);
  }

  /** The networks and tokens known. */
  NetworkRegistry registry() {
    return registry;
  }

  /** Whether a token that is not known could be read from some node. */
  boolean canLearn() {
    return !rpcByNetwork.isEmpty() || !rpcUrls.isEmpty();
  }

  /**
   * Reads every token the offers name that is not known yet from its contract, through the node of
   * its network; for a token no node can be found for, a note says which options would teach it.
   */
  Learned learnTokens(List<PlannedPayment> offers) {
    Set<Map.Entry<Network, String>> unknown = new LinkedHashSet<>();
    for (PlannedPayment offer : offers) {
      if (offer.asset() == null) {
        unknown.add(Map.entry(offer.requirements().network(), offer.requirements().asset()));
      }
    }
    if (unknown.isEmpty()) {
      return new Learned(this, List.of());
    }
    List<String> notes = new ArrayList<>();
    Map<String, Optional<Node>> asked = new HashMap<>();
    NetworkRegistry.Builder learned = registry.toBuilder();
    Map<Network, NetworkInfo> infos = new LinkedHashMap<>();
    for (Map.Entry<Network, String> token : unknown) {
      Network network = token.getKey();
      String address = token.getValue();
      if (!network.isEvm()) {
        notes.add(
            "token "
                + PayCommand.plain(address)
                + " on "
                + network
                + " is unknown; name it in a --networks FILE to see its price in tokens");
        continue;
      }
      EvmAddress contract;
      try {
        contract = EvmAddress.parse(address);
      } catch (IllegalArgumentException e) {
        notes.add("token " + PayCommand.plain(address) + " on " + network + ": " + e.getMessage());
        continue;
      }
      TokenContract node = node(network, asked, notes);
      if (node == null) {
        notes.add(
            "token "
                + contract
                + " on "
                + network
                + " is unknown, so its price is in atomic units: name it in a --networks FILE"
                + " (x402j devnet --write-networks FILE writes one for the devnet), or give"
                + " --rpc-url URL of a node of "
                + network
                + " to read its decimals and symbol from the contract");
        continue;
      }
      Asset asset;
      try {
        asset = node.read(contract);
      } catch (IllegalArgumentException e) {
        notes.add(e.getMessage());
        continue;
      }
      notes.add(
          "token "
              + contract
              + " on "
              + network
              + " is "
              + asset.symbol()
              + " with "
              + asset.decimals()
              + " decimals, as its contract says at "
              + node.node()
              + " (not known as a USD stablecoin: dollar limits do not pay in it)");
      NetworkInfo info =
          infos.computeIfAbsent(
              network,
              n ->
                  registry
                      .find(n)
                      .orElseGet(
                          () ->
                              NetworkInfo.builder(n)
                                  .displayName("EVM chain " + n.reference())
                                  .build()));
      infos.put(network, info.toBuilder().asset(asset).build());
    }
    infos.values().forEach(learned::network);
    return new Learned(new KnownNetworks(learned.build(), rpcByNetwork, rpcUrls), notes);
  }

  /**
   * The EVM node of each network known to have one: a networks file's {@code rpcUrl}, and each
   * {@code --rpc-url} on the chain it says it serves ({@code eth_chainId}, asked once). A node that
   * cannot say is left out, with a note.
   */
  Map<Network, String> evmNodes(List<String> notes) {
    Map<Network, String> nodes = new LinkedHashMap<>();
    rpcByNetwork.forEach(
        (network, url) -> {
          if (network.isEvm()) {
            nodes.put(network, url);
          }
        });
    Map<String, Optional<Node>> asked = new HashMap<>();
    for (String url : rpcUrls) {
      ask(url, "--rpc-url", asked, notes).ifPresent(n -> nodes.putIfAbsent(n.network(), url));
    }
    return nodes;
  }

  /** A node and the chain it serves. */
  private record Node(TokenContract contract, Network network) {}

  /** A node of {@code network}: the file's rpcUrl for it, else a --rpc-url whose chain it is. */
  private TokenContract node(
      Network network, Map<String, Optional<Node>> asked, List<String> notes) {
    String url = rpcByNetwork.get(network);
    if (url != null) {
      Optional<Node> node =
          ask(url, "the rpcUrl of " + network + " in the networks file", asked, notes);
      if (node.isPresent() && node.get().network().equals(network)) {
        return node.get().contract();
      }
      node.ifPresent(
          n ->
              notes.add(
                  "the rpcUrl of "
                      + network
                      + " in the networks file is a node of "
                      + n.network()
                      + ": tokens of "
                      + network
                      + " are not read from it"));
    }
    for (String rpcUrl : rpcUrls) {
      Optional<Node> node = ask(rpcUrl, "--rpc-url", asked, notes);
      if (node.isPresent() && node.get().network().equals(network)) {
        return node.get().contract();
      }
    }
    return null;
  }

  /** The node at {@code url} and its chain, asked once per URL; empty (with a note) on failure. */
  private static Optional<Node> ask(
      String url, String what, Map<String, Optional<Node>> asked, List<String> notes) {
    return asked.computeIfAbsent(
        url,
        u -> {
          TokenContract contract = TokenContract.at(u);
          try {
            return Optional.of(new Node(contract, contract.network()));
          } catch (IllegalArgumentException e) {
            notes.add(what + ": " + e.getMessage());
            return Optional.empty();
          }
        });
  }
}
