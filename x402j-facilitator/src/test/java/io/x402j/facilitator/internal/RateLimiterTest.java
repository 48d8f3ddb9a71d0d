package io.x402j.facilitator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.evm.EvmAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  static final long SECOND = 1_000_000_000L;
  final AtomicLong clock = new AtomicLong(1_000 * SECOND);

  static EvmAddress payer(int i) {
    byte[] bytes = new byte[20];
    bytes[16] = (byte) (i >>> 24);
    bytes[17] = (byte) (i >>> 16);
    bytes[18] = (byte) (i >>> 8);
    bytes[19] = (byte) i;
    return EvmAddress.of(bytes);
  }

  @Test
  void onePayerIsOneBucketHoweverItWasSpelt() {
    RateLimiter limiter = new RateLimiter(0, 1, clock::get);
    EvmAddress payer = EvmAddress.parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");

    assertThat(limiter.acquire(payer)).isZero();
    assertThat(limiter.acquire(Payers.parse(payer.toLowerHex()))).isBetween(1L, 60L);
    assertThat(limiter.acquire(payer(7))).isZero();
  }

  @Test
  void aPayerThatIsNoAddressIsNeverStoredAndOnlyTheGlobalLimitApplies() {
    RateLimiter limiter = new RateLimiter(2, 1, clock::get);

    assertThat(limiter.acquire(null)).isZero();
    assertThat(limiter.acquire(null)).isZero();
    assertThat(limiter.acquire(null)).as("the global limit").isEqualTo(1);
    assertThat(limiter.trackedPayers()).isZero();
  }

  @Test
  void aFloodOfDistinctPayersIsBoundedAndNeverResetsATrackedPayer() {
    RateLimiter limiter = new RateLimiter(0, 1, 1_000, clock::get);
    EvmAddress regular = payer(0);
    assertThat(limiter.acquire(regular)).isZero();

    int admitted = 0;
    for (int i = 1; i <= 100_000; i++) {
      if (limiter.acquire(payer(i)) == 0) {
        admitted++;
      }
    }

    assertThat(limiter.trackedPayers()).isLessThanOrEqualTo(1_000);
    assertThat(admitted).isEqualTo(999);
    assertThat(limiter.acquire(regular)).as("still limited, not forgotten").isPositive();

    // A minute later every bucket has refilled: idle payers are dropped and newcomers fit again.
    clock.addAndGet(61 * SECOND);
    assertThat(limiter.acquire(payer(200_000))).isZero();
    assertThat(limiter.trackedPayers()).isEqualTo(1);
  }
}
