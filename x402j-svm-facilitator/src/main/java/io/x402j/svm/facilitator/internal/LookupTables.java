package io.x402j.svm.facilitator.internal;

import io.x402j.svm.AddressTableLookup;
import io.x402j.svm.SolanaAddress;
import io.x402j.svm.rpc.SolanaRpcClient;
import io.x402j.svm.rpc.SolanaRpcClient.AccountInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Resolves a v0 message's address-lookup tables into the accounts they add, failing closed: a table
 * that does not exist, is not owned by the address-lookup-table program, is malformed, or lacks an
 * index the message uses refuses the whole transaction, so no account it could touch stays
 * invisible to the fee-payer isolation check. Not part of the x402j API.
 */
final class LookupTables {
  /** The address-lookup-table program. */
  static final SolanaAddress PROGRAM =
      SolanaAddress.parse("AddressLookupTab1e1111111111111111111111111");

  /** The table's metadata before its addresses. */
  private static final int META_SIZE = 56;

  /** A table's addresses could not be resolved; the message says which and why. */
  static final class Unresolvable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unresolvable(String message) {
      super(message, null, false, false);
    }
  }

  private LookupTables() {}

  /**
   * The addresses {@code lookups} load: every table's writable ones in order, then every table's
   * read-only ones, as the runtime orders them after the static accounts. Completes exceptionally
   * with {@link Unresolvable} when a table cannot be used.
   */
  static CompletableFuture<List<SolanaAddress>> resolve(
      SolanaRpcClient rpc, List<AddressTableLookup> lookups) {
    if (lookups.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    List<String> tables = new ArrayList<>();
    for (AddressTableLookup lookup : lookups) {
      tables.add(lookup.table().toString());
    }
    return rpc.getMultipleAccounts(tables).thenApply(accounts -> loaded(lookups, accounts));
  }

  static List<SolanaAddress> loaded(
      List<AddressTableLookup> lookups, List<Optional<AccountInfo>> accounts) {
    List<List<SolanaAddress>> contents = new ArrayList<>();
    for (int i = 0; i < lookups.size(); i++) {
      SolanaAddress table = lookups.get(i).table();
      AccountInfo account =
          accounts
              .get(i)
              .orElseThrow(() -> new Unresolvable("lookup table " + table + " not found"));
      if (!PROGRAM.toString().equals(account.owner())) {
        throw new Unresolvable("account " + table + " is not an address lookup table");
      }
      contents.add(addresses(table, account.data()));
    }
    List<SolanaAddress> loaded = new ArrayList<>();
    for (int i = 0; i < lookups.size(); i++) {
      pick(lookups.get(i), contents.get(i), lookups.get(i).writable(), loaded);
    }
    for (int i = 0; i < lookups.size(); i++) {
      pick(lookups.get(i), contents.get(i), lookups.get(i).readonly(), loaded);
    }
    return loaded;
  }

  private static void pick(
      AddressTableLookup lookup,
      List<SolanaAddress> content,
      List<Integer> indexes,
      List<SolanaAddress> into) {
    for (int index : indexes) {
      if (index < 0 || index >= content.size()) {
        throw new Unresolvable(
            "lookup table " + lookup.table() + " has no address at index " + index);
      }
      into.add(content.get(index));
    }
  }

  /** The addresses stored in a lookup table account's data. */
  static List<SolanaAddress> addresses(SolanaAddress table, byte[] data) {
    if (data.length < META_SIZE || (data.length - META_SIZE) % 32 != 0) {
      throw new Unresolvable("lookup table " + table + " has malformed data");
    }
    // The first four bytes are the state's discriminator: 1 for an initialised table.
    if (data[0] != 1 || data[1] != 0 || data[2] != 0 || data[3] != 0) {
      throw new Unresolvable("lookup table " + table + " is not initialised");
    }
    List<SolanaAddress> addresses = new ArrayList<>();
    for (int offset = META_SIZE; offset < data.length; offset += 32) {
      addresses.add(SolanaAddress.of(Arrays.copyOfRange(data, offset, offset + 32)));
    }
    return addresses;
  }
}
