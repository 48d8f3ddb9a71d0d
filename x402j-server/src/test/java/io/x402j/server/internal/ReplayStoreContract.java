package io.x402j.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.TokenAmount;
import io.x402j.core.testing.Concurrently;
import io.x402j.server.ReplayStore;
import io.x402j.server.ReplayStore.Acquired;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What every {@link ReplayStore} must do; run against each implementation by a subclass. */
abstract class ReplayStoreContract {
  static final class MutableClock extends Clock {
    volatile Instant now = Instant.parse("2026-11-21T12:00:00Z");

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
  final Instant inAMinute = clock.now.plusSeconds(60);

  /** A fresh, empty store using {@code clock}. */
  abstract ReplayStore store(Clock clock) throws Exception;

  @Test
  void onePaymentOneRequestAtATime() throws Exception {
    ReplayStore guard = store(clock);
    assertThat(guard.acquire("p", inAMinute).state()).isEqualTo(Acquired.NEW);
    assertThat(guard.acquire("p", inAMinute).state()).isEqualTo(Acquired.BUSY);
    assertThat(guard.acquire("q", inAMinute).state()).as("another payment").isEqualTo(Acquired.NEW);
    guard.release("p");
    assertThat(guard.acquire("p", inAMinute).state())
        .as("released: usable again")
        .isEqualTo(Acquired.NEW);
  }

  @Test
  void aSettledPaymentIsUsedUntilItExpires() throws Exception {
    ReplayStore guard = store(clock);
    guard.acquire("p", inAMinute);
    guard.settled("p");
    assertThat(guard.acquire("p", inAMinute).state()).isEqualTo(Acquired.USED);
    clock.now = clock.now.plusSeconds(61);
    assertThat(guard.acquire("p", clock.now.plusSeconds(60)).state()).isEqualTo(Acquired.NEW);
  }

  @Test
  void aPendingPaymentMayBeResumedOnceAtATime() throws Exception {
    ReplayStore guard = store(clock);
    guard.acquire("p", inAMinute);
    guard.pending("p", "attempt-of-p-0123456789", clock.now.plus(Duration.ofHours(1)));
    assertThat(guard.acquire("p", inAMinute).state()).isEqualTo(Acquired.RESUMED);
    assertThat(guard.acquire("p", inAMinute).state()).isEqualTo(Acquired.BUSY);
    clock.now = clock.now.plusSeconds(600);
    assertThat(guard.acquire("p", inAMinute).state())
        .as("kept for the pending window, beyond the payment's own expiry")
        .isEqualTo(Acquired.BUSY);
  }

  @Test
  void aResumedPaymentContinuesTheSettlementAttemptItStarted() throws Exception {
    ReplayStore guard = store(clock);
    ReplayStore.Acquisition first = guard.acquire("p", inAMinute);
    guard.pending("p", first.settlementId(), clock.now.plus(Duration.ofHours(1)));

    ReplayStore.Acquisition resumed = guard.acquire("p", inAMinute);

    assertThat(first.settlementId()).matches("[A-Za-z0-9_-]{43}");
    assertThat(resumed.state()).isEqualTo(Acquired.RESUMED);
    assertThat(resumed.settlementId()).isEqualTo(first.settlementId());
    assertThat(guard.acquire("p", inAMinute).settlementId()).as("busy: no attempt").isNull();
  }

  @Test
  void theGatesSettlementIdIsStoredAndHandedBackWhenResumed() throws Exception {
    ReplayStore guard = store(clock);
    String bound = SettlementBinding.newId(SettlementBinding.digest(java.util.Map.of("a", 1)));
    ReplayStore.Acquisition first = guard.acquire("p", inAMinute, bound);
    assertThat(first.state()).isEqualTo(Acquired.NEW);
    assertThat(first.settlementId()).isEqualTo(bound).hasSize(64);
    guard.pending("p", first.settlementId(), clock.now.plus(Duration.ofHours(1)));

    ReplayStore.Acquisition resumed = guard.acquire("p", inAMinute, "another-id");

    assertThat(resumed.state()).isEqualTo(Acquired.RESUMED);
    assertThat(resumed.settlementId()).isEqualTo(bound);
    assertThat(
            SettlementBinding.startedBy(bound, SettlementBinding.digest(java.util.Map.of("a", 1))))
        .isTrue();
    assertThat(
            SettlementBinding.startedBy(bound, SettlementBinding.digest(java.util.Map.of("a", 2))))
        .isFalse();
    assertThat(SettlementBinding.startedBy(ReplayStore.newSettlementId(), new byte[32]))
        .as("an id not bound to a payment is not checked")
        .isTrue();
  }

  @Test
  void aResumedPaymentSettlesTheAmountItsPendingAttemptSettled() throws Exception {
    ReplayStore guard = store(clock);
    ReplayStore.Acquisition first = guard.acquire("p", inAMinute);
    TokenAmount big = TokenAmount.parse(TokenAmount.UINT256_MAX.toString());
    guard.pending("p", first.settlementId(), big, clock.now.plus(Duration.ofHours(1)));

    ReplayStore.Acquisition resumed = guard.acquire("p", inAMinute);
    assertThat(resumed.state()).isEqualTo(Acquired.RESUMED);
    assertThat(resumed.settledAmount()).as("the uint256 maximum survives").isEqualTo(big);

    // Pending again (the resumed request gave up waiting): the amount it settles is kept.
    guard.pending("p", first.settlementId(), TokenAmount.of(2500), clock.now.plusSeconds(3600));
    assertThat(guard.acquire("p", inAMinute).settledAmount()).isEqualTo(TokenAmount.of(2500));
    guard.settled("p");
    assertThat(guard.acquire("p", inAMinute).settledAmount()).as("used").isNull();
  }

  @Test
  void aNewAttemptNeverInheritsAStoredAmount() throws Exception {
    ReplayStore guard = store(clock);
    ReplayStore.Acquisition first = guard.acquire("p", inAMinute);
    guard.pending("p", first.settlementId(), TokenAmount.of(7), clock.now.plusSeconds(120));
    guard.acquire("p", inAMinute);
    guard.release("p");
    assertThat(guard.acquire("p", inAMinute).settledAmount()).as("released, then new").isNull();

    ReplayStore.Acquisition second = guard.acquire("q", inAMinute);
    guard.pending("q", second.settlementId(), TokenAmount.of(9), clock.now.plusSeconds(120));
    clock.now = clock.now.plusSeconds(121);
    ReplayStore.Acquisition expired = guard.acquire("q", clock.now.plusSeconds(60));
    assertThat(expired.state()).isEqualTo(Acquired.NEW);
    assertThat(expired.settledAmount()).isNull();
    guard.pending("q", expired.settlementId(), clock.now.plusSeconds(120));
    ReplayStore.Acquisition noAmount = guard.acquire("q", clock.now.plusSeconds(60));
    assertThat(noAmount.state()).isEqualTo(Acquired.RESUMED);
    assertThat(noAmount.settledAmount()).as("pending without an amount").isNull();
  }

  @Test
  void aPendingEntryKeepsTheAttemptItIsGivenEvenIfItWasSweptMeanwhile() throws Exception {
    ReplayStore guard = store(clock);
    String attempt = guard.acquire("p", inAMinute).settlementId();
    clock.now = clock.now.plusSeconds(120); // the entry expired while its settlement was polled
    guard.acquire("sweep", clock.now.plusSeconds(60));

    guard.pending("p", attempt, clock.now.plus(Duration.ofHours(1)));

    assertThat(guard.acquire("p", clock.now.plusSeconds(60)).settlementId()).isEqualTo(attempt);
  }

  @Test
  void aReleasedPaymentStartsANewAttemptAndPaymentsNeverShareOne() throws Exception {
    ReplayStore guard = store(clock);
    String first = guard.acquire("p", inAMinute).settlementId();
    guard.release("p");
    String again = guard.acquire("p", inAMinute).settlementId();
    String other = guard.acquire("q", inAMinute).settlementId();

    assertThat(again).isNotEqualTo(first);
    assertThat(other).isNotIn(first, again);
  }

  @Test
  void fiftyRequestsRacingForOnePaymentLetOneThrough() throws Exception {
    ReplayStore guard = store(clock);
    String longKey = "exact|eip155:8453|0xtoken|0xpayer|" + "0".repeat(5000);
    List<Acquired> results =
        Concurrently.run(50, i -> () -> guard.acquire(longKey, inAMinute).state());
    assertThat(results.stream().filter(r -> r == Acquired.NEW)).hasSize(1);
    assertThat(results).containsOnly(Acquired.NEW, Acquired.BUSY);
  }

  @Test
  void aPaymentIdentifierIsReleasedOnlyByItsUnsettledPayment() throws Exception {
    ReplayStore store = store(clock);
    store.bindPaymentIdentifier("id-1", "fp-a", inAMinute);
    store.releasePaymentIdentifier("id-1", "fp-b");
    assertThat(store.bindPaymentIdentifier("id-1", "fp-b", inAMinute).created())
        .as("another payment cannot release it")
        .isFalse();
    store.releasePaymentIdentifier("id-1", "fp-a");
    assertThat(store.bindPaymentIdentifier("id-1", "fp-b", inAMinute))
        .as("released: the next payment binds it")
        .isEqualTo(new ReplayStore.BoundIdentifier("fp-b", null, true));
    store.paymentIdentifierSettled("id-1", "receipt-header");
    store.releasePaymentIdentifier("id-1", "fp-b");
    assertThat(store.bindPaymentIdentifier("id-1", "fp-b", inAMinute))
        .as("a settled id is kept")
        .isEqualTo(new ReplayStore.BoundIdentifier("fp-b", "receipt-header", false));
  }

  @Test
  void aPaymentIdentifierIsBoundToTheFirstFingerprintUntilItExpires() throws Exception {
    ReplayStore store = store(clock);
    assertThat(store.keepsPaymentIdentifiers()).isTrue();
    ReplayStore.BoundIdentifier first = store.bindPaymentIdentifier("id-1", "fp-a", inAMinute);
    assertThat(first).isEqualTo(new ReplayStore.BoundIdentifier("fp-a", null, true));
    assertThat(store.bindPaymentIdentifier("id-1", "fp-b", inAMinute))
        .as("another payment under the id sees the first")
        .isEqualTo(new ReplayStore.BoundIdentifier("fp-a", null, false));
    store.paymentIdentifierSettled("id-1", "receipt-header");
    assertThat(store.bindPaymentIdentifier("id-1", "fp-a", inAMinute))
        .isEqualTo(new ReplayStore.BoundIdentifier("fp-a", "receipt-header", false));
    assertThat(store.bindPaymentIdentifier("id-2", "fp-b", inAMinute).created())
        .as("ids are independent")
        .isTrue();
    assertThat(store.acquire("id-1", inAMinute).state())
        .as("an id is not a payment key")
        .isEqualTo(Acquired.NEW);
    clock.now = inAMinute.plusSeconds(1);
    assertThat(store.bindPaymentIdentifier("id-1", "fp-c", clock.now.plusSeconds(60)))
        .as("after expiry the id is free again")
        .isEqualTo(new ReplayStore.BoundIdentifier("fp-c", null, true));
  }

  @Test
  void concurrentBindsOfOneIdHaveOneWinner() throws Exception {
    ReplayStore store = store(clock);
    List<ReplayStore.BoundIdentifier> bound =
        Concurrently.run(
            20, i -> () -> store.bindPaymentIdentifier("id-race", "fp-" + i, inAMinute));
    assertThat(bound.stream().filter(ReplayStore.BoundIdentifier::created)).hasSize(1);
    String winner =
        bound.stream().filter(ReplayStore.BoundIdentifier::created).findFirst().get().fingerprint();
    assertThat(bound).allMatch(b -> b.fingerprint().equals(winner));
  }
}
