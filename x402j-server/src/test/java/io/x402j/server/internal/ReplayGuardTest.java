package io.x402j.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.server.ReplayStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayGuardTest extends ReplayStoreContract {
  final ReplayGuard guard = new ReplayGuard(clock);

  @Override
  ReplayStore store(Clock clock) {
    return new ReplayGuard(clock);
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
