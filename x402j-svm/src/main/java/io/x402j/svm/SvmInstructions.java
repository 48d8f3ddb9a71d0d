package io.x402j.svm;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/** Builders of the instructions an exact-scheme payment is made of. */
public final class SvmInstructions {
  /** Compute budget discriminator of SetComputeUnitLimit. */
  public static final int SET_COMPUTE_UNIT_LIMIT = 2;

  /** Compute budget discriminator of SetComputeUnitPrice. */
  public static final int SET_COMPUTE_UNIT_PRICE = 3;

  /** Token program discriminator of TransferChecked. */
  public static final int TRANSFER_CHECKED = 12;

  private SvmInstructions() {}

  /** ComputeBudget SetComputeUnitLimit: {@code 02} then the limit as u32 little-endian. */
  public static Instruction setComputeUnitLimit(long units) {
    if (units < 0 || units > 0xffffffffL) {
      throw new IllegalArgumentException("compute unit limit must fit in a u32, got " + units);
    }
    byte[] data =
        ByteBuffer.allocate(5)
            .order(ByteOrder.LITTLE_ENDIAN)
            .put((byte) SET_COMPUTE_UNIT_LIMIT)
            .putInt((int) units)
            .array();
    return new Instruction(SolanaPrograms.COMPUTE_BUDGET, List.of(), data);
  }

  /**
   * ComputeBudget SetComputeUnitPrice: {@code 03} then micro-lamports per compute unit as u64
   * little-endian.
   */
  public static Instruction setComputeUnitPrice(long microLamports) {
    if (microLamports < 0) {
      throw new IllegalArgumentException("compute unit price must not be negative");
    }
    byte[] data =
        ByteBuffer.allocate(9)
            .order(ByteOrder.LITTLE_ENDIAN)
            .put((byte) SET_COMPUTE_UNIT_PRICE)
            .putLong(microLamports)
            .array();
    return new Instruction(SolanaPrograms.COMPUTE_BUDGET, List.of(), data);
  }

  /**
   * Token (or Token-2022) TransferChecked: data {@code 0c}, amount u64 little-endian, decimals u8;
   * accounts [source (writable), mint, destination (writable), authority (signer)].
   *
   * @param amount base units, 0 to 2^64 − 1
   */
  public static Instruction transferChecked(
      SolanaAddress tokenProgram,
      SolanaAddress source,
      SolanaAddress mint,
      SolanaAddress destination,
      SolanaAddress authority,
      long amount,
      int decimals) {
    if (amount < 0) {
      throw new IllegalArgumentException("transfer amount must not be negative");
    }
    return transferChecked(
        tokenProgram, source, mint, destination, authority, BigInteger.valueOf(amount), decimals);
  }

  /**
   * Like {@link #transferChecked(SolanaAddress, SolanaAddress, SolanaAddress, SolanaAddress,
   * SolanaAddress, long, int)} with the full unsigned 64-bit amount range.
   *
   * @throws IllegalArgumentException if {@code amount} is negative or above 2^64 − 1
   */
  public static Instruction transferChecked(
      SolanaAddress tokenProgram,
      SolanaAddress source,
      SolanaAddress mint,
      SolanaAddress destination,
      SolanaAddress authority,
      BigInteger amount,
      int decimals) {
    if (!SolanaPrograms.isTokenProgram(Objects.requireNonNull(tokenProgram, "tokenProgram"))) {
      throw new IllegalArgumentException(tokenProgram + " is not a token program");
    }
    if (amount.signum() < 0 || amount.bitLength() > 64) {
      throw new IllegalArgumentException("transfer amount must be 0..2^64-1, got " + amount);
    }
    if (decimals < 0 || decimals > 255) {
      throw new IllegalArgumentException("decimals must be 0..255, got " + decimals);
    }
    byte[] data =
        ByteBuffer.allocate(10)
            .order(ByteOrder.LITTLE_ENDIAN)
            .put((byte) TRANSFER_CHECKED)
            .putLong(amount.longValue())
            .put((byte) decimals)
            .array();
    return new Instruction(
        tokenProgram,
        List.of(
            AccountMeta.writable(source),
            AccountMeta.readonly(mint),
            AccountMeta.writable(destination),
            AccountMeta.readonlySigner(authority)),
        data);
  }

  /** SPL Memo with no signer accounts: the data is the memo's UTF-8 bytes. */
  public static Instruction memo(String text) {
    return new Instruction(
        SolanaPrograms.MEMO,
        List.of(),
        Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8));
  }
}
