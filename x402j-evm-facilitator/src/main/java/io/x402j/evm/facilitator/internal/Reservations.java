package io.x402j.evm.facilitator.internal;

import io.x402j.core.Network;
import io.x402j.evm.Bytes32;
import io.x402j.evm.EvmAddress;
import io.x402j.settlement.SettlementKey;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The token amounts this process has committed to settlements in flight, per payer's token balance,
 * so that two settlements never spend one balance twice. Not part of the x402j API.
 *
 * <p>Invariants: a settlement this process owns is {@link #enter entered} before its payer's
 * in-flight settlements are counted and {@link #leave left} only after its outcome is in the ledger
 * (final, or pending where the ledger itself shows it in flight); it may {@link #reserve} its
 * amount only while the balance less every other reservation of the same payer covers it, decided
 * under one lock, so of N concurrent settlements over a balance that covers one, exactly one
 * reserves. A reservation whose transaction the caller saw mined (named by its ledger key) is left
 * out of that sum (the balance it read afterwards already shows the transfer). Methods are short
 * and do no I/O under the lock. The table holds only settlements in flight, so it is bounded by the
 * settlements running at once.
 */
public final class Reservations {
  /**
   * One settlement held by this process.
   *
   * @param key the settlement
   * @param amount what it reserved (0 until it reserves)
   * @param transaction its transaction hash once signed, else {@code null}
   */
  public record Entry(EvmLedgerKey key, BigInteger amount, String transaction) {}

  private record Holder(Network network, EvmAddress asset, EvmAddress payer) {
    static Holder of(EvmLedgerKey key) {
      return new Holder(key.network(), key.asset(), key.payer());
    }
  }

  private final Map<Holder, Map<Bytes32, Entry>> held = new HashMap<>();

  /** Marks a settlement as this process's, with nothing reserved yet. */
  public synchronized void enter(EvmLedgerKey key) {
    held.computeIfAbsent(Holder.of(key), h -> new HashMap<>())
        .putIfAbsent(key.nonce(), new Entry(key, BigInteger.ZERO, null));
  }

  /** Whether a ledger record is one of this process's settlements (entered and not left). */
  public boolean isHeld(SettlementKey key) {
    return EvmLedgerKey.from(key).map(this::isHeld).orElse(false);
  }

  /** Whether a settlement is this process's (entered and not left). */
  public synchronized boolean isHeld(EvmLedgerKey key) {
    Map<Bytes32, Entry> entries = held.get(Holder.of(key));
    return entries != null && entries.containsKey(key.nonce());
  }

  /** The other reservations of the payer and token of {@code key}. */
  public synchronized List<Entry> others(EvmLedgerKey key) {
    Map<Bytes32, Entry> entries = held.get(Holder.of(key));
    List<Entry> others = new ArrayList<>();
    if (entries != null) {
      for (Entry entry : entries.values()) {
        if (!entry.key().equals(key) && entry.amount().signum() > 0) {
          others.add(entry);
        }
      }
    }
    return others;
  }

  /**
   * Reserves {@code amount} for {@code key} if {@code available} (the payer's balance less what
   * other facilitators have in flight) minus this process's other reservations for the same payer
   * and token, those in {@code mined} aside, covers it.
   *
   * @return whether it was reserved; when not, nothing changed
   */
  public synchronized boolean reserve(
      EvmLedgerKey key, BigInteger amount, BigInteger available, Set<SettlementKey> mined) {
    Holder holder = Holder.of(key);
    Map<Bytes32, Entry> entries = held.computeIfAbsent(holder, h -> new HashMap<>());
    if (available.subtract(sumBesides(entries, key, mined)).compareTo(amount) < 0) {
      if (entries.isEmpty()) {
        held.remove(holder);
      }
      return false;
    }
    Entry before = entries.get(key.nonce());
    entries.put(key.nonce(), new Entry(key, amount, before == null ? null : before.transaction()));
    return true;
  }

  /** Notes the transaction a reservation's settlement signed, for later receipt checks. */
  public synchronized void signed(EvmLedgerKey key, String transaction) {
    Map<Bytes32, Entry> entries = held.get(Holder.of(key));
    Entry entry = entries == null ? null : entries.get(key.nonce());
    if (entry != null) {
      entries.put(key.nonce(), new Entry(key, entry.amount(), transaction));
    }
  }

  /**
   * What this process has reserved for the payer and token of {@code key}, other than key's own and
   * those in {@code mined}.
   */
  public synchronized BigInteger reservedBesides(EvmLedgerKey key, Set<SettlementKey> mined) {
    Map<Bytes32, Entry> entries = held.get(Holder.of(key));
    return entries == null ? BigInteger.ZERO : sumBesides(entries, key, mined);
  }

  /** Forgets a settlement: its outcome is in the ledger now. */
  public synchronized void leave(EvmLedgerKey key) {
    Holder holder = Holder.of(key);
    Map<Bytes32, Entry> entries = held.get(holder);
    if (entries != null) {
      entries.remove(key.nonce());
      if (entries.isEmpty()) {
        held.remove(holder);
      }
    }
  }

  /** How many settlements are held (for tests). */
  public synchronized int size() {
    return held.values().stream().mapToInt(Map::size).sum();
  }

  private static BigInteger sumBesides(
      Map<Bytes32, Entry> entries, EvmLedgerKey key, Set<SettlementKey> mined) {
    BigInteger total = BigInteger.ZERO;
    for (Entry entry : entries.values()) {
      if (!entry.key().equals(key) && !mined.contains(entry.key().ledgerKey())) {
        total = total.add(entry.amount());
      }
    }
    return total;
  }
}
