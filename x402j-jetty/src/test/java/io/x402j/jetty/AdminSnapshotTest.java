package io.x402j.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** One computation per interval, however many pages poll; a failure is never kept. */
class AdminSnapshotTest {
  private static final Duration FIVE = Duration.ofSeconds(5);

  private final MovableClock clock = new MovableClock();
  private final AtomicInteger computations = new AtomicInteger();

  private Supplier<String> counting() {
    return () -> "answer " + computations.incrementAndGet();
  }

  @Test
  void twoPagesWithinTheIntervalShareOneComputationAndTheNextIntervalMakesANewOne() {
    AdminSnapshot<String> snapshot = AdminSnapshot.of(counting(), FIVE, clock);

    assertThat(snapshot.get()).isEqualTo("answer 1");
    assertThat(snapshot.get()).isEqualTo("answer 1");
    clock.now = clock.now.plus(FIVE).minusMillis(1);
    assertThat(snapshot.get()).isEqualTo("answer 1");
    assertThat(computations).hasValue(1);

    clock.now = clock.now.plusMillis(1);
    assertThat(snapshot.get()).isEqualTo("answer 2");
    assertThat(snapshot.get()).isEqualTo("answer 2");
    assertThat(computations).hasValue(2);
  }

  @Test
  void aClockThatWentBackCountsAsExpired() {
    AdminSnapshot<String> snapshot = AdminSnapshot.of(counting(), FIVE, clock);
    assertThat(snapshot.get()).isEqualTo("answer 1");
    clock.now = clock.now.minusSeconds(3600);
    assertThat(snapshot.get()).isEqualTo("answer 2");
  }

  @Test
  void aFailureIsNotKeptTheNextCallerComputesAgain() {
    AtomicInteger calls = new AtomicInteger();
    AdminSnapshot<String> snapshot =
        AdminSnapshot.of(
            () -> {
              if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("database down");
              }
              return "answer " + calls.get();
            },
            FIVE,
            clock);

    assertThatThrownBy(snapshot::get)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("database down");
    // Same instant, well within the interval: computed again, not the failure again.
    assertThat(snapshot.get()).isEqualTo("answer 2");
    assertThat(snapshot.get()).isEqualTo("answer 2");
    assertThat(calls).hasValue(2);
  }

  @Test
  void aPageArrivingWhileTheAnswerIsComputedWaitsForItInsteadOfComputingAgain() throws Exception {
    CountDownLatch computing = new CountDownLatch(1);
    CountDownLatch secondArrived = new CountDownLatch(1);
    AdminSnapshot<String> snapshot =
        AdminSnapshot.of(
            () -> {
              computing.countDown();
              try {
                // Held until the second page has asked (it reads the clock under the lock).
                assertThat(secondArrived.await(30, TimeUnit.SECONDS)).isTrue();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
              return "answer " + computations.incrementAndGet();
            },
            FIVE,
            clock);

    // Two threads of our own: the common pool may have one, and the first page blocks it.
    ExecutorService pages = Executors.newFixedThreadPool(2);
    try {
      Future<String> first = pages.submit(snapshot::get);
      assertThat(computing.await(30, TimeUnit.SECONDS)).isTrue();
      clock.onRead = secondArrived::countDown;
      Future<String> second = pages.submit(snapshot::get);

      assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo("answer 1");
      assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo("answer 1");
      assertThat(computations).hasValue(1);
    } finally {
      pages.shutdownNow();
    }
  }

  @Test
  void aNegativeIntervalIsRefused() {
    assertThatThrownBy(() -> AdminSnapshot.of(counting(), Duration.ofSeconds(-1), clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("interval");
  }
}
