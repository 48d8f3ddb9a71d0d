package io.x402j.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.server.internal.ReplayGuard.Acquired;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayGuardTest {
  static final class MutableClock extends Clock {
    Instant now = Instant.parse("2026-11-21T12:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  final MutableClock clock = new MutableClock();
  final ReplayGuard guard = new ReplayGuard(clock);
  final Instant inAMinute = clock.now.plusSeconds(60);

  @Test
  void onePaymentOneRequestAtATime() {
    assertThat(guard.acquire("p", inAMinute)).isEqualTo(Acquired.NEW);
    assertThat(guard.acquire("p", inAMinute)).isEqualTo(Acquired.BUSY);
    guard.release("p");
    assertThat(guard.acquire("p", inAMinute)).as("released: usable again").isEqualTo(Acquired.NEW);
  }

  @Test
  void aSettledPaymentIsUsedUntilItExpires() {
    guard.acquire("p", inAMinute);
    guard.settled("p");
    assertThat(guard.acquire("p", inAMinute)).isEqualTo(Acquired.USED);
    clock.now = clock.now.plusSeconds(61);
    assertThat(guard.acquire("p", clock.now.plusSeconds(60))).isEqualTo(Acquired.NEW);
  }

  @Test
  void aPendingPaymentMayBeResumedOnceAtATime() {
    guard.acquire("p", inAMinute);
    guard.pending("p", clock.now.plus(Duration.ofHours(1)));
    assertThat(guard.acquire("p", inAMinute)).isEqualTo(Acquired.RESUMED);
    assertThat(guard.acquire("p", inAMinute)).isEqualTo(Acquired.BUSY);
    clock.now = clock.now.plusSeconds(600);
    assertThat(guard.acquire("p", inAMinute))
        .as("kept for the pending window, beyond the payment's own expiry")
        .isEqualTo(Acquired.BUSY);
  }

  @Test
  void expiredEntriesAreSwept() {
    for (int i = 0; i < 100; i++) {
      guard.acquire("p" + i, inAMinute);
    }
    clock.now = clock.now.plusSeconds(120);
    guard.acquire("fresh", clock.now.plusSeconds(60));
    assertThat(guard.size()).isEqualTo(1);
  }

  @Test
  void theSameAuthorizationIsOnePaymentWhateverElseThePayloadCarries() {
    Map<String, Object> authorization =
        Map.of("from", "0xAbC", "nonce", "0x01", "validBefore", "1800000000");
    String plain =
        PaymentIds.key(
            "exact",
            "eip155:8453",
            "0xT",
            Map.of("authorization", authorization, "signature", "0x1"));
    String padded =
        PaymentIds.key(
            "exact",
            "eip155:8453",
            "0xt",
            Map.of(
                "authorization",
                Map.of("from", "0xabc", "nonce", "0x01", "extra", 1),
                "signature",
                "0x2"));
    assertThat(padded).isEqualTo(plain);
    assertThat(PaymentIds.key("exact", "eip155:1", "0xT", Map.of("authorization", authorization)))
        .isNotEqualTo(plain);
    assertThat(PaymentIds.key("x", "n", "a", Map.of("b", 1, "a", 2)))
        .isEqualTo(PaymentIds.key("x", "n", "a", new java.util.TreeMap<>(Map.of("a", 2, "b", 1))));
    assertThat(PaymentIds.expiry(Map.of("authorization", authorization), clock.now))
        .isEqualTo(Instant.ofEpochSecond(1_800_000_000L));
    assertThat(PaymentIds.expiry(Map.of("authorization", Map.of("validBefore", "soon")), clock.now))
        .isEqualTo(clock.now);
  }
}
