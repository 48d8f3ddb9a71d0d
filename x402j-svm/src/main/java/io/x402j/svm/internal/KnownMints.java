package io.x402j.svm.internal;

import io.x402j.core.Network;
import io.x402j.svm.MintInfo;
import io.x402j.svm.SolanaAddress;
import io.x402j.svm.SolanaPrograms;
import java.util.Map;
import java.util.Optional;

/**
 * Token program and decimals of the stablecoins the official SDK offers by default on SPL Token
 * (public facts; the Token-2022 ones need a {@link io.x402j.svm.MintInfoSource}).
 */
public final class KnownMints {
  private static final MintInfo SPL_6 = new MintInfo(SolanaPrograms.TOKEN, 6);
  private static final Map<Network, Map<SolanaAddress, MintInfo>> KNOWN =
      Map.of(
          new Network(Network.SOLANA, "5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp"),
          Map.of(
              SolanaAddress.parse("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"), SPL_6, // USDC
              SolanaAddress.parse("Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB"), SPL_6), // USDT
          new Network(Network.SOLANA, "EtWTRABZaYq6iMfeYKouRu166VU2xqa1"),
          Map.of(SolanaAddress.parse("4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU"), SPL_6),
          new Network(Network.SOLANA, "4uhcVJyU9pJkvQyS88uRDiswHXSCkY3z"),
          Map.of(SolanaAddress.parse("4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU"), SPL_6));

  private KnownMints() {}

  /** The token program and decimals of {@code mint} on {@code network}, if it is a known one. */
  public static Optional<MintInfo> find(Network network, SolanaAddress mint) {
    return Optional.ofNullable(KNOWN.getOrDefault(network, Map.of()).get(mint));
  }
}
