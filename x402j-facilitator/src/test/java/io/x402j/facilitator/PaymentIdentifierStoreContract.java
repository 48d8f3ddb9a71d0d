package io.x402j.facilitator;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.extensions.PaymentIdentifier;
import io.x402j.facilitator.PaymentIdentifierStore.Binding;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * What every {@link PaymentIdentifierStore} must do: bind a payer's id to the first fingerprint
 * atomically, keep payers and letter cases apart, and let lapsed bindings go.
 */
abstract class PaymentIdentifierStoreContract {
  static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  static final Instant LATER = NOW.plus(Duration.ofHours(1));
  static final String BUYER = "eip155:0x1111111111111111111111111111111111111111";
  static final String OTHER = "eip155:0x2222222222222222222222222222222222222222";
  static final String FP1 = "a".repeat(64);
  static final String FP2 = "b".repeat(64);

  /** The store under test, empty of the ids the tests make up. */
  abstract PaymentIdentifierStore store();

  /** Another handle on the same storage (another instance sharing the database). */
  abstract PaymentIdentifierStore sameStorage();

  private static int counter;

  /** A new id, unique in this JVM, so tests sharing a database do not meet. */
  static synchronized PaymentIdentifier newId() {
    return PaymentIdentifier.parse("pay_contract_" + System.nanoTime() + "_" + counter++);
  }

  @Test
  void theFirstPaymentOwnsAnIdAndAnotherPaymentMeetsIt() {
    PaymentIdentifier id = newId();
    Binding first = store().bind(BUYER, id, FP1, LATER, NOW);
    assertThat(first.created()).isTrue();
    assertThat(first.fingerprint()).isEqualTo(FP1);

    Binding again = store().bind(BUYER, id, FP1, LATER, NOW);
    assertThat(again.created()).isFalse();
    assertThat(again.fingerprint()).isEqualTo(FP1);

    Binding other = sameStorage().bind(BUYER, id, FP2, LATER, NOW);
    assertThat(other.created()).isFalse();
    assertThat(other.fingerprint()).as("the first payment keeps the id").isEqualTo(FP1);
  }

  @Test
  void idsDifferingInLetterCaseAreDifferentIds() {
    PaymentIdentifier lower = PaymentIdentifier.parse("pay_case_" + System.nanoTime() + "abcdef");
    PaymentIdentifier upper = PaymentIdentifier.parse(lower.value().toUpperCase());
    assertThat(store().bind(BUYER, lower, FP1, LATER, NOW).created()).isTrue();
    Binding binding = store().bind(BUYER, upper, FP2, LATER, NOW);
    assertThat(binding.created()).isTrue();
    assertThat(binding.fingerprint()).isEqualTo(FP2);
    assertThat(store().isBound(upper, FP1, NOW)).isFalse();
  }

  @Test
  void anotherPayersUseOfAnIdDoesNotBlockTheOwner() {
    PaymentIdentifier id = newId();
    assertThat(store().bind(OTHER, id, FP2, LATER, NOW).created()).isTrue();
    Binding owner = store().bind(BUYER, id, FP1, LATER, NOW);
    assertThat(owner.created()).isTrue();
    assertThat(owner.fingerprint()).isEqualTo(FP1);
  }

  @Test
  void aLapsedBindingIsReplacedAndPurged() {
    PaymentIdentifier id = newId();
    store().bind(BUYER, id, FP1, NOW.plusSeconds(10), NOW);
    assertThat(store().isBound(id, FP1, NOW.plusSeconds(9))).isTrue();
    assertThat(store().isBound(id, FP1, NOW.plusSeconds(10))).as("lapsed").isFalse();

    Binding replaced = store().bind(BUYER, id, FP2, LATER, NOW.plusSeconds(10));
    assertThat(replaced.created()).isTrue();
    assertThat(replaced.fingerprint()).isEqualTo(FP2);

    PaymentIdentifier old = newId();
    store().bind(BUYER, old, FP1, NOW.plusSeconds(5), NOW);
    assertThat(store().purgeExpired(NOW.plusSeconds(6))).isGreaterThanOrEqualTo(1);
    assertThat(store().isBound(id, FP2, NOW.plusSeconds(6))).as("kept").isTrue();
    assertThat(store().bind(BUYER, old, FP2, LATER, NOW.plusSeconds(6)).created()).isTrue();
  }

  @Test
  void isBoundFindsTheSamePaymentUnderAnyPayerOnly() {
    PaymentIdentifier id = newId();
    store().bind(BUYER, id, FP1, LATER, NOW);
    assertThat(sameStorage().isBound(id, FP1, NOW)).isTrue();
    assertThat(sameStorage().isBound(id, FP2, NOW)).isFalse();
    assertThat(sameStorage().isBound(newId(), FP1, NOW)).isFalse();
  }

  @Test
  void findReadsAPayersBindingInForceWithoutMakingOne() {
    PaymentIdentifier id = newId();
    assertThat(store().find(BUYER, id, NOW)).isEmpty();
    assertThat(store().bind(BUYER, id, FP1, LATER, NOW).created())
        .as("find bound nothing")
        .isTrue();
    assertThat(sameStorage().find(BUYER, id, NOW))
        .hasValueSatisfying(b -> assertThat(b.fingerprint()).isEqualTo(FP1));
    assertThat(sameStorage().find(OTHER, id, NOW)).as("another payer's").isEmpty();
    assertThat(sameStorage().find(BUYER, id, LATER)).as("lapsed").isEmpty();
  }

  @Test
  void releaseRemovesOnlyTheBindingItIsGiven() {
    PaymentIdentifier id = newId();
    Binding made = store().bind(BUYER, id, FP1, LATER, NOW);
    assertThat(sameStorage().release(BUYER, id, new Binding(FP2, made.expiresAt(), true)))
        .as("another fingerprint")
        .isFalse();
    assertThat(
            sameStorage()
                .release(BUYER, id, new Binding(FP1, made.expiresAt().plusMillis(1), true)))
        .as("another binding of the same payment")
        .isFalse();
    assertThat(sameStorage().release(OTHER, id, made)).as("another payer's").isFalse();
    assertThat(store().isBound(id, FP1, NOW)).isTrue();

    assertThat(sameStorage().release(BUYER, id, made)).isTrue();
    assertThat(store().find(BUYER, id, NOW)).isEmpty();
    assertThat(store().isBound(id, FP1, NOW)).isFalse();
    assertThat(store().release(BUYER, id, made)).as("already gone").isFalse();
    Binding next = store().bind(BUYER, id, FP2, LATER, NOW);
    assertThat(next.created()).as("the id is free for another payment").isTrue();
    assertThat(next.fingerprint()).isEqualTo(FP2);
  }

  @Test
  void aRenewedBindingIsNotReleasedAsItWasMade() {
    // A retry settling on the binding renews it; the failed settlement that made it then releases
    // the binding it made, which must leave the renewed one in force.
    PaymentIdentifier id = newId();
    Binding made = store().bind(BUYER, id, FP1, LATER, NOW);
    assertThat(sameStorage().renew(id, FP2, NOW)).as("another payment").isFalse();
    assertThat(sameStorage().renew(id, FP1, LATER)).as("lapsed").isFalse();
    assertThat(sameStorage().renew(id, FP1, NOW)).isTrue();
    assertThat(sameStorage().release(BUYER, id, made)).as("released as made").isFalse();
    assertThat(store().find(BUYER, id, NOW)).map(Binding::fingerprint).contains(FP1);
    assertThat(store().isBound(id, FP1, NOW)).isTrue();
    assertThat(store().bind(BUYER, id, FP2, LATER, NOW).fingerprint())
        .as("another payment still meets the id")
        .isEqualTo(FP1);
    assertThat(sameStorage().renew(newId(), FP1, NOW)).as("an id never bound").isFalse();
  }

  @Test
  void ofManyPaymentsRacingForOneIdExactlyOneGetsIt() throws Exception {
    PaymentIdentifier id = newId();
    int racers = 16;
    ExecutorService threads = Executors.newFixedThreadPool(racers);
    try {
      CountDownLatch ready = new CountDownLatch(racers);
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<Binding>> results = new ArrayList<>();
      for (int i = 0; i < racers; i++) {
        PaymentIdentifierStore store = i % 2 == 0 ? store() : sameStorage();
        String fingerprint = String.format("%064x", i + 1);
        results.add(
            CompletableFuture.supplyAsync(
                () -> {
                  ready.countDown();
                  try {
                    go.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                  }
                  return store.bind(BUYER, id, fingerprint, LATER, NOW);
                },
                threads));
      }
      ready.await();
      go.countDown();
      List<Binding> bindings = results.stream().map(CompletableFuture::join).toList();
      assertThat(bindings.stream().filter(Binding::created)).hasSize(1);
      String winner = bindings.stream().filter(Binding::created).findFirst().get().fingerprint();
      assertThat(bindings).allSatisfy(b -> assertThat(b.fingerprint()).isEqualTo(winner));
    } finally {
      threads.shutdownNow();
    }
  }
}
