package io.x402j.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.svm.ExactSvmPayload;
import io.x402j.svm.MintInfo;
import io.x402j.svm.RecentBlockhash;
import io.x402j.svm.SolanaKeypair;
import io.x402j.svm.SolanaPrograms;
import io.x402j.svm.SolanaTransaction;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A buyer holding an EVM and a Solana key: the selector chooses between the networks' offers, the
 * Solana payment is the official transaction shape with the facilitator's fee payer, and spend
 * controls, budgets and the spend log count Solana USDC as dollars exactly like EVM USDC.
 */
class SolanaPayerTest {
  static final Network DEVNET = Network.parse("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1");
  static final String DEVNET_USDC = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU";
  static final String SOL_SELLER = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";
  static final String FEE_PAYER = "2wmVCSfPxGPjrnMMn7rchp4uaeoTqN39mXFC2zhPdri9";
  static final String BLOCKHASH = "EkSnNWid2cvwEVnVx9aBqawnmiCNiDgp3gUdkDPTKN1N";
  static final String URL = "https://api.example/weather";
  static final MintInfo USDC_MINT = new MintInfo(SolanaPrograms.TOKEN, 6);

  final SpendControlsTest.MovableClock clock = new SpendControlsTest.MovableClock();
  final PrivateKeySigner evm = PrivateKeySigner.generate(new SecureRandom());
  final SolanaKeypair solana = SolanaKeypair.generate();
  final AtomicInteger blockhashesAsked = new AtomicInteger();

  static PaymentRequirements solanaUsdc(long atomic) {
    return PaymentRequirements.builder()
        .network(DEVNET)
        .amount(TokenAmount.of(atomic))
        .asset(DEVNET_USDC)
        .payTo(SOL_SELLER)
        .extra("feePayer", FEE_PAYER)
        .build();
  }

  static PaymentRequirements evmUsdc(long atomic) {
    return SpendControlsTest.usdc(
        SpendControlsTest.BASE_SEPOLIA,
        SpendControlsTest.USDC_SEPOLIA,
        atomic,
        SpendControlsTest.SELLER);
  }

  Payer.Builder both(SpendControls controls) {
    return Payer.builder()
        .signer(evm)
        .svmSigner(solana)
        .solanaSources(
            network -> {
              blockhashesAsked.incrementAndGet();
              return new RecentBlockhash(BLOCKHASH, 1000);
            },
            (network, mint) -> {
              assertThat(mint.toString()).isEqualTo(DEVNET_USDC);
              return USDC_MINT;
            })
        .spendControls(controls)
        .clock(clock);
  }

  static PaymentPayload sent(PaymentAuthorization auth) {
    assertThat(auth.headerName()).isEqualTo("PAYMENT-SIGNATURE");
    return HeaderCodec.standard().decodePaymentSignature(auth.headerValue());
  }

  @Test
  void withBothKeysTheSelectorChoosesTheNetwork() {
    PaymentChallenge challenge =
        SpendControlsTest.challenge(URL, evmUsdc(10_000), solanaUsdc(10_000));

    Payer first = both(SpendControls.unlimited()).build();
    Payer preferSolana =
        both(SpendControls.unlimited())
            .selector(RequirementSelector.preferNetworks(DEVNET))
            .build();

    assertThat(sent(first.authorize(challenge)).accepted().network())
        .isEqualTo(SpendControlsTest.BASE_SEPOLIA);
    assertThat(blockhashesAsked).hasValue(0);
    PaymentPayload payment = sent(preferSolana.authorize(challenge));
    assertThat(payment.accepted()).isEqualTo(solanaUsdc(10_000));
    SolanaTransaction tx = ExactSvmPayload.parse(payment.payload()).transaction();
    assertThat(tx.message().staticAccounts().get(0).toString()).isEqualTo(FEE_PAYER);
    assertThat(tx.message().recentBlockhash()).isEqualTo(BLOCKHASH);
    assertThat(tx.isUnsigned(0)).as("the fee payer's slot is left for the facilitator").isTrue();
    assertThat(tx.isUnsigned(1)).isFalse();
    assertThat(blockhashesAsked).hasValue(1);
  }

  @Test
  void cheapestComparesSolanaAndEvmUsdcInDollars() {
    Payer payer = both(SpendControls.unlimited()).selector(RequirementSelector.cheapest()).build();

    assertThat(
            sent(payer.authorize(
                    SpendControlsTest.challenge(URL, evmUsdc(20_000), solanaUsdc(10_000))))
                .accepted()
                .network())
        .isEqualTo(DEVNET);
    assertThat(
            sent(payer.authorize(
                    SpendControlsTest.challenge(URL, solanaUsdc(30_000), evmUsdc(20_000))))
                .accepted()
                .network())
        .isEqualTo(SpendControlsTest.BASE_SEPOLIA);
  }

  @Test
  void onlyASolanaKeyPaysOnlySolana() {
    Payer payer =
        Payer.builder()
            .svmSigner(solana)
            .solanaSources(network -> new RecentBlockhash(BLOCKHASH, 1), (n, m) -> USDC_MINT)
            .spendControls(SpendControls.unlimited())
            .build();

    assertThat(
            sent(payer.authorize(
                    SpendControlsTest.challenge(URL, evmUsdc(10_000), solanaUsdc(10_000))))
                .accepted()
                .network())
        .isEqualTo(DEVNET);
    assertThatThrownBy(() -> payer.authorize(SpendControlsTest.challenge(URL, evmUsdc(10_000))))
        .isInstanceOf(PaymentRefusedException.class)
        .hasMessageContaining("no client for this scheme and network");
  }

  @Test
  void aSolanaUsdcOfferIsValuedInDollarsByTheLimits() {
    Payer payer = both(SpendControls.builder().maxPerPaymentUsd("0.01").build()).build();

    PlannedPayment planned = payer.plan(SpendControlsTest.challenge(URL, solanaUsdc(10_000)));
    assertThat(planned.usd())
        .hasValueSatisfying(usd -> assertThat(usd).isEqualByComparingTo("0.01"));
    assertThatThrownBy(() -> payer.authorize(SpendControlsTest.challenge(URL, solanaUsdc(10_001))))
        .isInstanceOf(PaymentRefusedException.class)
        .hasMessageContaining("$0.010001");
    assertThat(blockhashesAsked).as("nothing was built for a refused offer").hasValue(0);
  }

  @Test
  void oneBudgetCountsSolanaAndEvmDollarsAlike() {
    SpendLog log = SpendLog.inMemory();
    Payer payer =
        both(SpendControls.builder().budgetUsd("0.03", Duration.ofHours(1)).build())
            .spendLog(log)
            .build();

    payer.authorize(SpendControlsTest.challenge(URL, solanaUsdc(10_000)));
    payer.authorize(SpendControlsTest.challenge(URL, evmUsdc(10_000)));
    payer.authorize(SpendControlsTest.challenge(URL, solanaUsdc(10_000)));

    assertThatThrownBy(() -> payer.authorize(SpendControlsTest.challenge(URL, solanaUsdc(1))))
        .isInstanceOf(PaymentRefusedException.class)
        .hasMessageContaining("budget");
    List<Spend> spends = log.spends();
    assertThat(spends)
        .extracting(Spend::network)
        .containsExactly(DEVNET.toString(), "eip155:84532", DEVNET.toString());
    assertThat(spends.get(0).usd()).isEqualByComparingTo("0.01");
    assertThat(spends.get(0).asset()).isEqualTo(DEVNET_USDC);
    assertThat(spends.get(0).payTo()).isEqualTo(SOL_SELLER);
    assertThat(log.usdSince(clock.instant().minusSeconds(60), null)).isEqualByComparingTo("0.03");
  }

  @Test
  void tokenAndRecipientLimitsTakeSolanaAddresses() {
    Payer allowed =
        both(SpendControls.builder().allowAssets(DEVNET_USDC).allowRecipients(SOL_SELLER).build())
            .build();
    Payer denied = both(SpendControls.builder().denyRecipients(SOL_SELLER).build()).build();
    Payer evmOnly =
        both(SpendControls.builder().allowAssets(SpendControlsTest.USDC_SEPOLIA).build()).build();

    assertThat(
            sent(allowed.authorize(SpendControlsTest.challenge(URL, solanaUsdc(1))))
                .accepted()
                .network())
        .isEqualTo(DEVNET);
    assertThatThrownBy(() -> denied.authorize(SpendControlsTest.challenge(URL, solanaUsdc(1))))
        .hasMessageContaining("is denied");
    assertThatThrownBy(() -> evmOnly.authorize(SpendControlsTest.challenge(URL, solanaUsdc(1))))
        .hasMessageContaining("is not among the allowed tokens");
    assertThatThrownBy(
            () ->
                SpendControls.builder()
                    .allowRecipients("9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFi0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("allowRecipients: ");
  }

  @Test
  void aFailedSolanaBuildSpendsNothing() {
    SpendLog log = SpendLog.inMemory();
    Payer payer =
        Payer.builder()
            .svmSigner(solana)
            .solanaSources(
                network -> {
                  throw new IllegalStateException("Solana RPC http://node:8899 failed: node down");
                },
                (n, m) -> USDC_MINT)
            .spendControls(SpendControls.unlimited())
            .spendLog(log)
            .build();

    assertThatThrownBy(() -> payer.authorize(SpendControlsTest.challenge(URL, solanaUsdc(1))))
        .isInstanceOf(PaymentRefusedException.class)
        .hasMessageContaining("node down");
    assertThat(log.spends()).isEmpty();
  }
}
