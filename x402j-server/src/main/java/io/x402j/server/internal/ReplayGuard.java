package io.x402j.server.internal;

import io.x402j.core.TokenAmount;
import io.x402j.server.ReplayStore;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Remembers payments in use, so that one payment never buys two responses: not two concurrent
 * requests (the facilitator would settle both into the same transaction and answer success twice),
 * and not the same header again after it was settled. A payment whose settlement is pending may be
 * presented again, to follow that settlement. Entries are forgotten when the payment expires, after
 * which the facilitator refuses it anyway. Not part of the x402j API.
 */
public final class ReplayGuard implements ReplayStore {
  private enum State {
    IN_USE,
    PENDING,
    SETTLED
  }

  private record Entry(
      State state, Instant expiresAt, String settlementId, TokenAmount settledAmount) {}

  private static final long SWEEP_EVERY_MILLIS = 1_000;

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final Clock clock;
  private final AtomicLong lastSweep = new AtomicLong();

  /** A guard using {@code clock} for expiry. */
  public ReplayGuard(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Acquisition acquire(String key, Instant expiresAt) {
    return acquire(key, expiresAt, ReplayStore.newSettlementId());
  }

  @Override
  public Acquisition acquire(String key, Instant expiresAt, String newSettlementId) {
    Instant now = clock.instant();
    sweep(now);
    Acquisition[] result = new Acquisition[1];
    entries.compute(
        key,
        (k, old) -> {
          if (old == null || old.expiresAt().isBefore(now)) {
            String id = newSettlementId;
            result[0] = new Acquisition(Acquired.NEW, id);
            return new Entry(State.IN_USE, expiresAt, id, null);
          }
          switch (old.state()) {
            case PENDING:
              result[0] =
                  new Acquisition(Acquired.RESUMED, old.settlementId(), old.settledAmount());
              return new Entry(
                  State.IN_USE, old.expiresAt(), old.settlementId(), old.settledAmount());
            case SETTLED:
              result[0] = new Acquisition(Acquired.USED, null);
              return old;
            case IN_USE:
            default:
              result[0] = new Acquisition(Acquired.BUSY, null);
              return old;
          }
        });
    return result[0];
  }

  @Override
  public void release(String key) {
    entries.remove(key);
  }

  @Override
  public void settled(String key) {
    entries.computeIfPresent(
        key,
        (k, old) ->
            new Entry(State.SETTLED, old.expiresAt(), old.settlementId(), old.settledAmount()));
  }

  @Override
  public void pending(
      String key, String settlementId, TokenAmount settledAmount, Instant keepUntil) {
    entries.compute(
        key,
        (k, old) ->
            new Entry(
                State.PENDING,
                old == null || old.expiresAt().isBefore(keepUntil) ? keepUntil : old.expiresAt(),
                settlementId,
                settledAmount));
  }

  private record Bound(String fingerprint, String receipt, Instant expiresAt) {}

  private final ConcurrentHashMap<String, Bound> identifiers = new ConcurrentHashMap<>();

  @Override
  public boolean keepsPaymentIdentifiers() {
    return true;
  }

  @Override
  public BoundIdentifier bindPaymentIdentifier(
      String idKey, String fingerprint, Instant expiresAt) {
    Instant now = clock.instant();
    sweep(now);
    boolean[] created = new boolean[1];
    Bound bound =
        identifiers.compute(
            idKey,
            (k, old) -> {
              if (old == null || old.expiresAt().isBefore(now)) {
                created[0] = true;
                return new Bound(fingerprint, null, expiresAt);
              }
              return old;
            });
    return new BoundIdentifier(bound.fingerprint(), bound.receipt(), created[0]);
  }

  @Override
  public void paymentIdentifierSettled(String idKey, String receipt) {
    identifiers.computeIfPresent(
        idKey, (k, old) -> new Bound(old.fingerprint(), receipt, old.expiresAt()));
  }

  @Override
  public void releasePaymentIdentifier(String idKey, String fingerprint) {
    identifiers.computeIfPresent(
        idKey,
        (k, old) -> old.receipt() == null && old.fingerprint().equals(fingerprint) ? null : old);
  }

  /** How many payments are remembered. */
  public int size() {
    return entries.size();
  }

  private void sweep(Instant now) {
    long millis = now.toEpochMilli();
    long last = lastSweep.get();
    if (millis - last >= SWEEP_EVERY_MILLIS && lastSweep.compareAndSet(last, millis)) {
      entries.values().removeIf(e -> e.expiresAt().isBefore(now));
      identifiers.values().removeIf(e -> e.expiresAt().isBefore(now));
    }
  }
}
