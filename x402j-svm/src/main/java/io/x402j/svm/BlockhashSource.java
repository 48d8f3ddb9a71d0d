package io.x402j.svm;

import io.x402j.core.Network;

/**
 * Where {@link ExactSvmClient} gets the recent blockhash of the transactions it builds, usually the
 * network's JSON-RPC {@code getLatestBlockhash}. Implementations are thread-safe.
 */
@FunctionalInterface
public interface BlockhashSource {
  /**
   * The latest blockhash of {@code network}.
   *
   * @throws IllegalStateException if it cannot be obtained (the message says why)
   */
  RecentBlockhash latest(Network network);
}
