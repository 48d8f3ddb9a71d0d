package io.x402j.svm;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An instruction before compilation into a message: program, account metas and data.
 *
 * @param program the program invoked
 * @param accounts the accounts passed, in order
 * @param data the instruction data (copied in and out)
 */
public record Instruction(SolanaAddress program, List<AccountMeta> accounts, byte[] data) {
  /** Copies the list and data. */
  public Instruction {
    Objects.requireNonNull(program, "program");
    accounts = List.copyOf(accounts);
    data = data.clone();
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Instruction
        && program.equals(((Instruction) o).program)
        && accounts.equals(((Instruction) o).accounts)
        && Arrays.equals(data, ((Instruction) o).data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(program, accounts, Arrays.hashCode(data));
  }

  @Override
  public String toString() {
    return "Instruction[program="
        + program
        + ", accounts="
        + accounts
        + ", data="
        + java.util.HexFormat.of().formatHex(data)
        + "]";
  }
}
