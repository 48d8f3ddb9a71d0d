package io.x402j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.x402j.config.ConfigException;
import io.x402j.config.ConfigSection;
import io.x402j.config.ValueParser;
import io.x402j.core.Asset;
import io.x402j.core.Network;
import io.x402j.core.NetworkInfo;
import io.x402j.evm.EvmAddress;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The networks file of {@code pay} and {@code inspect} ({@code --networks FILE}): networks and
 * tokens the built-in registry does not know, such as a devnet's chain and its test dollar. JSON or
 * YAML:
 *
 * <pre>
 * networks:
 *   - network: eip155:31337            # required
 *     name: x402j devnet (chain 31337)  # shown by inspect
 *     v1Name: x402j-devnet              # the name protocol v1 uses
 *     testnet: true
 *     rpcUrl: http://127.0.0.1:8545     # read other tokens of this chain from their contracts
 *     assets:                           # the first is the network's default token
 *       - address: "0x5FbDB2315678afecb367f032d93F642f64180aa3"
 *         symbol: TUSD
 *         decimals: 6
 *         eip712Name: Test Dollar
 *         eip712Version: "1"
 *         usdStablecoin: true            # one token is one dollar: --max '$0.01' may pay in it
 * </pre>
 *
 * <p>It is read by x402j-config's {@link ConfigSection}, like the facilitator's and the gateway's
 * files: every scalar is read as the text it is written as, so an unquoted {@code 0x…} address
 * stays an address; {@code ${NAME}} is replaced from the environment (an {@code rpcUrl} may hold a
 * provider's key); duplicate and unknown keys and bad values are refused, naming the key by its
 * path. {@code x402j devnet --write-networks} and {@code x402j demo} write such a file for their
 * chain.
 */
final class NetworksFile {
  /**
   * A JSON-RPC node's URL, http(s). The refusal does not repeat the URL, which may hold a
   * provider's key: {@code --rpc-url} and a file's {@code rpcUrl}.
   */
  static final ValueParser<URI> RPC_URL =
      (setting, text) -> {
        URI uri;
        try {
          uri = new URI(text.strip());
        } catch (URISyntaxException e) {
          uri = null;
        }
        if (uri == null
            || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
            || uri.getHost() == null) {
          throw new ConfigException(setting, setting + " must be an http:// or https:// URL");
        }
        return uri;
      };

  /** Text that is not blank, stripped. */
  private static final ValueParser<String> TEXT =
      (setting, text) -> {
        if (text.isBlank()) {
          throw new ConfigException(setting, text, "a non-empty text");
        }
        return text.strip();
      };

  private static final ValueParser<Network> NETWORK =
      ValueParser.of("a CAIP-2 network such as eip155:31337", Network::parse);
  private static final ValueParser<String> EVM_ADDRESS =
      ValueParser.of("a token address", text -> EvmAddress.parse(text).toString());
  private static final ValueParser<String> SYMBOL =
      ValueParser.of("a token symbol", TokenContract::checkedSymbol);
  private static final ValueParser<Integer> DECIMALS = ValueParser.integer(0, 77);
  private static final String OR_RPC = "or leave the token out and give rpcUrl to read it";

  /**
   * One network of the file; absent settings are {@code null} and keep what the built-in registry
   * knows.
   *
   * @param network the CAIP-2 identifier
   * @param name the name shown for it
   * @param v1Name the protocol v1 name
   * @param testnet whether its tokens have no value
   * @param rpcUrl a JSON-RPC endpoint of the chain, to read unlisted tokens from their contracts
   * @param assets the tokens listed, the default first
   */
  record Entry(
      Network network,
      String name,
      String v1Name,
      Boolean testnet,
      URI rpcUrl,
      List<Asset> assets) {
    Entry {
      assets = List.copyOf(assets);
    }

    /** The entry describing {@code info}, reachable at {@code rpcUrl} (may be null). */
    static Entry of(NetworkInfo info, URI rpcUrl) {
      return new Entry(
          info.network(),
          info.displayName(),
          info.v1Name().orElse(null),
          info.testnet(),
          rpcUrl,
          info.assets());
    }

    /**
     * What is known of the network with this entry applied over {@code known} (or over nothing):
     * its settings replace the known ones, its tokens come first and replace known ones at the same
     * address.
     */
    NetworkInfo applyTo(NetworkInfo known) {
      NetworkInfo.Builder b =
          known != null ? known.toBuilder() : NetworkInfo.builder(network).testnet(false);
      if (known == null && network.isEvm()) {
        b.displayName("EVM chain " + network.reference());
      }
      if (name != null) {
        b.displayName(name);
      }
      if (v1Name != null) {
        b.v1Name(v1Name);
      }
      if (testnet != null) {
        b.testnet(testnet);
      }
      b.clearAssets();
      assets.forEach(b::asset);
      if (known != null) {
        for (Asset old : known.assets()) {
          if (assets.stream().noneMatch(a -> a.isNamedBy(old.address()))) {
            b.asset(old);
          }
        }
      }
      return b.build();
    }
  }

  private NetworksFile() {}

  /**
   * Reads a networks file; {@code ${NAME}} is replaced from {@code env}.
   *
   * @throws IOException if it cannot be read
   * @throws ConfigException naming the file and the bad key or value
   */
  static List<Entry> read(Path file, Map<String, String> env) throws IOException {
    String source = "networks file " + file;
    ConfigSection root = ConfigSection.parse(Files.readString(file), source, env);
    try {
      return entries(root);
    } catch (ConfigException e) {
      throw new ConfigException(e.setting(), source + ": " + e.getMessage());
    }
  }

  /** Writes {@code entries} as a JSON networks file, replacing {@code file}. */
  static void write(Path file, List<Entry> entries) throws IOException {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    ArrayNode list = root.putArray("networks");
    for (Entry e : entries) {
      ObjectNode n = list.addObject();
      n.put("network", e.network().toString());
      if (e.name() != null) {
        n.put("name", e.name());
      }
      if (e.v1Name() != null) {
        n.put("v1Name", e.v1Name());
      }
      if (e.testnet() != null) {
        n.put("testnet", e.testnet());
      }
      if (e.rpcUrl() != null) {
        n.put("rpcUrl", e.rpcUrl().toString());
      }
      ArrayNode assets = n.putArray("assets");
      for (Asset a : e.assets()) {
        ObjectNode asset = assets.addObject();
        asset.put("address", a.address());
        asset.put("symbol", a.symbol());
        asset.put("decimals", a.decimals());
        if (a.hasEip712Domain()) {
          asset.put("eip712Name", a.eip712Name());
          asset.put("eip712Version", a.eip712Version());
        }
        asset.put("usdStablecoin", a.usdStablecoin());
      }
    }
    Files.writeString(file, mapper.writeValueAsString(root) + "\n");
  }

  private static List<Entry> entries(ConfigSection root) {
    root.allowOnly("networks");
    if (!root.has("networks")) {
      throw new ConfigException(
          "networks", "networks is required (a list of networks, e.g. [{network: eip155:31337}])");
    }
    List<Entry> entries = new ArrayList<>();
    for (ConfigSection network : root.sections("networks")) {
      entries.add(entry(network));
    }
    return entries;
  }

  private static Entry entry(ConfigSection node) {
    node.allowOnly("network", "name", "v1Name", "testnet", "rpcUrl", "assets");
    Network network = node.require("network", NETWORK, "e.g. eip155:31337");
    URI rpcUrl = node.get("rpcUrl", RPC_URL, null);
    if (rpcUrl != null && !network.isEvm()) {
      throw new ConfigException(
          node.path("rpcUrl"),
          node.path("rpcUrl") + ": tokens are read over JSON-RPC on EVM (eip155) networks only");
    }
    List<Asset> assets = new ArrayList<>();
    for (ConfigSection asset : node.sections("assets")) {
      assets.add(asset(network, asset));
    }
    Entry entry =
        new Entry(
            network,
            node.get("name", TEXT, null),
            node.get("v1Name", TEXT, null),
            node.get("testnet", ValueParser.bool(), null),
            rpcUrl,
            assets);
    try {
      entry.applyTo(null); // checks the v1 name
    } catch (IllegalArgumentException e) {
      throw new ConfigException(node.path(), node.path() + ": " + e.getMessage());
    }
    return entry;
  }

  private static Asset asset(Network network, ConfigSection node) {
    node.allowOnly("address", "symbol", "decimals", "eip712Name", "eip712Version", "usdStablecoin");
    String address =
        node.require("address", network.isEvm() ? EVM_ADDRESS : TEXT, "the token's address");
    String symbol = node.require("symbol", SYMBOL, OR_RPC);
    int decimals = node.require("decimals", DECIMALS, OR_RPC);
    try {
      return new Asset(
          address,
          symbol,
          decimals,
          node.get("eip712Name", TEXT, null),
          node.get("eip712Version", TEXT, null),
          node.get("usdStablecoin", ValueParser.bool(), false));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(node.path(), node.path() + ": " + e.getMessage());
    }
  }
}
