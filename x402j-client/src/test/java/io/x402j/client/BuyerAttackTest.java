package io.x402j.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Attacks on the buyer's spend controls; each test shows a way around a promised limit. */
class BuyerAttackTest {
  static final io.x402j.core.Network BASE_SEPOLIA = SpendControlsTest.BASE_SEPOLIA;
  static final String USDC_SEPOLIA = SpendControlsTest.USDC_SEPOLIA;
  static final String SELLER = SpendControlsTest.SELLER;

  final SpendControlsTest.MovableClock clock = new SpendControlsTest.MovableClock();
  final io.x402j.evm.PrivateKeySigner signer =
      io.x402j.evm.PrivateKeySigner.generate(new java.security.SecureRandom());

  Payer payer(SpendControls controls, SpendLog log) {
    return Payer.builder()
        .signer(signer)
        .spendControls(controls)
        .spendLog(log)
        .clock(clock)
        .build();
  }

  Payer payer(SpendControls controls) {
    return payer(controls, SpendLog.inMemory());
  }

  static PaymentChallenge cents(long cents) {
    return SpendControlsTest.cents(cents);
  }

  static PaymentChallenge challenge(String url, io.x402j.core.wire.PaymentRequirements... accepts) {
    return SpendControlsTest.challenge(url, accepts);
  }

  static io.x402j.core.wire.PaymentRequirements usdc(
      io.x402j.core.Network network, String asset, long atomic, String payTo) {
    return SpendControlsTest.usdc(network, asset, atomic, payTo);
  }

  /**
   * "Per-host budgets ... cannot be dodged by spelling the host another way": Java (and every
   * resolver) reads 127.1, 2130706433 and 127.0.1 as 127.0.0.1, the same server, but each is a
   * budget key of its own, so a server (or a redirect it sends) that names itself that way is paid
   * past the budget set for 127.0.0.1.
   */
  @Test
  void shortAndNumericIpv4SpellingsShareOnePerHostBudget() throws Exception {
    for (String alias : new String[] {"127.1", "2130706433", "127.0.1"}) {
      assertThat(InetAddress.getByName(alias))
          .as("the JDK connects %s to 127.0.0.1", alias)
          .isEqualTo(InetAddress.getByName("127.0.0.1"));
    }
    Payer payer =
        payer(
            SpendControls.builder().hostBudgetUsd("127.0.0.1", "0.01", Duration.ofDays(1)).build());
    payer.authorize(
        challenge(
            "http://127.0.0.1:8080/weather", usdc(BASE_SEPOLIA, USDC_SEPOLIA, 10_000, SELLER)));

    assertThatThrownBy(
            () ->
                payer.authorize(
                    challenge(
                        "http://127.1:8080/weather",
                        usdc(BASE_SEPOLIA, USDC_SEPOLIA, 10_000, SELLER))))
        .as("127.1 is 127.0.0.1: its $0.01 budget is spent")
        .isInstanceOf(PaymentRefusedException.class);
  }

  /**
   * "Each payment is written (and forced to disk) before it is signed": a crash that leaves a
   * partial last line (no newline) makes the NEXT payment's record be appended onto that fragment;
   * on the following start both are dropped as one unreadable line, so a payment that was signed no
   * longer counts against the budget (fails open).
   */
  @Test
  void aPaymentRecordedAfterATornLineStillCountsOnTheNextStart(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("spend.jsonl");
    SpendControls oneCent = SpendControls.builder().budgetUsd("0.01", Duration.ofDays(1)).build();
    try (SpendLog log = SpendLog.open(file)) {
      payer(oneCent, log).authorize(cents(1));
    }
    // A crash in the middle of writing a second record: half a line, no newline.
    String whole = Files.readString(file, StandardCharsets.UTF_8);
    Files.writeString(
        file,
        whole.substring(0, whole.indexOf('\n') + 1),
        StandardCharsets.UTF_8,
        StandardOpenOption.TRUNCATE_EXISTING);
    Files.writeString(file, "{\"id\":2,\"at\":\"20", StandardOpenOption.APPEND);
    // The first record still counts; after the day it no longer does.
    clock.now = clock.now.plus(Duration.ofDays(2));
    try (SpendLog log = SpendLog.open(file)) {
      payer(oneCent, log).authorize(cents(1)); // paid and recorded: $0.01 of today's $0.01
    }
    try (SpendLog log = SpendLog.open(file)) {
      assertThat(log.usdSince(clock.now.minus(Duration.ofDays(1)), null))
          .as("the signed payment after the crash still counts")
          .isEqualByComparingTo(new BigDecimal("0.01"));
      assertThatThrownBy(() -> payer(oneCent, log).authorize(cents(1)))
          .as("the day's budget is spent")
          .isInstanceOf(PaymentRefusedException.class);
    }
  }

  /**
   * Found by review: two logs opened on one file (two `x402j pay` runs at once, or two payers in
   * one JVM) each read it once and counted only their own payments, so each spent the whole budget.
   * A second log on a file in use is now refused, fail closed.
   */
  @Test
  void aSecondLogOnAFileInUseIsRefused(@TempDir Path dir) {
    Path file = dir.resolve("spend.jsonl");
    SpendControls oneCent = SpendControls.builder().budgetUsd("0.01", Duration.ofDays(1)).build();
    try (SpendLog first = SpendLog.open(file)) {
      payer(oneCent, first).authorize(cents(1));
      assertThatThrownBy(() -> SpendLog.open(file))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("in use by another payer");
    }
    try (SpendLog again = SpendLog.open(file)) {
      assertThatThrownBy(() -> payer(oneCent, again).authorize(cents(1)))
          .as("once the first is closed, the next one counts its payments")
          .isInstanceOf(PaymentRefusedException.class);
    }
  }
}
