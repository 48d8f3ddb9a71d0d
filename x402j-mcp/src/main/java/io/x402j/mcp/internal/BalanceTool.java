package io.x402j.mcp.internal;

import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.x402j.core.Asset;
import io.x402j.core.Network;
import io.x402j.core.NetworkInfo;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.support.Futures;
import io.x402j.evm.Abi;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.svm.SolanaAddress;
import io.x402j.svm.TokenAccounts;
import io.x402j.svm.rpc.SolanaRpcClient;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code x402_balance}: the wallet's native and token balances (the network's default token in the
 * registry: USDC, or the devnet's test dollar) on each network it has a node for.
 */
public final class BalanceTool {
  /** The tool's arguments. */
  public static final Set<String> ARGUMENTS = Set.of("network");

  private static final long TIMEOUT_SECONDS = 30;

  private final NetworkRegistry networks;
  private final Accounts accounts;
  private final Map<Network, JsonRpcClient> evmNodes;
  private final SolanaRpcClient solanaNode;

  /**
   * A tool reading through {@code evmNodes} (one per chain) and {@code solanaNode} (or {@code
   * null}), the tokens named by {@code networks}.
   */
  public BalanceTool(
      NetworkRegistry networks,
      Accounts accounts,
      Map<Network, JsonRpcClient> evmNodes,
      SolanaRpcClient solanaNode) {
    this.networks = networks;
    this.accounts = accounts;
    this.evmNodes = Map.copyOf(evmNodes);
    this.solanaNode = solanaNode;
  }

  /** Runs a call. */
  public CallToolResult call(Map<String, Object> arguments) {
    Network only;
    try {
      String text = ToolArguments.of(arguments, ARGUMENTS).optionalString("network");
      only = text == null || text.isBlank() ? null : resolve(text);
    } catch (IllegalArgumentException e) {
      return ToolResults.error(e.getMessage());
    }
    List<Map<String, Object>> balances = new ArrayList<>();
    List<Network> evm = new ArrayList<>(evmNodes.keySet());
    evm.sort(java.util.Comparator.comparing(Network::toString));
    for (Network network : evm) {
      if (only == null || only.equals(network)) {
        balances.add(guard(network, () -> evm(network)));
      }
    }
    boolean wantSolana = only == null || Network.SOLANA.equals(only.namespace());
    if (solanaNode != null && wantSolana) {
      balances.add(guard(only, () -> solana(only)));
    }
    if (balances.isEmpty()) {
      return ToolResults.error(
          only == null
              ? "no network to read balances on: start the wallet with --rpc-url URL of an EVM"
                  + " chain (or --solana-rpc-url URL)"
              : "no node for "
                  + only
                  + ": the wallet reads "
                  + (evmNodes.isEmpty() && solanaNode == null
                      ? "no network"
                      : String.join(", ", evm.stream().map(Network::toString).toList())
                          + (solanaNode == null ? "" : (evm.isEmpty() ? "" : ", ") + "Solana"))
                  + "; start it with --rpc-url URL of that chain");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("balances", balances);
    boolean allFailed = balances.stream().allMatch(b -> b.containsKey("error"));
    return allFailed
        ? ToolResults.error("cannot read the balances: " + balances.get(0).get("error"), out)
        : ToolResults.ok(out);
  }

  private Network resolve(String text) {
    try {
      return networks.resolve(text.strip());
    } catch (IllegalArgumentException e) {
      throw new ToolArguments.BadArgument("network: " + e.getMessage());
    }
  }

  private interface Read {
    Map<String, Object> read() throws Exception;
  }

  private static Map<String, Object> guard(Network network, Read read) {
    try {
      return read.read();
    } catch (Exception e) {
      Throwable cause = Futures.unwrap(e);
      Map<String, Object> failed = new LinkedHashMap<>();
      if (network != null) {
        failed.put("network", network.toString());
      }
      failed.put("error", "cannot read the balance: " + cause.getMessage());
      return failed;
    }
  }

  private Map<String, Object> evm(Network network) throws Exception {
    Map<String, Object> b = header(network);
    EvmAddress owner = accounts.evm();
    if (owner == null) {
      b.put("error", "the wallet has no EVM key");
      return b;
    }
    JsonRpcClient rpc = evmNodes.get(network);
    b.put("address", owner.toString());
    BigInteger wei =
        Hex.parseQuantity(await(rpc.call("eth_getBalance", owner.toLowerHex(), "latest")).asText());
    b.put("native", amount("ETH", wei, 18));
    Optional<Asset> token = networks.defaultAsset(network);
    if (token.isPresent()) {
      EvmAddress address = EvmAddress.parse(token.get().address());
      Map<String, Object> call = new LinkedHashMap<>();
      call.put("to", address.toLowerHex());
      call.put("data", Hex.encode(Abi.call("balanceOf(address)").address(owner).encode()));
      BigInteger units = Hex.parseQuantity(await(rpc.call("eth_call", call, "latest")).asText());
      Map<String, Object> t = amount(token.get().symbol(), units, token.get().decimals());
      t.put("asset", address.toString());
      b.put("token", t);
    }
    return b;
  }

  private Map<String, Object> solana(Network asked) throws Exception {
    String genesis = await(solanaNode.getGenesisHash());
    Network network =
        Network.parse(
            Network.SOLANA + ":" + (genesis.length() > 32 ? genesis.substring(0, 32) : genesis));
    if (asked != null && !asked.equals(network)) {
      throw new IllegalArgumentException("the Solana node serves " + network + ", not " + asked);
    }
    Map<String, Object> b = header(network);
    SolanaAddress owner = accounts.solana();
    if (owner == null) {
      b.put("error", "the wallet has no Solana key");
      return b;
    }
    b.put("address", owner.toString());
    long lamports = await(solanaNode.getBalance(owner.toString()));
    b.put("native", amount("SOL", BigInteger.valueOf(lamports), 9));
    Optional<Asset> token = networks.defaultAsset(network);
    if (token.isPresent()) {
      SolanaAddress mint = SolanaAddress.parse(token.get().address());
      Optional<SolanaRpcClient.AccountInfo> mintAccount =
          await(solanaNode.getAccountInfo(mint.toString()));
      if (mintAccount.isEmpty()) {
        b.put("token", Map.of("symbol", token.get().symbol(), "error", "no such mint"));
        return b;
      }
      SolanaAddress ata =
          TokenAccounts.associated(owner, mint, SolanaAddress.parse(mintAccount.get().owner()));
      BigInteger units = BigInteger.ZERO;
      if (await(solanaNode.getAccountInfo(ata.toString())).isPresent()) {
        units = await(solanaNode.getTokenAccountBalance(ata.toString())).amount();
      }
      Map<String, Object> t = amount(token.get().symbol(), units, token.get().decimals());
      t.put("asset", mint.toString());
      b.put("token", t);
    }
    return b;
  }

  private Map<String, Object> header(Network network) {
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("network", network.toString());
    networks.find(network).map(NetworkInfo::displayName).ifPresent(n -> b.put("name", n));
    return b;
  }

  private static Map<String, Object> amount(String symbol, BigInteger units, int decimals) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("symbol", symbol);
    a.put(
        "amount",
        new BigDecimal(units).movePointLeft(decimals).stripTrailingZeros().toPlainString());
    a.put("atomic", units.toString());
    return a;
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }
}
