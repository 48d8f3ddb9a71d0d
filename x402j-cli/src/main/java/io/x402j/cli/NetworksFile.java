package io.x402j.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.x402j.core.Asset;
import io.x402j.core.Network;
import io.x402j.core.NetworkInfo;
import io.x402j.core.internal.Text;
import io.x402j.evm.EvmAddress;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

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
 * <p>Every scalar is read as the text it is written as, so an unquoted {@code 0x…} address stays an
 * address. Unknown keys and bad values are refused, naming the key. {@code x402j devnet
 * --networks-file} and {@code x402j demo} write such a file for their chain.
 */
final class NetworksFile {
  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final YAMLFactory YAML =
      YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final Set<String> NETWORK_KEYS =
      Set.of("network", "name", "v1Name", "testnet", "rpcUrl", "assets");
  private static final Set<String> ASSET_KEYS =
      Set.of("address", "symbol", "decimals", "eip712Name", "eip712Version", "usdStablecoin");

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
   * Reads a networks file.
   *
   * @throws IOException if it cannot be read
   * @throws IllegalArgumentException naming the file and the bad key or value
   */
  static List<Entry> read(Path file) throws IOException {
    String text = Files.readString(file);
    JsonNode root;
    try {
      root = tree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "networks file "
              + file
              + " is neither JSON nor YAML: "
              + e.getOriginalMessage()
              + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
    }
    try {
      return entries(root);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("networks file " + file + ": " + e.getMessage(), e);
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

  /** The document as a tree whose scalars are their text (booleans stay booleans). */
  static JsonNode tree(String text) throws IOException {
    JsonFactory factory = text.stripLeading().startsWith("{") ? JSON : YAML;
    try (JsonParser parser = factory.createParser(text)) {
      return parser.nextToken() == null ? NullNode.getInstance() : node(parser);
    }
  }

  private static JsonNode node(JsonParser p) throws IOException {
    JsonToken token = p.currentToken();
    switch (token) {
      case START_OBJECT:
        ObjectNode object = JsonNodeFactory.instance.objectNode();
        while (p.nextToken() != JsonToken.END_OBJECT) {
          String name = p.currentName();
          p.nextToken();
          object.set(name, node(p));
        }
        return object;
      case START_ARRAY:
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          array.add(node(p));
        }
        return array;
      case VALUE_TRUE:
        return BooleanNode.TRUE;
      case VALUE_FALSE:
        return BooleanNode.FALSE;
      case VALUE_NULL:
        return NullNode.getInstance();
      default:
        return TextNode.valueOf(p.getText());
    }
  }

  static List<Entry> entries(JsonNode root) {
    if (!root.isObject()) {
      throw new IllegalArgumentException("must be a mapping with a list under \"networks\"");
    }
    requireKnownKeys(root, Set.of("networks"), "");
    JsonNode networks = root.path("networks");
    if (!networks.isArray()) {
      throw new IllegalArgumentException("\"networks\" must be a list of networks");
    }
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < networks.size(); i++) {
      entries.add(entry(networks.get(i), "networks[" + i + "]"));
    }
    return entries;
  }

  private static Entry entry(JsonNode node, String at) {
    if (!node.isObject()) {
      throw new IllegalArgumentException(at + " must be a mapping");
    }
    requireKnownKeys(node, NETWORK_KEYS, at + ".");
    String caip2 = text(node, "network", at);
    if (caip2 == null) {
      throw new IllegalArgumentException(at + ".network is missing (e.g. eip155:31337)");
    }
    Network network;
    try {
      network = Network.parse(caip2);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(at + ".network: " + e.getMessage());
    }
    URI rpcUrl = null;
    String rpc = text(node, "rpcUrl", at);
    if (rpc != null) {
      try {
        rpcUrl = new URI(rpc);
      } catch (java.net.URISyntaxException e) {
        rpcUrl = null;
      }
      // The URL may hold a provider's key: say what is wrong without repeating it.
      if (rpcUrl == null
          || !("http".equals(rpcUrl.getScheme()) || "https".equals(rpcUrl.getScheme()))
          || rpcUrl.getHost() == null) {
        throw new IllegalArgumentException(at + ".rpcUrl must be an http:// or https:// URL");
      }
      if (!network.isEvm()) {
        throw new IllegalArgumentException(
            at + ".rpcUrl: tokens are read over JSON-RPC on EVM (eip155) networks only");
      }
    }
    JsonNode assetList = node.path("assets");
    List<Asset> assets = new ArrayList<>();
    if (!assetList.isMissingNode() && !assetList.isNull()) {
      if (!assetList.isArray()) {
        throw new IllegalArgumentException(at + ".assets must be a list of tokens");
      }
      for (int i = 0; i < assetList.size(); i++) {
        assets.add(asset(network, assetList.get(i), at + ".assets[" + i + "]"));
      }
    }
    Entry entry =
        new Entry(
            network,
            text(node, "name", at),
            text(node, "v1Name", at),
            bool(node, "testnet", at),
            rpcUrl,
            assets);
    try {
      entry.applyTo(null); // checks the v1 name
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(at + ": " + e.getMessage());
    }
    return entry;
  }

  private static Asset asset(Network network, JsonNode node, String at) {
    if (!node.isObject()) {
      throw new IllegalArgumentException(at + " must be a mapping");
    }
    requireKnownKeys(node, ASSET_KEYS, at + ".");
    String address = text(node, "address", at);
    if (address == null) {
      throw new IllegalArgumentException(at + ".address is missing");
    }
    if (network.isEvm()) {
      try {
        address = EvmAddress.parse(address).toString();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + ".address: " + e.getMessage());
      }
    }
    String symbol = text(node, "symbol", at);
    if (symbol == null) {
      throw new IllegalArgumentException(
          at + ".symbol is missing (or leave the token out and give rpcUrl to read it)");
    }
    String decimalsText = text(node, "decimals", at);
    if (decimalsText == null) {
      throw new IllegalArgumentException(
          at + ".decimals is missing (or leave the token out and give rpcUrl to read it)");
    }
    if (!decimalsText.matches("[0-9]{1,2}") || Integer.parseInt(decimalsText) > 77) {
      throw new IllegalArgumentException(
          at + ".decimals must be a whole number from 0 to 77, got " + Text.quote(decimalsText));
    }
    Boolean usd = bool(node, "usdStablecoin", at);
    try {
      return new Asset(
          address,
          TokenContract.checkedSymbol(symbol),
          Integer.parseInt(decimalsText),
          text(node, "eip712Name", at),
          text(node, "eip712Version", at),
          usd != null && usd);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(at + ": " + e.getMessage());
    }
  }

  private static void requireKnownKeys(JsonNode node, Set<String> known, String at) {
    for (var property : node.properties()) {
      String key = property.getKey();
      if (!known.contains(key)) {
        throw new IllegalArgumentException(
            "unknown setting "
                + Text.quote(at + key)
                + "; known: "
                + String.join(", ", new java.util.TreeSet<>(known)));
      }
    }
  }

  private static String text(JsonNode node, String key, String at) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      throw new IllegalArgumentException(at + "." + key + " must be a non-empty text");
    }
    return value.asText().strip();
  }

  private static Boolean bool(JsonNode node, String key, String at) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isBoolean()) {
      throw new IllegalArgumentException(
          at + "." + key + " must be true or false, got " + Text.quote(value.asText()));
    }
    return value.booleanValue();
  }
}
