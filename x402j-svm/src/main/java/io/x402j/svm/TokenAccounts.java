package io.x402j.svm;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Objects;

/** Program-derived addresses, in particular associated token accounts. */
public final class TokenAccounts {
  private static final byte[] PDA_MARKER =
      "ProgramDerivedAddress".getBytes(StandardCharsets.US_ASCII);

  private TokenAccounts() {}

  /**
   * The associated token account of {@code owner} for {@code mint} under {@code tokenProgram}: the
   * program-derived address of the associated token program with seeds [owner, tokenProgram, mint].
   */
  public static SolanaAddress associated(
      SolanaAddress owner, SolanaAddress mint, SolanaAddress tokenProgram) {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(mint, "mint");
    Objects.requireNonNull(tokenProgram, "tokenProgram");
    return findProgramAddress(
            List.of(owner.bytes(), tokenProgram.bytes(), mint.bytes()),
            SolanaPrograms.ASSOCIATED_TOKEN)
        .address();
  }

  /** A program-derived address and the bump seed that produced it. */
  public record ProgramAddress(SolanaAddress address, int bump) {}

  /**
   * Solana's {@code find_program_address}: the first bump from 255 down for which {@code
   * sha256(seeds ‖ bump ‖ program ‖ "ProgramDerivedAddress")} is off the Ed25519 curve.
   *
   * @throws IllegalArgumentException if there are more than 15 seeds (16 with the bump) or a seed
   *     is longer than 32 bytes, or no bump works (practically impossible)
   */
  public static ProgramAddress findProgramAddress(List<byte[]> seeds, SolanaAddress program) {
    Objects.requireNonNull(program, "program");
    if (seeds.size() > 15) {
      throw new IllegalArgumentException("at most 15 seeds, got " + seeds.size());
    }
    for (byte[] seed : seeds) {
      if (seed.length > 32) {
        throw new IllegalArgumentException("a seed is at most 32 bytes, got " + seed.length);
      }
    }
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
    byte[] programBytes = program.bytes();
    for (int bump = 255; bump >= 0; bump--) {
      for (byte[] seed : seeds) {
        sha256.update(seed);
      }
      sha256.update((byte) bump);
      sha256.update(programBytes);
      sha256.update(PDA_MARKER);
      byte[] hash = sha256.digest();
      if (!Ed25519.isOnCurve(hash)) {
        return new ProgramAddress(SolanaAddress.of(hash), bump);
      }
    }
    throw new IllegalArgumentException("no viable bump seed for a program address");
  }
}
