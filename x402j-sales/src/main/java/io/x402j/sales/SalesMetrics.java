package io.x402j.sales;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.x402j.server.Sale;
import io.x402j.server.SaleState;
import io.x402j.server.SalesRecord;
import java.math.BigInteger;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The seller's Prometheus metrics, counted as sales are recorded: wraps the {@link SalesRecord} (or
 * none) a gate is given. Meters (Prometheus names):
 *
 * <ul>
 *   <li>{@value #REVENUE}{@code _total{route, network, asset}}: settled revenue in atomic units of
 *       the token. Kept exactly here; Prometheus holds it as a float64, exact up to 2<sup>53</sup>
 *       (9·10<sup>9</sup> USDC).
 *   <li>{@value #SALES}{@code _total{state}}: events by state (admitted, settled, refused, pending)
 *       of payments a facilitator verified, recorded or not.
 *   <li>{@value #FAILURES}{@code _total}: events the wrapped record failed to take, or the gate
 *       dropped without trying (its writer's queue full, backing off after a failure, closed): the
 *       sale went on unrecorded.
 *   <li>{@value #UNVERIFIED}{@code _total}: refusals of payments no facilitator verified (bad
 *       signature, wrong amount, replays, …), which the gate counts here and never records.
 * </ul>
 */
public final class SalesMetrics implements SalesRecord {
  /** Settled revenue in atomic units (Prometheus: {@code x402j_seller_revenue_atomic_total}). */
  public static final String REVENUE = "x402j_seller_revenue_atomic";

  /** Sales events by state (Prometheus: {@code x402j_seller_sales_total}). */
  public static final String SALES = "x402j_seller_sales";

  /** Failed inserts (Prometheus: {@code x402j_seller_sales_record_failures_total}). */
  public static final String FAILURES = "x402j_seller_sales_record_failures";

  /**
   * Refused payments that were never verified, counted only (Prometheus: {@code
   * x402j_seller_unverified_refusals_total}).
   */
  public static final String UNVERIFIED = "x402j_seller_unverified_refusals";

  private final SalesRecord delegate;
  private final MeterRegistry registry;
  private final ConcurrentMap<SaleState, Counter> byState = new ConcurrentHashMap<>();
  private final ConcurrentMap<RevenueKey, AtomicReference<BigInteger>> revenue =
      new ConcurrentHashMap<>();
  private final Counter failures;
  private final Counter unverified;

  private record RevenueKey(String route, String network, String asset) {}

  private SalesMetrics(SalesRecord delegate, MeterRegistry registry) {
    this.delegate = delegate;
    this.registry = Objects.requireNonNull(registry, "registry");
    for (SaleState state : SaleState.values()) {
      byState.put(
          state,
          Counter.builder(meterName(SALES))
              .description("paid-request events by state")
              .tag("state", state.wire())
              .register(registry));
    }
    this.failures =
        Counter.builder(meterName(FAILURES))
            .description("sales events the sales record failed to take")
            .register(registry);
    this.unverified =
        Counter.builder(meterName(UNVERIFIED))
            .description("refusals of payments no facilitator verified, counted and not recorded")
            .register(registry);
  }

  /** Counts sales into {@code registry}, then records them in {@code delegate}. */
  public static SalesMetrics wrapping(SalesRecord delegate, MeterRegistry registry) {
    return new SalesMetrics(Objects.requireNonNull(delegate, "delegate"), registry);
  }

  /** Counts sales into {@code registry} and records them nowhere else. */
  public static SalesMetrics only(MeterRegistry registry) {
    return new SalesMetrics(null, registry);
  }

  // Micrometer's Prometheus naming adds _total to counters and turns dots into underscores.
  private static String meterName(String prometheus) {
    return prometheus.replace('_', '.');
  }

  @Override
  public void record(Sale sale) {
    count(sale);
    if (delegate != null) {
      try {
        delegate.record(sale);
      } catch (RuntimeException e) {
        failures.increment();
        throw e;
      }
    }
  }

  /**
   * Counts an event the gate did not record: an unverified refusal in {@value #UNVERIFIED}, any
   * other (dropped) by its state and revenue as if recorded, and in {@value #FAILURES}.
   */
  @Override
  public void unrecorded(Sale sale, Unrecorded why) {
    if (why == Unrecorded.UNVERIFIED) {
      unverified.increment();
    } else {
      count(sale);
      failures.increment();
    }
    if (delegate != null) {
      delegate.unrecorded(sale, why);
    }
  }

  private void count(Sale sale) {
    byState.get(sale.state()).increment();
    if (sale.state() == SaleState.SETTLED) {
      revenue(sale).accumulateAndGet(sale.amount().value(), BigInteger::add);
    }
  }

  private AtomicReference<BigInteger> revenue(Sale sale) {
    RevenueKey key = new RevenueKey(sale.route(), sale.network().toString(), sale.asset());
    return revenue.computeIfAbsent(
        key,
        k -> {
          AtomicReference<BigInteger> sum = new AtomicReference<>(BigInteger.ZERO);
          FunctionCounter.builder(meterName(REVENUE), sum, s -> s.get().doubleValue())
              .description("settled revenue in atomic units of the token")
              .tag("route", k.route())
              .tag("network", k.network())
              .tag("asset", k.asset())
              .register(registry);
          return sum;
        });
  }
}
