package io.x402j.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.server.ReplayStore;
import java.time.Clock;
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
}
