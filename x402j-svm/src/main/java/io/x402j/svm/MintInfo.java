package io.x402j.svm;

import java.util.Objects;

/**
 * What a payer must know about a token mint to transfer it: the token program owning it and its
 * decimals (TransferChecked carries both).
 *
 * @param tokenProgram SPL Token or Token-2022
 * @param decimals the mint's decimals, 0..255
 */
public record MintInfo(SolanaAddress tokenProgram, int decimals) {
  /** Checks the program is a token program and decimals fit a byte. */
  public MintInfo {
    Objects.requireNonNull(tokenProgram, "tokenProgram");
    if (!SolanaPrograms.isTokenProgram(tokenProgram)) {
      throw new IllegalArgumentException(tokenProgram + " is not a token program");
    }
    if (decimals < 0 || decimals > 255) {
      throw new IllegalArgumentException("decimals must be 0..255, got " + decimals);
    }
  }
}
