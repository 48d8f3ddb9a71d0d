package io.x402j.facilitator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.extensions.PaymentIdentifier;
import io.x402j.core.scheme.PaymentIdentity;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
import io.x402j.facilitator.PaymentIdentifierStore;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdentifierBindingsTest {
  static final Network BASE = Network.evm(8453);
  static final String PAYER = "0x676619e358e97952DAA2aBc9dB49EFe8D443cb6d";
  static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  static final PaymentIdentity IDENTITY = new PaymentIdentity("exact|eip155:8453|a|b|c", null);

  static PaymentRequirements requirements(String payTo, String asset, long amount) {
    return PaymentRequirements.builder()
        .network(BASE)
        .amount(TokenAmount.of(BigInteger.valueOf(amount)))
        .asset(asset)
        .payTo(payTo)
        .build();
  }

  static final String TOKEN = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913";

  @Test
  void theFingerprintIsOfParsedValuesAndCoversWhatIsPaidFor() {
    String plain = IdentifierBindings.fingerprint(IDENTITY, requirements(PAYER, TOKEN, 10));
    String upper =
        IdentifierBindings.fingerprint(
            IDENTITY,
            requirements("0x" + PAYER.substring(2).toUpperCase(), TOKEN.toLowerCase(), 10));
    assertThat(upper).as("addresses respelt").isEqualTo(plain).hasSize(64);
    assertThat(IdentifierBindings.fingerprint(IDENTITY, requirements(PAYER, TOKEN, 11)))
        .as("another amount")
        .isNotEqualTo(plain);
    assertThat(
            IdentifierBindings.fingerprint(
                new PaymentIdentity("exact|eip155:8453|a|b|d", null),
                requirements(PAYER, TOKEN, 10)))
        .as("another payment")
        .isNotEqualTo(plain);
  }

  @Test
  void thePayerScopeIsTheNamespaceAndTheCanonicalAddress() {
    assertThat(IdentifierBindings.scope(BASE, PAYER))
        .isEqualTo(IdentifierBindings.scope(BASE, PAYER.toLowerCase()))
        .isEqualTo("eip155:" + PAYER.toLowerCase());
    assertThat(IdentifierBindings.scope(BASE, "not an address")).isNull();
    assertThat(IdentifierBindings.scope(BASE, null)).isNull();
    Network solana = Network.parse("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1");
    String key = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU";
    assertThat(IdentifierBindings.scope(solana, key)).isEqualTo("solana:" + key);
    // Not a 32-byte key (too short, a leading '1' adding a zero byte, a non-ASCII digit): no scope.
    assertThat(IdentifierBindings.scope(solana, "Abc")).isNull();
    assertThat(IdentifierBindings.scope(solana, "1" + key)).isNull();
    assertThat(IdentifierBindings.scope(solana, key.replace('9', '\u0669'))).isNull();
  }

  @Test
  void aBindingLastsTheRetentionOrWhileThePaymentIsValidAtMostThirtyDays() {
    IdentifierBindings bindings =
        new IdentifierBindings(
            PaymentIdentifierStore.inMemory(),
            Runnable::run,
            Clock.fixed(NOW, ZoneOffset.UTC),
            Duration.ofHours(1));
    PaymentIdentifier id = PaymentIdentifier.generate();
    assertThat(bindings.expiry(new IdentifierBindings.Check.Identified(id, "f", null), NOW))
        .isEqualTo(NOW.plus(Duration.ofHours(1)));
    assertThat(
            bindings.expiry(
                new IdentifierBindings.Check.Identified(id, "f", NOW.plusSeconds(60)), NOW))
        .isEqualTo(NOW.plus(Duration.ofHours(1)));
    assertThat(
            bindings.expiry(
                new IdentifierBindings.Check.Identified(id, "f", NOW.plus(Duration.ofDays(2))),
                NOW))
        .isEqualTo(NOW.plus(Duration.ofDays(2)));
    assertThat(bindings.expiry(new IdentifierBindings.Check.Identified(id, "f", Instant.MAX), NOW))
        .isEqualTo(NOW.plus(IdentifierBindings.MAX_RETENTION));
    assertThatThrownBy(
            () ->
                new IdentifierBindings(
                    PaymentIdentifierStore.inMemory(),
                    Runnable::run,
                    Clock.systemUTC(),
                    Duration.ofDays(31)))
        .hasMessageContaining("at most 30 days");
  }

  @Test
  void verifyingChecksWithoutBindingAndAFailedSettlementReleasesItsBinding() {
    PaymentIdentifierStore store = PaymentIdentifierStore.inMemory();
    IdentifierBindings bindings =
        new IdentifierBindings(
            store, Runnable::run, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofHours(1));
    PaymentIdentifier id = PaymentIdentifier.generate();
    var first = new IdentifierBindings.Check.Identified(id, "1".repeat(64), null);
    var second = new IdentifierBindings.Check.Identified(id, "2".repeat(64), null);
    String scope = IdentifierBindings.scope(BASE, PAYER);

    assertThat(bindings.conflicting(first, BASE, PAYER).join()).isFalse();
    assertThat(store.find(scope, id, NOW)).as("checking bound nothing").isEmpty();

    IdentifierBindings.Claim claim = bindings.bind(first, BASE, PAYER).join();
    assertThat(claim.created()).isTrue();
    assertThat(claim.admits(first)).isTrue();
    assertThat(bindings.conflicting(second, BASE, PAYER.toLowerCase()).join()).isTrue();
    assertThat(bindings.conflicting(first, BASE, PAYER).join()).isFalse();
    IdentifierBindings.Claim again = bindings.bind(first, BASE, PAYER).join();
    assertThat(again.created()).isFalse();
    assertThat(again.admits(first)).isTrue();
    IdentifierBindings.Claim other = bindings.bind(second, BASE, PAYER).join();
    assertThat(other.admits(second)).isFalse();

    bindings.release(first, again).join();
    assertThat(store.find(scope, id, NOW))
        .as("a claim that made nothing releases nothing")
        .isPresent();
    bindings.release(first, claim).join();
    assertThat(store.find(scope, id, NOW))
        .as("renewed by the settlement admitted on it: not released as it was made")
        .isPresent();

    PaymentIdentifier freed = PaymentIdentifier.generate();
    var alone = new IdentifierBindings.Check.Identified(freed, "1".repeat(64), null);
    var next = new IdentifierBindings.Check.Identified(freed, "2".repeat(64), null);
    IdentifierBindings.Claim only = bindings.bind(alone, BASE, PAYER).join();
    assertThat(only.created()).isTrue();
    bindings.release(alone, only).join();
    assertThat(store.find(scope, freed, NOW)).isEmpty();
    assertThat(bindings.bind(next, BASE, PAYER).join().admits(next)).isTrue();

    IdentifierBindings.Claim unscoped = bindings.bind(first, BASE, "not an address").join();
    assertThat(unscoped.admits(first)).isTrue();
    assertThat(unscoped.created()).isFalse();
  }

  @Test
  void onlyASettlementThatCertainlyMovedNothingReleasesItsId() {
    String network = BASE.toString();
    String hash = "0x" + "ab".repeat(32);
    assertThat(
            IdentifierBindings.settledNothing(
                SettleResponse.failure(
                    ErrorReason.INSUFFICIENT_FUNDS, "too little", "", network, PAYER)))
        .isTrue();
    assertThat(IdentifierBindings.settledNothing(SettleResponse.success(hash, network, PAYER)))
        .isFalse();
    for (ErrorReason open :
        List.of(
            ErrorReason.SETTLEMENT_PENDING,
            ErrorReason.SETTLEMENT_STALLED,
            ErrorReason.EXACT_EVM_NONCE_ALREADY_USED,
            ErrorReason.PERMIT2_INVALID_NONCE)) {
      assertThat(
              IdentifierBindings.settledNothing(
                  SettleResponse.failure(open, "open", "", network, PAYER)))
          .as(open.wire())
          .isFalse();
    }
    assertThat(
            IdentifierBindings.settledNothing(
                SettleResponse.failure(
                    ErrorReason.UNEXPECTED_SETTLE_ERROR, "reverted", hash, network, PAYER)))
        .as("a transaction was sent")
        .isFalse();
    assertThat(
            IdentifierBindings.settledNothing(
                SettleResponse.failure(
                    ErrorReason.DUPLICATE_SETTLEMENT, "another attempt's", "", network, PAYER)))
        .as("a duplicate settled nothing under this request's id")
        .isTrue();
    assertThat(IdentifierBindings.settledNothing(null)).isFalse();
  }

  @Test
  void theAttemptAnIdStandsForIsAValidSettlementIdOfTheIdAlone() {
    PaymentIdentifier id = PaymentIdentifier.parse("pay_" + "x".repeat(124));
    String attempt =
        IdentifierBindings.attempt(new IdentifierBindings.Check.Identified(id, "a", null));
    assertThat(attempt)
        .matches("pid_[0-9a-f]{40}")
        .isEqualTo(
            IdentifierBindings.attempt(new IdentifierBindings.Check.Identified(id, "b", null)));
    assertThat(
            IdentifierBindings.attempt(
                new IdentifierBindings.Check.Identified(
                    PaymentIdentifier.parse("PAY_" + "x".repeat(124)), "a", null)))
        .isNotEqualTo(attempt);
  }
}
