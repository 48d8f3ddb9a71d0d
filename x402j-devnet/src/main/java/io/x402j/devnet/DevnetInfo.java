package io.x402j.devnet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.x402j.core.Asset;
import io.x402j.core.Network;
import io.x402j.core.NetworkInfo;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Permit2;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a running devnet is and what is on it.
 *
 * @param rpcUrl the JSON-RPC URL, on 127.0.0.1
 * @param chainId the chain ID
 * @param token the EIP-3009 test dollar's address
 * @param tokenName its name and EIP-712 domain name
 * @param tokenSymbol its symbol
 * @param tokenVersion its EIP-712 domain version
 * @param tokenDecimals its decimals (6)
 * @param accounts the funded accounts
 * @param blockTime the interval between blocks, or {@code null} when each transaction is mined at
 *     once
 * @param permit2Contracts Permit2 and the x402 proxies at their canonical addresses, or {@code
 *     null} when the devnet has none (see {@link #permit2()})
 * @param erc6492FactoryAddress the test smart-wallet factory, or {@code null} (see {@link
 *     #erc6492Factory()})
 * @param plainTokenAddress the plain ERC-20 (no EIP-3009, no EIP-2612), or {@code null} (see {@link
 *     #plainToken()})
 */
public record DevnetInfo(
    String rpcUrl,
    long chainId,
    EvmAddress token,
    String tokenName,
    String tokenSymbol,
    String tokenVersion,
    int tokenDecimals,
    List<DevnetAccount> accounts,
    Duration blockTime,
    Permit2Contracts permit2Contracts,
    EvmAddress erc6492FactoryAddress,
    EvmAddress plainTokenAddress) {

  /** The plain token's name. */
  public static final String PLAIN_TOKEN_NAME = "Plain Dollar";

  /** The plain token's symbol. */
  public static final String PLAIN_TOKEN_SYMBOL = "PUSD";

  /**
   * The version given for the plain token in payment requirements ({@code extra.version}); the
   * token itself has no EIP-712 domain.
   */
  public static final String PLAIN_TOKEN_VERSION = "1";

  /**
   * Where Permit2 and the two x402 Permit2 proxies are. Their code is installed at the addresses
   * they have on public chains, so payments signed for those addresses settle here unchanged.
   *
   * @param permit2 Uniswap's Permit2, {@code 0x000000000022D473030F116dDEE9F6B43aC78BA3}
   * @param exactProxy the x402 exact proxy, {@code 0x402085c248EeA27D92E8b30b2C58ed07f9E20001}
   * @param uptoProxy the x402 upto proxy, {@code 0x4020A4f3b7b90ccA423B9fabCc0CE57C6C240002}
   */
  public record Permit2Contracts(String permit2, String exactProxy, String uptoProxy) {
    /** The canonical addresses, where {@link Devnet#start} installs the contracts. */
    public static final Permit2Contracts CANONICAL =
        new Permit2Contracts(
            Permit2.ADDRESS.toString(),
            Permit2.EXACT_PROXY.toString(),
            Permit2.UPTO_PROXY.toString());

    /** Checks each is an address and writes it in its checksummed form. */
    public Permit2Contracts {
      permit2 = EvmAddress.parse(Objects.requireNonNull(permit2, "permit2")).toString();
      exactProxy = EvmAddress.parse(Objects.requireNonNull(exactProxy, "exactProxy")).toString();
      uptoProxy = EvmAddress.parse(Objects.requireNonNull(uptoProxy, "uptoProxy")).toString();
    }

    /** Permit2's address. */
    public EvmAddress permit2Address() {
      return EvmAddress.parse(permit2);
    }

    /** The exact proxy's address. */
    public EvmAddress exactProxyAddress() {
      return EvmAddress.parse(exactProxy);
    }

    /** The upto proxy's address. */
    public EvmAddress uptoProxyAddress() {
      return EvmAddress.parse(uptoProxy);
    }
  }

  /** Copies the account list. */
  public DevnetInfo {
    accounts = List.copyOf(accounts);
  }

  /** A devnet without Permit2 (the form before Permit2 was installed). */
  public DevnetInfo(
      String rpcUrl,
      long chainId,
      EvmAddress token,
      String tokenName,
      String tokenSymbol,
      String tokenVersion,
      int tokenDecimals,
      List<DevnetAccount> accounts,
      Duration blockTime) {
    this(
        rpcUrl,
        chainId,
        token,
        tokenName,
        tokenSymbol,
        tokenVersion,
        tokenDecimals,
        accounts,
        blockTime,
        null,
        null,
        null);
  }

  /**
   * The ERC-6492 test factory: {@code deploy(address owner, uint256 salt) returns (address)}
   * CREATE2-deploys a {@code TestSmartWallet} (ERC-1271: valid signatures are the owner's ECDSA
   * signatures of the hash) at {@code predict(address owner, uint256 salt)}, and returns the
   * existing wallet when it is already deployed. Always at {@link Devnet#ERC6492_FACTORY}.
   *
   * @throws IllegalStateException if this devnet has none
   */
  public EvmAddress erc6492Factory() {
    if (erc6492FactoryAddress == null) {
      throw new IllegalStateException("this devnet has no ERC-6492 factory");
    }
    return erc6492FactoryAddress;
  }

  /**
   * The second token: a plain ERC-20 with 6 decimals and no EIP-3009, no EIP-2612 and no EIP-712
   * domain ({@value #PLAIN_TOKEN_NAME}, {@value #PLAIN_TOKEN_SYMBOL}), funded like the test dollar
   * for the accounts that get test dollars. Payable through Permit2 only. Its registry entry
   * carries name and version {@value #PLAIN_TOKEN_VERSION} for {@code extra.name}/{@code
   * extra.version}, which the token does not check.
   *
   * @throws IllegalStateException if this devnet has none
   */
  public Asset plainToken() {
    if (plainTokenAddress == null) {
      throw new IllegalStateException("this devnet has no plain token");
    }
    return Asset.usdStablecoin(
        plainTokenAddress.toString(), PLAIN_TOKEN_SYMBOL, 6, PLAIN_TOKEN_NAME, PLAIN_TOKEN_VERSION);
  }

  /** Permit2 and the x402 exact and upto proxies, when the devnet has them. */
  public Optional<Permit2Contracts> permit2() {
    return Optional.ofNullable(permit2Contracts);
  }

  /** The CAIP-2 network, {@code eip155:<chainId>}. */
  public Network network() {
    return Network.evm(chainId);
  }

  /** The account called {@code name}. */
  public Optional<DevnetAccount> account(String name) {
    return accounts.stream().filter(a -> a.name().equals(name)).findFirst();
  }

  /**
   * The account called {@code name}.
   *
   * @throws IllegalArgumentException if there is none
   */
  public DevnetAccount requireAccount(String name) {
    return account(name)
        .orElseThrow(() -> new IllegalArgumentException("the devnet has no account " + name));
  }

  /** The token as a network registry entry: a USD stablecoin with its EIP-712 domain. */
  public Asset asset() {
    return Asset.usdStablecoin(
        token.toString(), tokenSymbol, tokenDecimals, tokenName, tokenVersion);
  }

  /**
   * The devnet as a network registry entry, with the token as default asset. Its block time is the
   * configured one, or 200 ms when a block is mined per transaction, so receipts are polled every
   * 50 ms.
   */
  public NetworkInfo networkInfo() {
    return NetworkInfo.builder(network())
        .displayName("x402j devnet (chain " + chainId + ")")
        .v1Name(chainId == Devnet.BASE_SEPOLIA_CHAIN_ID ? "base-sepolia" : "x402j-devnet")
        .testnet(true)
        .blockTime(blockTime == null ? Duration.ofMillis(200) : blockTime)
        .asset(asset())
        .build();
  }

  /** One line of JSON with everything a program or a person needs to use the devnet. */
  public String toJson() {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    root.put("rpcUrl", rpcUrl);
    root.put("chainId", chainId);
    root.put("network", network().toString());
    ObjectNode tokenNode = root.putObject("token");
    tokenNode.put("address", token.toString());
    tokenNode.put("name", tokenName);
    tokenNode.put("symbol", tokenSymbol);
    tokenNode.put("version", tokenVersion);
    tokenNode.put("decimals", tokenDecimals);
    if (permit2Contracts != null) {
      root.putObject("permit2")
          .put("permit2", permit2Contracts.permit2())
          .put("exactProxy", permit2Contracts.exactProxy())
          .put("uptoProxy", permit2Contracts.uptoProxy());
    }
    if (erc6492FactoryAddress != null) {
      root.put("erc6492Factory", erc6492FactoryAddress.toString());
    }
    if (plainTokenAddress != null) {
      root.putObject("plainToken")
          .put("address", plainTokenAddress.toString())
          .put("name", PLAIN_TOKEN_NAME)
          .put("symbol", PLAIN_TOKEN_SYMBOL)
          .put("version", PLAIN_TOKEN_VERSION)
          .put("decimals", 6);
    }
    if (blockTime != null) {
      root.put("blockTimeMillis", blockTime.toMillis());
    }
    ArrayNode list = root.putArray("accounts");
    for (DevnetAccount account : accounts) {
      list.addObject()
          .put("name", account.name())
          .put("address", account.address().toString())
          .put("privateKey", account.privateKey());
    }
    return root.toString();
  }

  /**
   * Reads the line {@link #toJson()} writes (for a program that started {@code x402j devnet} and
   * reads its output).
   *
   * @throws IllegalArgumentException naming the missing or bad field
   */
  public static DevnetInfo fromJson(String json) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("devnet info is not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("devnet info must be a JSON object");
    }
    JsonNode tokenNode = object(root, "token");
    List<DevnetAccount> accounts = new ArrayList<>();
    JsonNode list = root.path("accounts");
    if (!list.isArray()) {
      throw new IllegalArgumentException("devnet info: accounts must be an array");
    }
    for (int i = 0; i < list.size(); i++) {
      JsonNode a = list.get(i);
      accounts.add(
          new DevnetAccount(
              text(a, "accounts[" + i + "].name", "name"),
              address(a, "accounts[" + i + "].address", "address"),
              text(a, "accounts[" + i + "].privateKey", "privateKey")));
    }
    Permit2Contracts permit2 = null;
    if (root.has("permit2")) {
      JsonNode p = object(root, "permit2");
      permit2 =
          new Permit2Contracts(
              address(p, "permit2.permit2", "permit2").toString(),
              address(p, "permit2.exactProxy", "exactProxy").toString(),
              address(p, "permit2.uptoProxy", "uptoProxy").toString());
    }
    EvmAddress factory =
        root.has("erc6492Factory") ? address(root, "erc6492Factory", "erc6492Factory") : null;
    EvmAddress plain = null;
    if (root.has("plainToken")) {
      plain = address(object(root, "plainToken"), "plainToken.address", "address");
    }
    Duration blockTime = null;
    if (root.has("blockTimeMillis")) {
      JsonNode millis = root.get("blockTimeMillis");
      if (!millis.canConvertToLong() || !millis.isIntegralNumber() || millis.asLong() <= 0) {
        throw new IllegalArgumentException(
            "devnet info: blockTimeMillis must be a positive integer");
      }
      blockTime = Duration.ofMillis(millis.asLong());
    }
    JsonNode chainId = root.path("chainId");
    if (!chainId.isIntegralNumber() || !chainId.canConvertToLong() || chainId.asLong() <= 0) {
      throw new IllegalArgumentException("devnet info: chainId must be a positive integer");
    }
    JsonNode decimals = tokenNode.path("decimals");
    if (!decimals.isInt() || decimals.asInt() < 0) {
      throw new IllegalArgumentException("devnet info: token.decimals must be an integer");
    }
    return new DevnetInfo(
        text(root, "rpcUrl", "rpcUrl"),
        chainId.asLong(),
        address(tokenNode, "token.address", "address"),
        text(tokenNode, "token.name", "name"),
        text(tokenNode, "token.symbol", "symbol"),
        text(tokenNode, "token.version", "version"),
        decimals.asInt(),
        accounts,
        blockTime,
        permit2,
        factory,
        plain);
  }

  private static JsonNode object(JsonNode parent, String field) {
    JsonNode node = parent.path(field);
    if (!node.isObject()) {
      throw new IllegalArgumentException("devnet info: " + field + " must be an object");
    }
    return node;
  }

  private static String text(JsonNode parent, String path, String field) {
    JsonNode node = parent.path(field);
    if (!node.isTextual()) {
      throw new IllegalArgumentException("devnet info: " + path + " must be a string");
    }
    return node.asText();
  }

  private static EvmAddress address(JsonNode parent, String path, String field) {
    String text = text(parent, path, field);
    if (!EvmAddress.isValid(text)) {
      throw new IllegalArgumentException("devnet info: " + path + " is not an EVM address");
    }
    return EvmAddress.parse(text);
  }
}
