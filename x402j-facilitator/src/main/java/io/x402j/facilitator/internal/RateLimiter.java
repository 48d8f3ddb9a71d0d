package io.x402j.facilitator.internal;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets for {@code /settle}: one global, one per payer. Not part of the x402j API.
 *
 * <p>A refused call learns how long to wait. Idle payer buckets are dropped when the map grows
 * large, so a flood of distinct payers cannot exhaust memory.
 */
public final class RateLimiter {
  private static final int MAX_TRACKED_PAYERS = 100_000;

  private final Bucket global;
  private final double perPayerPerMinute;
  private final ConcurrentHashMap<String, Bucket> payers = new ConcurrentHashMap<>();
  private final LongSupplier nanos;

  /**
   * @param globalPerSecond settlements per second for everyone together; 0 for no limit
   * @param perPayerPerMinute settlements per minute for one payer; 0 for no limit
   */
  public RateLimiter(double globalPerSecond, double perPayerPerMinute, LongSupplier nanos) {
    this.nanos = nanos;
    this.global = globalPerSecond > 0 ? new Bucket(globalPerSecond, globalPerSecond) : null;
    this.perPayerPerMinute = perPayerPerMinute;
  }

  /**
   * Takes a token for {@code payer} (may be {@code null}).
   *
   * @return 0 when allowed, else the seconds to wait before trying again (at least 1)
   */
  public long acquire(String payer) {
    long now = nanos.getAsLong();
    if (global != null) {
      long wait = global.take(now);
      if (wait > 0) {
        return wait;
      }
    }
    if (perPayerPerMinute > 0 && payer != null) {
      if (payers.size() > MAX_TRACKED_PAYERS) {
        payers.values().removeIf(bucket -> bucket.isFull(now));
      }
      Bucket bucket =
          payers.computeIfAbsent(
              payer.toLowerCase(Locale.ROOT),
              p -> new Bucket(perPayerPerMinute, perPayerPerMinute / 60.0));
      return bucket.take(now);
    }
    return 0;
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
