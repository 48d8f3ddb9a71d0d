package io.x402j.svm;

import java.util.List;
import java.util.Objects;

/**
 * Accounts a v0 message loads from an on-chain address lookup table: indexes into the table of the
 * accounts loaded writable and of those loaded read-only.
 *
 * @param table the lookup table account
 * @param writable table indexes loaded writable
 * @param readonly table indexes loaded read-only
 */
public record AddressTableLookup(
    SolanaAddress table, List<Integer> writable, List<Integer> readonly) {
  /** Checks indexes are 0..255 and copies the lists. */
  public AddressTableLookup {
    Objects.requireNonNull(table, "table");
    writable = List.copyOf(Objects.requireNonNull(writable, "writable"));
    readonly = List.copyOf(Objects.requireNonNull(readonly, "readonly"));
    for (int index : writable) {
      check(index);
    }
    for (int index : readonly) {
      check(index);
    }
  }

  private static void check(int index) {
    if (index < 0 || index > 255) {
      throw new IllegalArgumentException("address table index must be 0..255, got " + index);
    }
  }
}
