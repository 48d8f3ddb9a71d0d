package io.x402j.evm.facilitator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.Network;
import io.x402j.evm.Bytes32;
import io.x402j.evm.EvmAddress;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ReservationsTest {
  static final SecureRandom RANDOM = new SecureRandom();
  static final Network BASE = Network.evm(8453);
  static final EvmAddress USDC = EvmAddress.parse("0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913");
  static final EvmAddress PAYER = EvmAddress.parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
  static final BigInteger TEN = BigInteger.TEN;

  static EvmLedgerKey key(EvmAddress payer) {
    return new EvmLedgerKey(BASE, USDC, payer, Bytes32.random(RANDOM));
  }

  final Reservations reservations = new Reservations();

  @Test
  void ofConcurrentSettlementsOverABalanceForOneExactlyOneReserves() throws Exception {
    int n = 16;
    ExecutorService threads = Executors.newFixedThreadPool(n);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Boolean>> results = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      EvmLedgerKey key = key(PAYER);
      reservations.enter(key);
      results.add(
          threads.submit(
              () -> {
                start.await();
                return reservations.reserve(key, TEN, TEN, Set.of());
              }));
    }
    start.countDown();
    int reserved = 0;
    for (Future<Boolean> result : results) {
      reserved += result.get() ? 1 : 0;
    }
    threads.shutdown();

    assertThat(reserved).isEqualTo(1);
  }

  @Test
  void otherPayersAndTokensDoNotShareABalance() {
    assertThat(reservations.reserve(key(PAYER), TEN, TEN, Set.of())).isTrue();
    assertThat(reservations.reserve(key(EvmAddress.ZERO), TEN, TEN, Set.of())).isTrue();
    EvmLedgerKey otherToken =
        new EvmLedgerKey(BASE, EvmAddress.ZERO, PAYER, Bytes32.random(RANDOM));
    assertThat(reservations.reserve(otherToken, TEN, TEN, Set.of())).isTrue();
    assertThat(reservations.reserve(key(PAYER), TEN, TEN, Set.of())).isFalse();
  }

  @Test
  void aMinedSettlementIsLeftOutBecauseTheBalanceShowsIt() {
    EvmLedgerKey first = key(PAYER);
    reservations.reserve(first, TEN, TEN.add(TEN), Set.of());
    reservations.signed(first, "0xabc");
    assertThat(reservations.others(key(PAYER)))
        .containsExactly(new Reservations.Entry(first.ledgerKey(), TEN, "0xabc"));

    // Mined: the payer's balance fell to 10 and still covers one more.
    EvmLedgerKey second = key(PAYER);
    assertThat(reservations.reserve(second, TEN, TEN, Set.of(first.ledgerKey()))).isTrue();
    // Not known to be mined: 10 held, 20 committed.
    assertThat(reservations.reserve(key(PAYER), TEN, TEN, Set.of())).isFalse();
  }

  @Test
  void leavingReleasesAndARefusalChangesNothing() {
    EvmLedgerKey first = key(PAYER);
    reservations.enter(first);
    assertThat(reservations.reserve(first, TEN, TEN, Set.of())).isTrue();
    EvmLedgerKey refused = key(PAYER);
    assertThat(reservations.reserve(refused, TEN, TEN, Set.of())).isFalse();
    assertThat(reservations.isHeld(refused)).isFalse();
    assertThat(reservations.isHeld(first)).isTrue();

    reservations.leave(first);

    assertThat(reservations.size()).isZero();
    assertThat(reservations.reserve(refused, TEN, TEN, Set.of())).isTrue();
    assertThat(reservations.reservedBesides(first, Set.of())).isEqualTo(TEN);
  }
}
