package io.x402j.svm;

/** Addresses of the Solana programs the exact scheme uses or allows. */
public final class SolanaPrograms {
  /** SPL Token ({@code Tokenkeg…}). */
  public static final SolanaAddress TOKEN =
      SolanaAddress.parse("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");

  /** SPL Token-2022 ({@code Tokenz…}). */
  public static final SolanaAddress TOKEN_2022 =
      SolanaAddress.parse("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb");

  /** The associated token account program. */
  public static final SolanaAddress ASSOCIATED_TOKEN =
      SolanaAddress.parse("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL");

  /** The compute budget program. */
  public static final SolanaAddress COMPUTE_BUDGET =
      SolanaAddress.parse("ComputeBudget111111111111111111111111111111");

  /** SPL Memo (v2). */
  public static final SolanaAddress MEMO =
      SolanaAddress.parse("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr");

  /** Lighthouse, whose assertions wallets such as Phantom add to transactions. */
  public static final SolanaAddress LIGHTHOUSE =
      SolanaAddress.parse("L2TExMFKdjpN9kozasaurPirfHy9P8sbXoAN1qA3S95");

  /** The system program (32 zero bytes). */
  public static final SolanaAddress SYSTEM =
      SolanaAddress.parse("11111111111111111111111111111111");

  private SolanaPrograms() {}

  /** Whether {@code program} is SPL Token or Token-2022. */
  public static boolean isTokenProgram(SolanaAddress program) {
    return TOKEN.equals(program) || TOKEN_2022.equals(program);
  }
}
