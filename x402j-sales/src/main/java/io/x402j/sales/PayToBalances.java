package io.x402j.sales;

import io.x402j.core.Network;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.svm.SolanaAddress;
import io.x402j.svm.SolanaPrograms;
import io.x402j.svm.TokenAccounts;
import io.x402j.svm.rpc.SolanaRpcClient;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Reads the seller's token balances from the chain, for the dashboard: ERC-20 {@code balanceOf}
 * through the JSON-RPC client on EVM networks, the associated token account's balance through the
 * Solana RPC client on Solana. Only networks given an RPC URL are read; answers are kept for
 * {@value #KEEP_SECONDS} s so a polling page does not hammer the node. Thread-safe.
 */
public final class PayToBalances {
  /** How long a balance read is reused. */
  public static final long KEEP_SECONDS = 15;

  private static final Duration WAIT = Duration.ofSeconds(3);

  private final Map<Network, JsonRpcClient> evm = new LinkedHashMap<>();
  private final Map<Network, SolanaRpcClient> solana = new LinkedHashMap<>();
  private final Clock clock;
  private final Map<PayTo, Read> cache = new ConcurrentHashMap<>();

  private record Read(Instant at, CompletableFuture<BigInteger> balance) {}

  private PayToBalances(Map<Network, String> rpcUrls, Clock clock) {
    this.clock = clock;
    rpcUrls.forEach(
        (network, url) -> {
          if (network.isEvm()) {
            evm.put(network, JsonRpcClient.builder(url).timeout(WAIT).maxAttempts(1).build());
          } else if (Network.SOLANA.equals(network.namespace())) {
            solana.put(network, SolanaRpcClient.connect(url));
          } else {
            throw new IllegalArgumentException(
                "no balance reader for network " + network + " (eip155 and solana only)");
          }
        });
  }

  /** Reads balances on the networks of {@code rpcUrls} (network to node URL). */
  public static PayToBalances of(Map<Network, String> rpcUrls) {
    return new PayToBalances(rpcUrls, Clock.systemUTC());
  }

  /** Like {@link #of(Map)}, how long a read is kept timed by {@code clock} (for tests). */
  static PayToBalances of(Map<Network, String> rpcUrls, Clock clock) {
    return new PayToBalances(rpcUrls, Objects.requireNonNull(clock, "clock"));
  }

  /** Reads nothing: every balance is unknown. */
  public static PayToBalances none() {
    return new PayToBalances(Map.of(), Clock.systemUTC());
  }

  /** Whether {@code network} has a node to read from. */
  public boolean reads(Network network) {
    return evm.containsKey(network) || solana.containsKey(network);
  }

  /**
   * The balance of {@code payTo} in atomic units, empty when its network has no node or the node
   * did not answer within 3 s (never an exception: a page shows "unavailable").
   */
  public Optional<BigInteger> balance(PayTo payTo) {
    Objects.requireNonNull(payTo, "payTo");
    if (!reads(payTo.network())) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    Read read =
        cache.compute(
            payTo,
            (k, old) ->
                old != null
                        && old.at().plusSeconds(KEEP_SECONDS).isAfter(now)
                        && !old.balance().isCompletedExceptionally()
                    ? old
                    : new Read(now, fetch(k)));
    try {
      return Optional.of(read.balance().get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  private CompletableFuture<BigInteger> fetch(PayTo payTo) {
    try {
      JsonRpcClient rpc = evm.get(payTo.network());
      if (rpc != null) {
        String owner = EvmAddress.parse(payTo.address()).toLowerHex().substring(2);
        String data = "0x70a08231" + "0".repeat(64 - owner.length()) + owner;
        Map<String, String> call = new LinkedHashMap<>();
        call.put("to", EvmAddress.parse(payTo.asset()).toLowerHex());
        call.put("data", data);
        return rpc.call("eth_call", call, "latest")
            .thenApply(
                n -> {
                  String hex = n.asText();
                  if (!hex.matches("0x[0-9a-fA-F]{1,64}")) {
                    throw new IllegalStateException("balanceOf answered no uint256");
                  }
                  return new BigInteger(hex.substring(2), 16);
                });
      }
      SolanaRpcClient sol = solana.get(payTo.network());
      SolanaAddress account =
          TokenAccounts.associated(
              SolanaAddress.parse(payTo.address()),
              SolanaAddress.parse(payTo.asset()),
              SolanaPrograms.TOKEN);
      return sol.getTokenAccountBalance(account.toString())
          .thenApply(SolanaRpcClient.TokenBalance::amount);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
