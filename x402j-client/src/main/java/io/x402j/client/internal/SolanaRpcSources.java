package io.x402j.client.internal;

import io.x402j.core.Network;
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
 * serves one cluster; it is asked whatever Solana network a requirement names, and a transaction
 * built for another cluster simply fails to verify. Thread-safe. Not part of the x402j API.
 */
public final class SolanaRpcSources implements BlockhashSource, MintInfoSource {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int MINT_SIZE = 82;
  private static final int DECIMALS_OFFSET = 44;

  private final SolanaRpcClient rpc;

  /** Asks {@code rpc}. */
  public SolanaRpcSources(SolanaRpcClient rpc) {
    this.rpc = Objects.requireNonNull(rpc, "rpc");
  }

  @Override
  public RecentBlockhash latest(Network network) {
    SolanaRpcClient.LatestBlockhash latest = await(rpc.getLatestBlockhash(), "getLatestBlockhash");
    return new RecentBlockhash(latest.blockhash(), latest.lastValidBlockHeight());
  }

  @Override
  public MintInfo mintInfo(Network network, SolanaAddress mint) {
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
