package io.x402j.evm.internal;

import io.x402j.core.Network;
import io.x402j.evm.Bytes32;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.settle.SettlementKey;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;

/**
 * The token amounts this process has committed to settlements in flight, per payer's token balance,
 * so that two settlements never spend one balance twice. Not part of the x402j API.
 *
 * <p>Invariants: a settlement this process owns is {@link #enter entered} before its payer's
 * in-flight settlements are counted and {@link #leave left} only after its outcome is in the ledger
 * (final, or pending where the ledger itself shows it in flight); it may {@link #reserve} its
 * amount only while the balance less every other reservation of the same payer covers it, decided
 * under one lock, so of N concurrent settlements over a balance that covers one, exactly one
 * reserves. Methods are short and do no I/O under the lock. The table holds only settlements in
 * flight, so it is bounded by the settlements running at once.
 */
public final class Reservations {
  private record Holder(Network network, EvmAddress asset, EvmAddress payer) {
    static Holder of(SettlementKey key) {
      return new Holder(key.network(), key.asset(), key.payer());
    }
  }

  private final Map<Holder, Map<Bytes32, BigInteger>> held = new HashMap<>();

  /** Marks a settlement as this process's, with nothing reserved yet. */
  public synchronized void enter(SettlementKey key) {
    held.computeIfAbsent(Holder.of(key), h -> new HashMap<>())
        .putIfAbsent(key.nonce(), BigInteger.ZERO);
  }

  /** Whether a settlement is this process's (entered and not left). */
  public synchronized boolean isHeld(SettlementKey key) {
    Map<Bytes32, BigInteger> nonces = held.get(Holder.of(key));
    return nonces != null && nonces.containsKey(key.nonce());
  }

  /**
   * Reserves {@code amount} for {@code key} if {@code available} (the payer's balance less what
   * other facilitators have in flight) minus this process's other reservations for the same payer
   * and token covers it.
   *
   * @return whether it was reserved; when not, nothing changed
   */
  public synchronized boolean reserve(SettlementKey key, BigInteger amount, BigInteger available) {
    Map<Bytes32, BigInteger> nonces = held.computeIfAbsent(Holder.of(key), h -> new HashMap<>());
    BigInteger others = sum(nonces).subtract(nonces.getOrDefault(key.nonce(), BigInteger.ZERO));
    if (available.subtract(others).compareTo(amount) < 0) {
      if (nonces.isEmpty()) {
        held.remove(Holder.of(key));
      }
      return false;
    }
    nonces.put(key.nonce(), amount);
    return true;
  }

  /**
   * What this process has reserved for the payer and token of {@code key}, other than key's own.
   */
  public synchronized BigInteger reservedBesides(SettlementKey key) {
    Map<Bytes32, BigInteger> nonces = held.get(Holder.of(key));
    if (nonces == null) {
      return BigInteger.ZERO;
    }
    return sum(nonces).subtract(nonces.getOrDefault(key.nonce(), BigInteger.ZERO));
  }

  /** Forgets a settlement: its outcome is in the ledger now. */
  public synchronized void leave(SettlementKey key) {
    Holder holder = Holder.of(key);
    Map<Bytes32, BigInteger> nonces = held.get(holder);
    if (nonces != null) {
      nonces.remove(key.nonce());
      if (nonces.isEmpty()) {
        held.remove(holder);
      }
    }
  }

  /** How many settlements are held (for tests). */
  public synchronized int size() {
    return held.values().stream().mapToInt(Map::size).sum();
  }

  private static BigInteger sum(Map<Bytes32, BigInteger> nonces) {
    BigInteger total = BigInteger.ZERO;
    for (BigInteger amount : nonces.values()) {
      total = total.add(amount);
    }
    return total;
  }
}
