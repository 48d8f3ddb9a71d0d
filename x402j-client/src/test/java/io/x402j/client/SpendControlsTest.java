package io.x402j.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.evm.PrivateKeySigner;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spend controls and the spend log, with a payer and no network. */
class SpendControlsTest {
  static final Network BASE_SEPOLIA = Network.evm(84532);
  static final Network BASE = Network.evm(8453);
  static final String USDC_SEPOLIA = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
  static final String USDC_BASE = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913";
  static final String SELLER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";
  static final String OTHER = "0x000000000000000000000000000000000000dEaD";

  static final class MovableClock extends Clock {
    Instant now = Instant.parse("2026-11-21T12:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  final MovableClock clock = new MovableClock();
  final PrivateKeySigner signer = PrivateKeySigner.generate(new SecureRandom());

  static PaymentRequirements usdc(Network network, String asset, long atomic, String payTo) {
    return PaymentRequirements.builder()
        .network(network)
        .amount(TokenAmount.of(atomic))
        .asset(asset)
        .payTo(payTo)
        .extra("name", "USDC")
        .extra("version", "2")
        .build();
  }

  static PaymentChallenge challenge(String url, PaymentRequirements... accepts) {
    PaymentRequired required =
        PaymentRequired.of("Payment required", ResourceInfo.of(url), List.of(accepts));
    return new PaymentChallenge(
        URI.create(url),
        Map.of("PAYMENT-REQUIRED", List.of(HeaderCodec.standard().encodePaymentRequired(required))),
        new byte[0]);
  }

  /** A 402 from {@code answeredBy} whose {@code resource.url} names {@code named}. */
  static PaymentChallenge answered(String answeredBy, String named, PaymentRequirements accepts) {
    PaymentRequired required =
        PaymentRequired.of("Payment required", ResourceInfo.of(named), List.of(accepts));
    return new PaymentChallenge(
        URI.create(answeredBy),
        Map.of("PAYMENT-REQUIRED", List.of(HeaderCodec.standard().encodePaymentRequired(required))),
        new byte[0]);
  }

  static PaymentChallenge cents(long cents) {
    return challenge(
        "https://api.example/weather", usdc(BASE_SEPOLIA, USDC_SEPOLIA, cents * 10_000, SELLER));
  }

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

  @Test
  void aMaximumPerPaymentInDollarsAndInAtomicUnits() {
    Payer dollars = payer(SpendControls.builder().maxPerPaymentUsd("$0.05").build());
    assertThat(dollars.authorize(cents(5)).headerName()).isEqualTo("PAYMENT-SIGNATURE");
    assertThatThrownBy(() -> dollars.authorize(cents(6)))
        .isInstanceOf(PaymentRefusedException.class)
        .hasMessageContaining("$0.06 exceeds the maximum of $0.05 per payment");

    Payer atomic = payer(SpendControls.builder().maxPerPayment(TokenAmount.of(50_000)).build());
    assertThatThrownBy(() -> atomic.authorize(cents(6)))
        .hasMessageContaining("60000 atomic units exceed the maximum of 50000 per payment");
  }

  @Test
  void aDollarLimitRefusesTokensItCannotValue() {
    Payer payer = payer(SpendControls.builder().maxPerPaymentUsd("1").build());
    PaymentChallenge unknownToken =
        challenge("https://api.example/x", usdc(BASE_SEPOLIA, OTHER, 1, SELLER));
    assertThatThrownBy(() -> payer.authorize(unknownToken))
        .hasMessageContaining("not a known USD stablecoin");
  }

  @Test
  void allowedAndDeniedNetworksTokensAndRecipients() {
    PaymentChallenge sepolia = cents(1);
    assertThatThrownBy(
            () -> payer(SpendControls.builder().allowNetworks(BASE).build()).authorize(sepolia))
        .hasMessageContaining("network eip155:84532 is not among the allowed networks");
    assertThatThrownBy(
            () ->
                payer(SpendControls.builder().denyNetworks(BASE_SEPOLIA).build())
                    .authorize(sepolia))
        .hasMessageContaining("network eip155:84532 is denied");
    assertThatThrownBy(
            () -> payer(SpendControls.builder().allowAssets(USDC_BASE).build()).authorize(sepolia))
        .hasMessageContaining("is not among the allowed tokens");
    assertThatThrownBy(
            () ->
                payer(SpendControls.builder().denyAssets(USDC_SEPOLIA.toLowerCase()).build())
                    .authorize(sepolia))
        .hasMessageContaining("is denied");
    assertThatThrownBy(
            () -> payer(SpendControls.builder().allowRecipients(OTHER).build()).authorize(sepolia))
        .hasMessageContaining("recipient " + SELLER + " is not among the allowed recipients");
    assertThatThrownBy(
            () -> payer(SpendControls.builder().denyRecipients(SELLER).build()).authorize(sepolia))
        .hasMessageContaining("recipient " + SELLER + " is denied");

    // With two offers, the one the controls allow is paid.
    PaymentChallenge both =
        challenge(
            "https://api.example/x",
            usdc(BASE, USDC_BASE, 10_000, SELLER),
            usdc(BASE_SEPOLIA, USDC_SEPOLIA, 10_000, SELLER));
    PaymentAuthorization paid =
        payer(SpendControls.builder().denyNetworks(BASE).build()).authorize(both);
    assertThat(paid.payment().requirements().network()).isEqualTo(BASE_SEPOLIA);
  }

  @Test
  void aBudgetPerWindowRolls() {
    Payer payer = payer(SpendControls.builder().budgetUsd("0.10", Duration.ofDays(1)).build());
    payer.authorize(cents(6));
    payer.authorize(cents(4));
    assertThatThrownBy(() -> payer.authorize(cents(1)))
        .hasMessageContaining("$0.01 would exceed the budget of $0.10 per day ($0.10 spent)");

    clock.now = clock.now.plus(Duration.ofHours(23));
    assertThatThrownBy(() -> payer.authorize(cents(1))).isInstanceOf(PaymentRefusedException.class);
    clock.now = clock.now.plus(Duration.ofHours(1)).plusSeconds(1);
    assertThat(payer.authorize(cents(10))).as("a day after, the window has moved").isNotNull();
  }

  @Test
  void aBudgetPerHost() {
    Payer payer =
        payer(
            SpendControls.builder()
                .hostBudgetUsd("API.example", "0.02", Duration.ofHours(1))
                .build());
    payer.authorize(cents(2));
    assertThatThrownBy(() -> payer.authorize(cents(1)))
        .hasMessageContaining("per hour for api.example");
    assertThat(
            payer.authorize(
                challenge(
                    "https://other.example/x", usdc(BASE_SEPOLIA, USDC_SEPOLIA, 50_000, SELLER))))
        .as("other hosts are not limited")
        .isNotNull();
  }

  @Test
  void aHostBudgetCountsTheHostThatAnsweredNotTheOneTheServerNames() {
    Payer payer =
        payer(
            SpendControls.builder()
                .hostBudgetUsd("Trusted.Example.", "1.00", Duration.ofHours(1))
                .hostBudgetUsd("shop.example", "0.02", Duration.ofHours(1))
                .build());
    PaymentRequirements twoCents = usdc(BASE_SEPOLIA, USDC_SEPOLIA, 20_000, SELLER);
    PaymentRequirements oneCent = usdc(BASE_SEPOLIA, USDC_SEPOLIA, 10_000, SELLER);

    payer.authorize(answered("https://shop.example/x", "https://trusted.example/x", twoCents));

    assertThat(payer.spendLog().spends()).extracting(Spend::host).containsExactly("shop.example");
    assertThatThrownBy(
            () ->
                payer.authorize(
                    answered("https://shop.example/x", "https://trusted.example/x", oneCent)))
        .hasMessageContaining("per hour for shop.example");
    assertThatThrownBy(
            () ->
                payer.authorize(
                    answered("https://SHOP.Example.:443/y", "https://trusted.example/y", oneCent)))
        .as("another spelling, another port: the same host")
        .hasMessageContaining("per hour for shop.example");
    assertThat(payer.spendLog().usdSince(Instant.EPOCH, "trusted.example")).isZero();
  }

  @Test
  void internationalHostsAreComparedAsPunycode() {
    Payer payer =
        payer(
            SpendControls.builder()
                .hostBudgetUsd("bücher.example", "0.01", Duration.ofHours(1))
                .build());
    PaymentRequirements oneCent = usdc(BASE_SEPOLIA, USDC_SEPOLIA, 10_000, SELLER);
    payer.authorize(answered("https://xn--bcher-kva.example/x", "https://a.example/", oneCent));
    assertThatThrownBy(
            () ->
                payer.authorize(
                    answered("https://XN--BCHER-KVA.example./x", "https://a.example/", oneCent)))
        .hasMessageContaining("for xn--bcher-kva.example");
    assertThatThrownBy(
            () ->
                SpendControls.builder()
                    .hostBudgetUsd("https://x.example/", "1", Duration.ofHours(1)))
        .hasMessageContaining("hostBudgetUsd")
        .hasMessageContaining("without scheme, port or path");
  }

  @Test
  void recipientsAndTokensAreComparedAsAddressesNotText() {
    // The same address in other spellings: lower case, and with a full-width digit.
    String lower = SELLER.toLowerCase(java.util.Locale.ROOT);
    String fullWidth = lower.replaceFirst("8", "\uFF18");
    SpendControls deny = SpendControls.builder().denyRecipients(SELLER).build();
    for (String spelling : List.of(SELLER, lower, fullWidth)) {
      PaymentChallenge asked =
          challenge("https://api.example/x", usdc(BASE_SEPOLIA, USDC_SEPOLIA, 10_000, spelling));
      assertThatThrownBy(() -> payer(deny).authorize(asked))
          .as(spelling)
          .isInstanceOf(PaymentRefusedException.class)
          .hasMessageContaining("recipient");
    }
    SpendControls allow = SpendControls.builder().allowRecipients(lower).build();
    assertThat(payer(allow).authorize(cents(1))).isNotNull();
    SpendControls denyToken =
        SpendControls.builder().denyAssets(USDC_SEPOLIA.toUpperCase().replace("0X", "0x")).build();
    assertThatThrownBy(() -> payer(denyToken).authorize(cents(1)))
        .hasMessageContaining("token " + USDC_SEPOLIA + " is denied");
    assertThatThrownBy(() -> SpendControls.builder().denyRecipients("alice"))
        .hasMessageContaining("denyRecipients")
        .hasMessageContaining("'alice'");
  }

  @Test
  void budgetsSurviveARestartThroughTheSpendLog(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("spend.log");
    SpendControls controls = SpendControls.builder().budgetUsd("0.05", Duration.ofDays(1)).build();
    try (SpendLog log = SpendLog.open(file)) {
      payer(controls, log).authorize(cents(3));
    }
    Files.writeString(
        file,
        Files.readString(file) + "{\"id\":99,\"at\":\"cut sh",
        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);

    try (SpendLog reopened = SpendLog.open(file)) {
      assertThat(reopened.spends()).hasSize(1);
      assertThat(reopened.usdSince(clock.now.minusSeconds(60), null)).isEqualByComparingTo("0.03");
      Payer restarted = payer(controls, reopened);
      assertThatThrownBy(() -> restarted.authorize(cents(3)))
          .hasMessageContaining("would exceed the budget of $0.05 per day ($0.03 spent)");
      restarted.authorize(cents(2));
    }
  }

  @Test
  void aVetoedOrUnsignablePaymentIsNotSpent(@TempDir Path dir) {
    SpendLog log = SpendLog.open(dir.resolve("spend.log"));
    Payer vetoing =
        Payer.builder()
            .signer(signer)
            .spendControls(SpendControls.unlimited())
            .spendLog(log)
            .listener(
                new PayerListener() {
                  @Override
                  public void beforePayment(PlannedPayment payment) {
                    throw new IllegalStateException("the user said no");
                  }
                })
            .build();
    assertThatThrownBy(() -> vetoing.authorize(cents(1)))
        .isInstanceOf(PaymentRefusedException.class)
        .hasMessageContaining("a hook refused: the user said no");
    assertThat(log.spends()).isEmpty();
    assertThat(onDisk(dir.resolve("spend.log"))).as("also on disk").isEmpty();

    PaymentChallenge noDomain =
        challenge(
            "https://api.example/x",
            PaymentRequirements.builder()
                .network(BASE_SEPOLIA)
                .amount(TokenAmount.of(1))
                .asset(USDC_SEPOLIA)
                .payTo(SELLER)
                .build());
    assertThatThrownBy(() -> payer(SpendControls.unlimited(), log).authorize(noDomain))
        .hasMessageContaining("cannot be signed");
    assertThat(log.spends()).isEmpty();
    log.close();
    assertThat(onDisk(dir.resolve("spend.log"))).isEmpty();
  }

  /** The payments a log file holds, read by a log of its own (the file's lock allows one). */
  static List<Spend> onDisk(Path file) {
    java.nio.file.Path copy;
    try {
      copy = java.nio.file.Files.createTempFile("spend", ".log");
      java.nio.file.Files.copy(file, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    try (SpendLog copyLog = SpendLog.open(copy)) {
      return copyLog.spends();
    }
  }

  @Test
  void concurrentPaymentsCannotOverspendABudget() throws Exception {
    Payer payer = payer(SpendControls.builder().budgetUsd("0.05", Duration.ofDays(1)).build());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Boolean>> results = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      results.add(
          pool.submit(
              () -> {
                start.await();
                try {
                  payer.authorize(cents(1));
                  return true;
                } catch (PaymentRefusedException e) {
                  return false;
                }
              }));
    }
    start.countDown();
    int paid = 0;
    for (Future<Boolean> f : results) {
      paid += f.get() ? 1 : 0;
    }
    pool.shutdown();
    assertThat(paid).isEqualTo(5);
    assertThat(payer.spendLog().usdSince(Instant.EPOCH, null))
        .isEqualByComparingTo(new BigDecimal("0.05"));
  }
}
