package io.x402j.svm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compiles instructions into a v0 message without address tables, ordering accounts as the Solana
 * SDKs do: the fee payer first, then writable signers, read-only signers, writable non-signers and
 * read-only non-signers (programs are read-only non-signers). An account used several times gets
 * one entry that signs if any use signs and is writable if any use writes. Within a group, accounts
 * are ordered like {@code @solana/kit} orders them (its base58 collation: case-insensitive first,
 * lower case before upper case on a tie), so the same instructions give the official client's
 * bytes.
 */
public final class MessageCompiler {
  private MessageCompiler() {}

  /**
   * The v0 message paying fees from {@code feePayer} that runs {@code instructions} with {@code
   * recentBlockhash}.
   *
   * @throws IllegalArgumentException if the message breaks a sanitize rule (e.g. more than 256
   *     accounts, or the fee payer used as a program)
   */
  public static SolanaMessage compileV0(
      SolanaAddress feePayer, List<Instruction> instructions, byte[] recentBlockhash) {
    Objects.requireNonNull(feePayer, "feePayer");
    Map<SolanaAddress, boolean[]> metas = new LinkedHashMap<>();
    metas.put(feePayer, new boolean[] {true, true});
    for (Instruction ix : instructions) {
      merge(metas, ix.program(), false, false);
      for (AccountMeta meta : ix.accounts()) {
        merge(metas, meta.address(), meta.signer(), meta.writable());
      }
    }
    List<SolanaAddress> others = new ArrayList<>(metas.keySet());
    others.remove(feePayer);
    others.sort(
        Comparator.<SolanaAddress>comparingInt(a -> group(metas.get(a)))
            .thenComparing(MessageCompiler::compareBase58));
    List<SolanaAddress> accounts = new ArrayList<>();
    accounts.add(feePayer);
    accounts.addAll(others);
    int signers = 0;
    int readonlySigners = 0;
    int readonlyUnsigned = 0;
    for (SolanaAddress account : accounts) {
      boolean[] m = metas.get(account);
      if (m[0]) {
        signers++;
        if (!m[1]) {
          readonlySigners++;
        }
      } else if (!m[1]) {
        readonlyUnsigned++;
      }
    }
    List<CompiledInstruction> compiled = new ArrayList<>();
    for (Instruction ix : instructions) {
      List<Integer> indexes = new ArrayList<>();
      for (AccountMeta meta : ix.accounts()) {
        indexes.add(accounts.indexOf(meta.address()));
      }
      compiled.add(new CompiledInstruction(accounts.indexOf(ix.program()), indexes, ix.data()));
    }
    if (accounts.size() > 256) {
      throw new IllegalArgumentException(
          "the instructions use " + accounts.size() + " accounts, more than 256");
    }
    return SolanaMessage.of(
        0,
        signers,
        readonlySigners,
        readonlyUnsigned,
        accounts,
        recentBlockhash,
        compiled,
        List.of());
  }

  private static void merge(
      Map<SolanaAddress, boolean[]> metas,
      SolanaAddress address,
      boolean signer,
      boolean writable) {
    boolean[] m = metas.computeIfAbsent(address, a -> new boolean[2]);
    m[0] |= signer;
    m[1] |= writable;
  }

  private static int group(boolean[] meta) {
    if (meta[0]) {
      return meta[1] ? 0 : 1;
    }
    return meta[1] ? 2 : 3;
  }

  // @solana/kit sorts addresses with Intl.Collator('en', {caseFirst: 'lower', sensitivity:
  // 'variant', numeric: false}): letters compare case-insensitively (digits before letters), and
  // only if that ties does the first case difference decide, lower case first.
  static int compareBase58(SolanaAddress a, SolanaAddress b) {
    String x = a.toString();
    String y = b.toString();
    int n = Math.min(x.length(), y.length());
    for (int i = 0; i < n; i++) {
      int c =
          Character.compare(Character.toLowerCase(x.charAt(i)), Character.toLowerCase(y.charAt(i)));
      if (c != 0) {
        return c;
      }
    }
    if (x.length() != y.length()) {
      return Integer.compare(x.length(), y.length());
    }
    for (int i = 0; i < n; i++) {
      char p = x.charAt(i);
      char q = y.charAt(i);
      if (p != q) {
        return Character.isLowerCase(p) ? -1 : 1;
      }
    }
    return 0;
  }
}
