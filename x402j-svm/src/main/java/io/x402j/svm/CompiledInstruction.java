package io.x402j.svm;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An instruction as a message carries it: the program and accounts as indexes into the message's
 * account list (static accounts, then accounts loaded from address tables), and opaque data.
 *
 * @param programIdIndex index of the program's account
 * @param accounts indexes of the accounts passed, in order
 * @param data the instruction data (copied in and out)
 */
public record CompiledInstruction(int programIdIndex, List<Integer> accounts, byte[] data) {
  /** Checks indexes are 0..255 and copies the lists. */
  public CompiledInstruction {
    checkIndex(programIdIndex, "programIdIndex");
    accounts = List.copyOf(Objects.requireNonNull(accounts, "accounts"));
    for (int index : accounts) {
      checkIndex(index, "account index");
    }
    data = Objects.requireNonNull(data, "data").clone();
    if (accounts.size() > 0xffff || data.length > 0xffff) {
      throw new IllegalArgumentException("instruction accounts or data longer than 0xffff");
    }
  }

  private static void checkIndex(int index, String what) {
    if (index < 0 || index > 255) {
      throw new IllegalArgumentException(what + " must be 0..255, got " + index);
    }
  }

  /** A copy of the data. */
  @Override
  public byte[] data() {
    return data.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CompiledInstruction
        && programIdIndex == ((CompiledInstruction) o).programIdIndex
        && accounts.equals(((CompiledInstruction) o).accounts)
        && Arrays.equals(data, ((CompiledInstruction) o).data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(programIdIndex, accounts, Arrays.hashCode(data));
  }

  @Override
  public String toString() {
    return "CompiledInstruction[program="
        + programIdIndex
        + ", accounts="
        + accounts
        + ", data="
        + java.util.HexFormat.of().formatHex(data)
        + "]";
  }
}
