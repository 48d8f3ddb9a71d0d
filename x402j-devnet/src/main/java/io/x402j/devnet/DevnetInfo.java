package io.x402j.devnet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.x402j.core.Asset;
import io.x402j.core.Network;
import io.x402j.core.NetworkInfo;
import io.x402j.evm.EvmAddress;
import java.time.Duration;
import java.util.List;
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
    Duration blockTime) {

  /** Copies the account list. */
  public DevnetInfo {
    accounts = List.copyOf(accounts);
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
    ArrayNode list = root.putArray("accounts");
    for (DevnetAccount account : accounts) {
      list.addObject()
          .put("name", account.name())
          .put("address", account.address().toString())
          .put("privateKey", account.privateKey());
    }
    return root.toString();
  }
}
