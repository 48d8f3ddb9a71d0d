package io.x402j.facilitator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OperationsSeriesTest {
  private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
  private final OperationsSeries series = new OperationsSeries(Duration.ofSeconds(10), 6, now::get);

  private static long ms(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }

  @Test
  void percentilesAreWithinTenPercentAboveTheTrueValue() {
    for (int i = 1; i <= 100; i++) {
      series.record("settle", "success", "none", ms(i));
    }
    OperationsSeries.Snapshot s = series.snapshot();
    assertThat(s.settles()).isEqualTo(100);
    assertThat(s.windowSettleP50()).isBetween(50.0, 55.0);
    assertThat(s.windowSettleP99()).isBetween(99.0, 108.9);
    assertThat(s.settleP50().get(5)).isEqualTo(s.windowSettleP50());
    assertThat(s.settlesPerSecond().get(5)).isEqualTo(10.0);
    assertThat(s.verifyP50().get(5)).isNull();
  }

  @Test
  void slotsRollOverAndTheWindowIsBounded() {
    series.record("settle", "success", "none", ms(5));
    series.record("verify", "valid", "none", ms(1));
    now.addAndGet(10_000);
    series.record("settle", "success", "none", ms(7));
    OperationsSeries.Snapshot s = series.snapshot();
    assertThat(s.t()).hasSize(6);
    assertThat(s.t().get(5) - s.t().get(4)).isEqualTo(10);
    assertThat(s.settlesPerSecond().subList(4, 6)).containsExactly(0.1, 0.1);
    assertThat(s.verifiesPerSecond().get(4)).isEqualTo(0.1);
    assertThat(s.settles()).isEqualTo(2);

    now.addAndGet(60_000); // a whole window later: everything aged out
    s = series.snapshot();
    assertThat(s.settles()).isZero();
    assertThat(s.settleP99()).containsOnlyNulls();
    series.record("settle", "success", "none", ms(3));
    assertThat(series.snapshot().settles()).isEqualTo(1);
  }

  @Test
  void failuresAreCountedByOperationAndReasonAndBounded() {
    series.record("settle", "success", "none", ms(1));
    series.record("settle", "pending", "settlement_pending", ms(1));
    series.record("settle", "failure", "invalid_exact_evm_payload_signature", ms(1));
    series.record("settle", "failure", "invalid_exact_evm_payload_signature", ms(1));
    series.record("verify", "invalid", "payer_denied", ms(1));
    OperationsSeries.Snapshot s = series.snapshot();
    assertThat(s.failures())
        .containsOnlyKeys("settle: invalid_exact_evm_payload_signature", "verify: payer_denied")
        .containsEntry("settle: invalid_exact_evm_payload_signature", 2L);
    assertThat(s.settleFailures()).isEqualTo(2);
    for (int i = 0; i < 1000; i++) {
      series.record("settle", "failure", "reason" + i, ms(1));
    }
    assertThat(series.snapshot().failures()).hasSize(200);
  }

  @Test
  void latenciesBeyondTheLastBucketAreCountedInIt() {
    series.record("settle", "success", "none", TimeUnit.MINUTES.toNanos(10));
    series.record("settle", "success", "none", 0);
    assertThat(series.snapshot().windowSettleP99()).isGreaterThan(100_000.0);
    assertThat(OperationsSeries.bucket(0)).isZero();
    assertThat(OperationsSeries.upperMillis(OperationsSeries.bucket(ms(250))))
        .isBetween(250.0, 275.0);
  }
}
