package io.x402j.evm.facilitator.internal;

import io.x402j.core.Network;
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
 *
 * <p>EIP-3009 and Permit2 settlements share the table: both spend the payer's balance of one token,
 * so each counts the other's reservations. An entry is identified by its ledger key.
 */
public final class Reservations {
  /**
   * One settlement held by this process.
   *
   * @param key the settlement's ledger key
   * @param amount what it reserved (0 until it reserves)
   * @param transaction its transaction hash once signed, else {@code null}
   */
  public record Entry(SettlementKey key, BigInteger amount, String transaction) {}

  /**
   * A settlement and the balance it spends: the payer's balance of {@code asset} on {@code
   * network}.
   */
  public record Slot(Network network, EvmAddress asset, EvmAddress payer, SettlementKey key) {
    /** The slot of an EIP-3009 settlement. */
    public static Slot of(EvmLedgerKey key) {
      return new Slot(key.network(), key.asset(), key.payer(), key.ledgerKey());
    }

    Holder holder() {
      return new Holder(network, asset, payer);
    }
  }

  private record Holder(Network network, EvmAddress asset, EvmAddress payer) {}

  private final Map<Holder, Map<SettlementKey, Entry>> held = new HashMap<>();
  private final Map<SettlementKey, Holder> holders = new HashMap<>();

  /** Marks a settlement as this process's, with nothing reserved yet. */
  public void enter(EvmLedgerKey key) {
    enter(Slot.of(key));
  }

  /** Marks a settlement as this process's, with nothing reserved yet. */
  public synchronized void enter(Slot slot) {
    held.computeIfAbsent(slot.holder(), h -> new HashMap<>())
        .putIfAbsent(slot.key(), new Entry(slot.key(), BigInteger.ZERO, null));
    holders.putIfAbsent(slot.key(), slot.holder());
  }

  /** Whether a ledger record is one of this process's settlements (entered and not left). */
  public synchronized boolean isHeld(SettlementKey key) {
    Holder holder = holders.get(key);
    Map<SettlementKey, Entry> entries = holder == null ? null : held.get(holder);
    return entries != null && entries.containsKey(key);
  }

  /** Whether a settlement is this process's (entered and not left). */
  public boolean isHeld(EvmLedgerKey key) {
    return isHeld(key.ledgerKey());
  }

  /** The other reservations of the payer and token of {@code key}. */
  public List<Entry> others(EvmLedgerKey key) {
    return others(Slot.of(key));
  }

  /** The other reservations of the payer and token of {@code slot}. */
  public synchronized List<Entry> others(Slot slot) {
    Map<SettlementKey, Entry> entries = held.get(slot.holder());
    List<Entry> others = new ArrayList<>();
    if (entries != null) {
      for (Entry entry : entries.values()) {
        if (!entry.key().equals(slot.key()) && entry.amount().signum() > 0) {
          others.add(entry);
        }
      }
    }
    return others;
  }

  /** As {@link #reserve(Slot, BigInteger, BigInteger, Set)} for an EIP-3009 settlement. */
  public boolean reserve(
      EvmLedgerKey key, BigInteger amount, BigInteger available, Set<SettlementKey> mined) {
    return reserve(Slot.of(key), amount, available, mined);
  }

  /**
   * Reserves {@code amount} for {@code slot} if {@code available} (the payer's balance less what
   * other facilitators have in flight) minus this process's other reservations for the same payer
   * and token, those in {@code mined} aside, covers it.
   *
   * @return whether it was reserved; when not, nothing changed
   */
  public synchronized boolean reserve(
      Slot slot, BigInteger amount, BigInteger available, Set<SettlementKey> mined) {
    Holder holder = slot.holder();
    Map<SettlementKey, Entry> entries = held.computeIfAbsent(holder, h -> new HashMap<>());
    if (available.subtract(sumBesides(entries, slot.key(), mined)).compareTo(amount) < 0) {
      if (entries.isEmpty()) {
        held.remove(holder);
      }
      return false;
    }
    Entry before = entries.get(slot.key());
    entries.put(
        slot.key(), new Entry(slot.key(), amount, before == null ? null : before.transaction()));
    holders.putIfAbsent(slot.key(), holder);
    return true;
  }

  /** Notes the transaction a reservation's settlement signed, for later receipt checks. */
  public void signed(EvmLedgerKey key, String transaction) {
    signed(Slot.of(key), transaction);
  }

  /** Notes the transaction a reservation's settlement signed, for later receipt checks. */
  public synchronized void signed(Slot slot, String transaction) {
    Map<SettlementKey, Entry> entries = held.get(slot.holder());
    Entry entry = entries == null ? null : entries.get(slot.key());
    if (entry != null) {
      entries.put(slot.key(), new Entry(slot.key(), entry.amount(), transaction));
    }
  }

  /**
   * What this process has reserved for the payer and token of {@code key}, other than key's own and
   * those in {@code mined}.
   */
  public BigInteger reservedBesides(EvmLedgerKey key, Set<SettlementKey> mined) {
    return reservedBesides(Slot.of(key), mined);
  }

  /**
   * What this process has reserved for the payer and token of {@code slot}, other than its own and
   * those in {@code mined}.
   */
  public synchronized BigInteger reservedBesides(Slot slot, Set<SettlementKey> mined) {
    Map<SettlementKey, Entry> entries = held.get(slot.holder());
    return entries == null ? BigInteger.ZERO : sumBesides(entries, slot.key(), mined);
  }

  /** Forgets a settlement: its outcome is in the ledger now. */
  public void leave(EvmLedgerKey key) {
    leave(Slot.of(key));
  }

  /** Forgets a settlement: its outcome is in the ledger now. */
  public synchronized void leave(Slot slot) {
    Holder holder = slot.holder();
    Map<SettlementKey, Entry> entries = held.get(holder);
    if (entries != null) {
      entries.remove(slot.key());
      if (entries.isEmpty()) {
        held.remove(holder);
      }
    }
    holders.remove(slot.key());
  }

  /** How many settlements are held (for tests). */
  public synchronized int size() {
    return held.values().stream().mapToInt(Map::size).sum();
  }

  private static BigInteger sumBesides(
      Map<SettlementKey, Entry> entries, SettlementKey key, Set<SettlementKey> mined) {
    BigInteger total = BigInteger.ZERO;
    for (Entry entry : entries.values()) {
      if (!entry.key().equals(key) && !mined.contains(entry.key())) {
        total = total.add(entry.amount());
      }
    }
    return total;
  }
}
