package io.x402j.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.extensions.PaymentIdentifier;
import io.x402j.server.ReplayStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * A verified payment takes its id over from any payment under it that has not verified: not only
 * from the one it met when it arrived, but from a later forgery that bound the id after the first
 * forgery's binding was released.
 */
class IdempotentPaymentsConfirmTest {
  static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  static final Instant LATER = NOW.plusSeconds(3600);
  static final String KEY = "payment-identifier|eip155:0xbuyer|pay_0123456789abcdef";
  static final String BUYER = "a".repeat(64);
  static final String FORGERY_1 = "b".repeat(64);
  static final String FORGERY_2 = "c".repeat(64);

  final ReplayStore store = ReplayStore.inMemory(Clock.fixed(NOW, ZoneOffset.UTC));
  final IdempotentPayments ids = new IdempotentPayments(store);

  IdempotentPayments.Check.Proceed buyerContesting(String contested) {
    return new IdempotentPayments.Check.Proceed(
        KEY,
        PaymentIdentifier.parse("pay_0123456789abcdef"),
        false,
        BUYER,
        "eip155:0xbuyer",
        contested);
  }

  @Test
  void aSecondForgeryThatBoundTheIdWhileTheBuyerVerifiedDoesNotTakeItFromTheBuyer() {
    // The buyer arrived while forgery 1 held the id tentatively.
    store.bindPaymentIdentifier(KEY, IdempotentPayments.tentative(FORGERY_1), LATER);
    // Forgery 1 failed verification and released it; forgery 2 bound it in turn.
    store.releasePaymentIdentifier(KEY, IdempotentPayments.tentative(FORGERY_1));
    store.bindPaymentIdentifier(KEY, IdempotentPayments.tentative(FORGERY_2), LATER);

    // The buyer's payment verified.
    assertThat(ids.confirm(buyerContesting(IdempotentPayments.tentative(FORGERY_1)), LATER))
        .as("the verified buyer keeps its id")
        .isNull();
    assertThat(store.bindPaymentIdentifier(KEY, "d".repeat(64), LATER).fingerprint())
        .as("the binding is the buyer's, final")
        .isEqualTo(BUYER);
  }

  @Test
  void aPaymentThatVerifiedFirstStillWins() {
    store.bindPaymentIdentifier(KEY, FORGERY_1, LATER); // another payment of the payer, verified

    assertThat(ids.confirm(buyerContesting(IdempotentPayments.tentative(FORGERY_1)), LATER))
        .as("a conflict: the id is another verified payment's")
        .isNotNull();
    assertThat(store.bindPaymentIdentifier(KEY, BUYER, LATER).fingerprint()).isEqualTo(FORGERY_1);
  }
}
