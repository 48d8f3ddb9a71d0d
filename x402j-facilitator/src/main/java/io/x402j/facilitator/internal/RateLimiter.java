package io.x402j.facilitator.internal;

import io.x402j.evm.EvmAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets for one endpoint: one global, one per payer. Not part of the x402j API.
 *
 * <p>A payer is its parsed address (20 bytes), never the text it arrived as, so a respelling is the
 * same payer; a payer that is not an address ({@code null}) has no bucket of its own, is never
 * stored, and is refused by the facilitator as invalid anyway. A refused call learns how long to
 * wait.
 *
 * <p>The payer table is bounded: when it is full, buckets that have refilled completely (payers
 * idle for a while) are dropped, at most once a second; if it is still full, a payer not in it is
 * refused until room frees up. A flood of distinct payers thus costs at most the bound in memory,
 * and never lets a tracked payer start over.
 */
public final class RateLimiter {
  /** The default bound of the payer table. */
  public static final int DEFAULT_MAX_PAYERS = 100_000;

  private static final long SWEEP_INTERVAL_NANOS = 1_000_000_000L;

  private final Bucket global;
  private final double perPayerPerMinute;
  private final int maxPayers;
  private final ConcurrentHashMap<EvmAddress, Bucket> payers = new ConcurrentHashMap<>();
  private final LongSupplier nanos;
  private volatile long sweptAt = Long.MIN_VALUE;

  /**
   * @param perSecond calls per second for everyone together; 0 for no limit
   * @param perPayerPerMinute calls per minute for one payer; 0 for no limit
   */
  public RateLimiter(double perSecond, double perPayerPerMinute, LongSupplier nanos) {
    this(perSecond, perPayerPerMinute, DEFAULT_MAX_PAYERS, nanos);
  }

  /** As above, tracking at most {@code maxPayers} payers. */
  public RateLimiter(
      double perSecond, double perPayerPerMinute, int maxPayers, LongSupplier nanos) {
    if (maxPayers < 1) {
      throw new IllegalArgumentException("maxPayers must be positive, got " + maxPayers);
    }
    this.nanos = nanos;
    this.global = perSecond > 0 ? new Bucket(perSecond, perSecond) : null;
    this.perPayerPerMinute = perPayerPerMinute;
    this.maxPayers = maxPayers;
  }

  /**
   * Takes a token for {@code payer} ({@code null} when the payment names no parsable payer: then
   * only the global limit applies).
   *
   * @return 0 when allowed, else the seconds to wait before trying again (at least 1)
   */
  public long acquire(EvmAddress payer) {
    long now = nanos.getAsLong();
    if (global != null) {
      long wait = global.take(now);
      if (wait > 0) {
        return wait;
      }
    }
    if (perPayerPerMinute <= 0 || payer == null) {
      return 0;
    }
    Bucket bucket = payers.get(payer);
    if (bucket == null) {
      if (payers.size() >= maxPayers) {
        sweep(now);
        if (payers.size() >= maxPayers) {
          // Full of payers active within the last refill period: no room for a new one yet.
          return Math.max(1, (long) Math.ceil(60.0 / perPayerPerMinute));
        }
      }
      // Concurrent newcomers may overshoot the bound by at most the number of request threads.
      bucket =
          payers.computeIfAbsent(payer, p -> new Bucket(perPayerPerMinute, perPayerPerMinute / 60));
    }
    return bucket.take(now);
  }

  /** How many payers are tracked (for tests). */
  public int trackedPayers() {
    return payers.size();
  }

  private void sweep(long now) {
    long last = sweptAt;
    if (last != Long.MIN_VALUE && now - last < SWEEP_INTERVAL_NANOS) {
      return; // a sweep walks the whole table: not on every call of a flood
    }
    sweptAt = now;
    payers.values().removeIf(bucket -> bucket.isFull(now));
  }

  private static final class Bucket {
    private final double capacity;
    private final double perSecond;
    private double tokens;
    private long updated = Long.MIN_VALUE;

    Bucket(double capacity, double perSecond) {
      this.capacity = capacity;
      this.perSecond = perSecond;
      this.tokens = capacity;
    }

    synchronized long take(long now) {
      refill(now);
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - tokens) / perSecond));
    }

    synchronized boolean isFull(long now) {
      refill(now);
      return tokens >= capacity;
    }

    private void refill(long now) {
      if (updated != Long.MIN_VALUE) {
        tokens = Math.min(capacity, tokens + (now - updated) / 1e9 * perSecond);
      }
      updated = now;
    }
  }
}
