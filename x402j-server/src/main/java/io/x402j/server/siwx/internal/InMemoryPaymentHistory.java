package io.x402j.server.siwx.internal;

import io.x402j.server.siwx.PaymentHistory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link PaymentHistory} in a map; entries older than the keep time are dropped when the map has
 * grown past a threshold, so memory stays bounded by the payments of one keep time. Not part of the
 * x402j API.
 */
public final class InMemoryPaymentHistory implements PaymentHistory {
  private static final int PRUNE_EVERY = 4096;

  private record Key(String resource, String network, String address) {}

  private final ConcurrentHashMap<Key, Instant> last = new ConcurrentHashMap<>();
  private final Clock clock;
  private final Duration keep;
  private int pruneAt = PRUNE_EVERY;

  /** A history that forgets payments older than {@code keep}. */
  public InMemoryPaymentHistory(Clock clock, Duration keep) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.keep = Objects.requireNonNull(keep, "keep");
  }

  @Override
  public void record(String resource, String network, String address, Instant at) {
    last.merge(new Key(resource, network, address), at, (a, b) -> a.isAfter(b) ? a : b);
    prune();
  }

  @Override
  public Optional<Instant> lastPayment(String resource, String network, String address) {
    return Optional.ofNullable(last.get(new Key(resource, network, address)));
  }

  private void prune() {
    synchronized (this) {
      if (last.size() < pruneAt) {
        return;
      }
      Instant cutoff = clock.instant().minus(keep);
      last.values().removeIf(at -> at.isBefore(cutoff));
      pruneAt = Math.max(PRUNE_EVERY, last.size() * 2);
    }
  }
}
