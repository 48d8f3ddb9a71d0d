package io.x402j.client.internal;

import io.x402j.core.Network;
import io.x402j.core.support.Base58;
import io.x402j.core.support.Futures;
import io.x402j.svm.BlockhashSource;
import io.x402j.svm.MintInfo;
import io.x402j.svm.MintInfoSource;
import io.x402j.svm.RecentBlockhash;
import io.x402j.svm.SolanaAddress;
import io.x402j.svm.SolanaPrograms;
import io.x402j.svm.rpc.SolanaRpcClient;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A buyer's Solana facts from one JSON-RPC node: the latest blockhash ({@code getLatestBlockhash})
 * and a mint's token program and decimals (its account's owner, and byte 44 of its data). The node
 * serves one cluster: before it is asked anything for a requirement, its genesis hash must be the
 * one the requirement's network names (a CAIP-2 Solana reference is the genesis hash's first 32
 * characters). Otherwise a 402 could label a mainnet payment "devnet" and get past network limits
 * with a transaction the buyer's mainnet node made valid. Thread-safe. Not part of the x402j API.
 */
public final class SolanaRpcSources implements BlockhashSource, MintInfoSource {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int MINT_SIZE = 82;
  private static final int DECIMALS_OFFSET = 44;

  private final SolanaRpcClient rpc;
  private volatile String genesisHash;

  /** Asks {@code rpc}. */
  public SolanaRpcSources(SolanaRpcClient rpc) {
    this.rpc = Objects.requireNonNull(rpc, "rpc");
  }

  @Override
  public RecentBlockhash latest(Network network) {
    requireCluster(network);
    SolanaRpcClient.LatestBlockhash latest = await(rpc.getLatestBlockhash(), "getLatestBlockhash");
    return new RecentBlockhash(latest.blockhash(), latest.lastValidBlockHeight());
  }

  @Override
  public MintInfo mintInfo(Network network, SolanaAddress mint) {
    requireCluster(network);
    Optional<SolanaRpcClient.AccountInfo> account =
        await(rpc.getAccountInfo(mint.toString()), "getAccountInfo");
    if (account.isEmpty()) {
      throw new IllegalArgumentException("the mint " + mint + " does not exist on " + network);
    }
    SolanaAddress owner;
    try {
      owner = SolanaAddress.parse(account.get().owner());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("the node named an unreadable owner of " + mint, e);
    }
    byte[] data = account.get().data();
    if (!SolanaPrograms.isTokenProgram(owner) || data.length < MINT_SIZE) {
      throw new IllegalArgumentException("the account " + mint + " is not a token mint");
    }
    return new MintInfo(owner, data[DECIMALS_OFFSET] & 0xFF);
  }

  /**
   * Refuses to build for {@code network} unless the node serves it.
   *
   * @throws IllegalArgumentException if the node serves another cluster
   */
  private void requireCluster(Network network) {
    String genesis = genesisHash;
    if (genesis == null) {
      genesis = await(rpc.getGenesisHash(), "getGenesisHash");
      try {
        Base58.decode(genesis, 32, "genesis hash");
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(
            "the Solana node " + rpc.redactedUrl() + " named an unreadable " + e.getMessage(), e);
      }
      genesisHash = genesis;
    }
    String served = genesis.length() > 32 ? genesis.substring(0, 32) : genesis;
    if (!served.equals(network.reference())) {
      throw new IllegalArgumentException(
          "the Solana node "
              + rpc.redactedUrl()
              + " serves the cluster "
              + Network.SOLANA
              + ":"
              + served
              + ", not "
              + network
              + ": a transaction it helps build would pay on its cluster, not the one asked");
    }
  }

  private <T> T await(CompletableFuture<T> call, String method) {
    try {
      return call.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "Solana RPC "
              + rpc.redactedUrl()
              + " "
              + method
              + " failed: "
              + Futures.unwrap(e).getMessage(),
          e);
    } catch (TimeoutException e) {
      call.cancel(true);
      throw new IllegalStateException(
          "Solana RPC " + rpc.redactedUrl() + " " + method + " did not answer in " + WAIT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for Solana RPC " + method, e);
    }
  }
}
