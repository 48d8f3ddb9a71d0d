package io.x402j.svm;

import io.x402j.core.Network;

/**
 * Where {@link ExactSvmClient} learns a mint's token program and decimals, usually by reading the
 * mint account over JSON-RPC (its owner is the token program; decimals are byte 44 of its data).
 * Implementations are thread-safe.
 */
@FunctionalInterface
public interface MintInfoSource {
  /**
   * The token program and decimals of {@code mint} on {@code network}.
   *
   * @throws IllegalArgumentException if {@code mint} is not a token mint
   * @throws IllegalStateException if it cannot be looked up (the message says why)
   */
  MintInfo mintInfo(Network network, SolanaAddress mint);
}
