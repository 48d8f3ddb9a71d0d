package io.x402j.facilitator.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The facilitator's recent activity for its console, in memory and bounded: per time slot (10 s by
 * default, the last hour) the verify and settle calls and a latency histogram of each, and since
 * start the failures by operation and reason. Not part of the x402j API.
 *
 * <p>Latencies are counted in logarithmic buckets 10% wide (100 µs to 2 min), so a percentile is
 * the upper bound of its bucket: at most 10% above the true value. Recording is a few array writes
 * under a lock; the whole series is a fixed number of slots whatever the traffic.
 */
public final class OperationsSeries {
  /** Most distinct (operation, reason) pairs kept; reasons come from our own code, so few. */
  private static final int MAX_REASONS = 200;

  private static final double RATIO = 1.1;
  private static final double FIRST_MICROS = 100;
  private static final int BUCKETS = 150; // 100 µs · 1.1^149 ≈ 150 s

  private final long slotMillis;
  private final LongSupplier clockMillis;
  private final Slot[] slots;
  private final Map<String, Long> failures = new TreeMap<>();

  /** One time slot: counts and latency histograms. */
  private static final class Slot {
    long start = Long.MIN_VALUE;
    long verifies;
    long settles;
    long settleFailures;
    final int[] verifyLatency = new int[BUCKETS];
    final int[] settleLatency = new int[BUCKETS];

    void reset(long newStart) {
      start = newStart;
      verifies = 0;
      settles = 0;
      settleFailures = 0;
      Arrays.fill(verifyLatency, 0);
      Arrays.fill(settleLatency, 0);
    }
  }

  /**
   * @param slot the width of one time slot
   * @param slots how many slots are kept (the window is their product)
   * @param clockMillis the wall clock in epoch milliseconds (tests pass a fake one)
   */
  public OperationsSeries(Duration slot, int slots, LongSupplier clockMillis) {
    if (slot.toMillis() < 1 || slots < 2 || slots > 100_000) {
      throw new IllegalArgumentException("a series needs a positive slot and 2..100000 slots");
    }
    this.slotMillis = slot.toMillis();
    this.clockMillis = clockMillis;
    this.slots = new Slot[slots];
    for (int i = 0; i < slots; i++) {
      this.slots[i] = new Slot();
    }
  }

  /** Ten-second slots over the last hour, on the system clock. */
  public static OperationsSeries lastHour() {
    return new OperationsSeries(Duration.ofSeconds(10), 360, System::currentTimeMillis);
  }

  /**
   * Records one call.
   *
   * @param operation {@code verify} or {@code settle}
   * @param outcome {@code success}, {@code valid}, {@code pending}, {@code invalid}, {@code
   *     failure} or {@code error}
   * @param reason why it failed ({@code none} when it did not)
   * @param nanos how long it took
   */
  public void record(String operation, String outcome, String reason, long nanos) {
    boolean settle = "settle".equals(operation);
    boolean failed =
        !("success".equals(outcome) || "valid".equals(outcome) || "pending".equals(outcome));
    int bucket = bucket(nanos);
    long now = clockMillis.getAsLong();
    synchronized (this) {
      Slot slot = slotAt(now);
      if (settle) {
        slot.settles++;
        slot.settleLatency[bucket]++;
        if (failed) {
          slot.settleFailures++;
        }
      } else {
        slot.verifies++;
        slot.verifyLatency[bucket]++;
      }
      if (failed) {
        String key = operation + ": " + reason;
        if (failures.containsKey(key) || failures.size() < MAX_REASONS) {
          failures.merge(key, 1L, Long::sum);
        }
      }
    }
  }

  /**
   * The series for charts: {@code t} (slot starts, epoch seconds, oldest first) and per slot the
   * calls per second and the settle and verify latency p50 and p99 in milliseconds ({@code null}
   * where a slot had no such call).
   */
  public synchronized Snapshot snapshot() {
    long now = clockMillis.getAsLong();
    long current = Math.floorDiv(now, slotMillis) * slotMillis;
    int n = slots.length;
    List<Long> t = new ArrayList<>(n);
    List<Double> settleRate = new ArrayList<>(n);
    List<Double> verifyRate = new ArrayList<>(n);
    List<Double> settleP50 = new ArrayList<>(n);
    List<Double> settleP99 = new ArrayList<>(n);
    List<Double> verifyP50 = new ArrayList<>(n);
    List<Double> verifyP99 = new ArrayList<>(n);
    long settles = 0;
    long settleFailures = 0;
    long verifies = 0;
    int[] settleAll = new int[BUCKETS];
    double seconds = slotMillis / 1000.0;
    for (int i = n - 1; i >= 0; i--) {
      long start = current - i * slotMillis;
      Slot slot = slots[index(start)];
      boolean live = slot.start == start;
      t.add(start / 1000);
      settleRate.add(live ? round(slot.settles / seconds) : 0.0);
      verifyRate.add(live ? round(slot.verifies / seconds) : 0.0);
      settleP50.add(live ? quantile(slot.settleLatency, 0.50) : null);
      settleP99.add(live ? quantile(slot.settleLatency, 0.99) : null);
      verifyP50.add(live ? quantile(slot.verifyLatency, 0.50) : null);
      verifyP99.add(live ? quantile(slot.verifyLatency, 0.99) : null);
      if (live) {
        settles += slot.settles;
        settleFailures += slot.settleFailures;
        verifies += slot.verifies;
        for (int b = 0; b < BUCKETS; b++) {
          settleAll[b] += slot.settleLatency[b];
        }
      }
    }
    return new Snapshot(
        slotMillis / 1000,
        t,
        settleRate,
        verifyRate,
        settleP50,
        settleP99,
        verifyP50,
        verifyP99,
        settles,
        settleFailures,
        verifies,
        quantile(settleAll, 0.50),
        quantile(settleAll, 0.99),
        new LinkedHashMap<>(failures));
  }

  /**
   * What the console shows.
   *
   * @param slotSeconds the width of one slot
   * @param t slot starts in epoch seconds, oldest first
   * @param settlesPerSecond settle calls per second per slot
   * @param verifiesPerSecond verify calls per second per slot
   * @param settleP50 settle latency p50 per slot, ms
   * @param settleP99 settle latency p99 per slot, ms
   * @param verifyP50 verify latency p50 per slot, ms
   * @param verifyP99 verify latency p99 per slot, ms
   * @param settles settle calls in the window
   * @param settleFailures settle calls in the window that moved no money
   * @param verifies verify calls in the window
   * @param windowSettleP50 settle latency p50 over the window, ms, or {@code null}
   * @param windowSettleP99 settle latency p99 over the window, ms, or {@code null}
   * @param failures failures since start by "operation: reason"
   */
  public record Snapshot(
      long slotSeconds,
      List<Long> t,
      List<Double> settlesPerSecond,
      List<Double> verifiesPerSecond,
      List<Double> settleP50,
      List<Double> settleP99,
      List<Double> verifyP50,
      List<Double> verifyP99,
      long settles,
      long settleFailures,
      long verifies,
      Double windowSettleP50,
      Double windowSettleP99,
      Map<String, Long> failures) {}

  private Slot slotAt(long now) {
    long start = Math.floorDiv(now, slotMillis) * slotMillis;
    Slot slot = slots[index(start)];
    if (slot.start != start) {
      slot.reset(start);
    }
    return slot;
  }

  private int index(long start) {
    return (int) Math.floorMod(Math.floorDiv(start, slotMillis), (long) slots.length);
  }

  /** The bucket of a latency: 0 below 100 µs, then 10% wide. */
  static int bucket(long nanos) {
    double micros = nanos / 1000.0;
    if (micros <= FIRST_MICROS) {
      return 0;
    }
    int b = (int) Math.ceil(Math.log(micros / FIRST_MICROS) / Math.log(RATIO));
    return Math.min(b, BUCKETS - 1);
  }

  /** The upper bound of bucket {@code b} in milliseconds. */
  static double upperMillis(int b) {
    return FIRST_MICROS * Math.pow(RATIO, b) / 1000.0;
  }

  private static Double quantile(int[] histogram, double q) {
    long total = 0;
    for (int c : histogram) {
      total += c;
    }
    if (total == 0) {
      return null;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int b = 0; b < histogram.length; b++) {
      seen += histogram[b];
      if (seen >= rank) {
        return round(upperMillis(b));
      }
    }
    return round(upperMillis(histogram.length - 1));
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }
}
