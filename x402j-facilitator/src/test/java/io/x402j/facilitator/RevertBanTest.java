package io.x402j.facilitator;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.evm.EvmAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class RevertBanTest {
  static final Network BASE = Network.evm(8453);
  static final EvmAddress PAYER = EvmAddress.parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
  static final String SELLER = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359";

  /** A clock the test moves (read by server threads too, hence volatile). */
  static final class TestClock extends Clock {
    volatile Instant now = Instant.parse("2026-11-21T10:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  final TestClock clock = new TestClock();

  static String tx(int i) {
    return String.format(Locale.ROOT, "0x%064x", i);
  }

  @Test
  void aPayerIsSuspendedAfterTooManyRevertsWithinTheWindowThenAllowedAgain() {
    RevertBan ban = RevertBan.of(RevertBan.Policy.DEFAULT, clock);

    ban.reverted(PAYER, tx(1));
    ban.reverted(PAYER, tx(1)); // the same transaction seen again (reconciler, follower)
    ban.reverted(PAYER, tx(2));
    assertThat(ban.screen(BASE, PAYER.toString(), SELLER)).isEmpty();

    ban.reverted(PAYER, tx(3));

    assertThat(ban.reverts()).isEqualTo(3);
    assertThat(ban.screen(BASE, PAYER.toLowerHex(), SELLER))
        .hasValueSatisfying(
            refusal -> {
              assertThat(refusal.reason()).isEqualTo(ErrorReason.PAYER_DENIED);
              assertThat(refusal.message())
                  .contains(PAYER.toString())
                  .contains("suspended until 2026-11-22T10:00:00Z")
                  .contains("3 of its settlements reverted on chain within 1h");
            });
    assertThat(ban.suspendedPayers()).isEqualTo(1);

    clock.advance(Duration.ofHours(24));
    assertThat(ban.screen(BASE, PAYER.toString(), SELLER)).isEmpty();
    assertThat(ban.suspendedPayers()).isZero();
  }

  @Test
  void revertsOutsideTheWindowDoNotAddUp() {
    RevertBan ban = RevertBan.of(RevertBan.Policy.DEFAULT, clock);

    ban.reverted(PAYER, tx(1));
    ban.reverted(PAYER, tx(2));
    clock.advance(Duration.ofMinutes(61));
    ban.reverted(PAYER, tx(3));

    assertThat(ban.suspendedUntil(PAYER)).isEmpty();
  }

  @Test
  void offCountsButNeverSuspends() {
    RevertBan ban = RevertBan.of(RevertBan.Policy.OFF, clock);
    for (int i = 0; i < 10; i++) {
      ban.reverted(PAYER, tx(i));
    }
    assertThat(ban.reverts()).isEqualTo(10);
    assertThat(ban.suspendedUntil(PAYER)).isEmpty();
  }

  @Test
  void memoryIsBoundedHoweverManyPayersRevert() {
    RevertBan ban =
        RevertBan.of(new RevertBan.Policy(1, Duration.ofHours(1), Duration.ofHours(1)), clock);
    for (int i = 0; i < RevertBan.MAX_PAYERS * 2; i++) {
      byte[] bytes = new byte[20];
      bytes[17] = (byte) (i >>> 16);
      bytes[18] = (byte) (i >>> 8);
      bytes[19] = (byte) i;
      ban.reverted(EvmAddress.of(bytes), tx(i));
    }
    assertThat(ban.suspendedPayers()).isEqualTo(RevertBan.MAX_PAYERS);
    assertThat(ban.reverts()).isEqualTo(RevertBan.MAX_PAYERS * 2L);
  }

  @Test
  void metricsCarryNoPayer() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RevertBan ban =
        RevertBan.of(new RevertBan.Policy(1, Duration.ofHours(1), Duration.ofHours(1)), clock)
            .bindTo(meters);

    ban.reverted(PAYER, tx(1));

    assertThat(meters.get("x402j.facilitator.settlements.reverted").functionCounter().count())
        .isEqualTo(1);
    assertThat(meters.get("x402j.facilitator.payers.suspended").gauge().value()).isEqualTo(1);
    assertThat(meters.getMeters())
        .allSatisfy(
            m -> assertThat(m.getId().getTags()).noneMatch(t -> t.getKey().equals("payer")));
  }
}
