package io.x402j.svm.facilitator;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.devnet.SolanaDevnet;
import io.x402j.devnet.SolanaDevnetControls;
import io.x402j.settlement.InMemorySettlementLedger;
import io.x402j.settlement.ReconcileReport;
import io.x402j.settlement.SettlementLedger;
import io.x402j.settlement.SettlementState;
import io.x402j.svm.ExactSvmClient;
import io.x402j.svm.ExactSvmPayload;
import io.x402j.svm.SolanaKeypair;
import io.x402j.svm.rpc.SolanaRpcClient;
import java.math.BigInteger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Solana engine against the real SVM (the devnet over litesvm): verify and settle, duplicates,
 * a settlement left pending by a held transaction and reconciled after a restart, one that never
 * lands, and several fee payers.
 */
class ExactSvmDevnetIT {
  private static final Network NETWORK = Network.parse(SolanaDevnet.NETWORK);
  private static SolanaDevnet devnet;
  private static SolanaDevnetControls controls;
  private static SolanaRpcClient rpc;
  private static SolanaKeypair feePayer;
  private static SolanaKeypair feePayer2;
  private static SolanaKeypair buyer;
  private static String seller;

  @BeforeAll
  static void start() throws Exception {
    devnet = SolanaDevnet.start();
    controls = devnet.controls();
    rpc = SolanaRpcClient.connect(devnet.info().rpcUrl());
    feePayer =
        SolanaKeypair.fromBase58Secret(devnet.info().requireAccount("facilitator").privateKey());
    buyer = SolanaKeypair.fromBase58Secret(devnet.info().requireAccount("buyer").privateKey());
    seller = devnet.info().requireAccount("seller").address();
    feePayer2 = SolanaKeypair.generate();
    controls.setLamports(feePayer2.address().toString(), BigInteger.valueOf(1_000_000_000L));
  }

  @AfterAll
  static void stop() {
    if (devnet != null) {
      devnet.close();
    }
  }

  private static SvmNetworkConfig.Builder config() {
    return SvmNetworkConfig.builder(NETWORK, rpc).feePayer(feePayer).feePayer(feePayer2);
  }

  private static ExactSvmFacilitator facilitator(SvmNetworkConfig config, SettlementLedger ledger) {
    return ExactSvmFacilitator.builder().network(config).ledger(ledger).build();
  }

  private static PaymentRequirements requirements(long amount, SolanaKeypair sponsor) {
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("feePayer", sponsor.address().toString());
    return PaymentRequirements.builder()
        .scheme("exact")
        .network(NETWORK)
        .amount(TokenAmount.of(amount))
        .asset(SolanaDevnet.USDC_DEVNET_MINT)
        .payTo(seller)
        .maxTimeoutSeconds(60)
        .extra(extra)
        .build();
  }

  private static SchemeRequest pay(PaymentRequirements req, String settlementId) {
    ExactSvmClient client = ExactSvmClient.of(buyer, rpc, rpc);
    Map<String, Object> payload = client.createPayload(2, req);
    return new SchemeRequest(2, PaymentPayload.of(null, req, payload), req, settlementId);
  }

  private static BigInteger sellerBalance() {
    return controls.tokenBalance(seller).amount();
  }

  @Test
  void verifiesAndSettlesOnceWhateverIsAskedAgain() {
    InMemorySettlementLedger ledger = new InMemorySettlementLedger();
    try (ExactSvmFacilitator facilitator = facilitator(config().build(), ledger)) {
      SchemeRequest request = pay(requirements(1000, feePayer), "attempt-1");
      BigInteger before = sellerBalance();

      VerifyResponse verified = facilitator.verify(request).join();
      assertThat(verified.isValid()).as(verified.invalidMessage()).isTrue();
      assertThat(verified.payer()).isEqualTo(buyer.address().toString());

      SettleResponse settled = facilitator.settle(request).join();
      assertThat(settled.success()).as(settled.errorMessage()).isTrue();
      assertThat(settled.payer()).isEqualTo(buyer.address().toString());
      assertThat(controls.signatureStatus(settled.transaction()).isNull()).isFalse();
      assertThat(sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(1000)));

      // The same attempt: the recorded answer. Another request: duplicate_settlement.
      assertThat(facilitator.settle(request).join()).isEqualTo(settled);
      SchemeRequest other =
          new SchemeRequest(2, request.payload(), request.requirements(), "attempt-2");
      assertThat(facilitator.settle(other).join().errorReason()).isEqualTo("duplicate_settlement");
      assertThat(sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(1000)));
    }
  }

  @Test
  void aTamperedAmountIsRefusedByTheRealChainChecks() {
    try (ExactSvmFacilitator facilitator =
        facilitator(config().build(), new InMemorySettlementLedger())) {
      SchemeRequest paid = pay(requirements(1000, feePayer), null);
      SchemeRequest asked =
          new SchemeRequest(2, paid.payload(), requirements(2000, feePayer), null);

      assertThat(facilitator.verify(asked).join().invalidReason())
          .isEqualTo("invalid_exact_svm_payload_amount_mismatch");
      assertThat(facilitator.settle(asked).join().errorReason())
          .isEqualTo("invalid_exact_svm_payload_amount_mismatch");
    }
  }

  @Test
  void theSecondFeePayerSponsorsWhatNamesIt() {
    try (ExactSvmFacilitator facilitator =
        facilitator(config().build(), new InMemorySettlementLedger())) {
      BigInteger sol = controls.lamports(feePayer2.address().toString());

      SettleResponse settled = facilitator.settle(pay(requirements(500, feePayer2), null)).join();

      assertThat(settled.success()).as(settled.errorMessage()).isTrue();
      assertThat(controls.lamports(feePayer2.address().toString())).isLessThan(sol);
    }
  }

  @Test
  void pendingWhileHeldThenReconciledAfterARestart() {
    InMemorySettlementLedger ledger = new InMemorySettlementLedger();
    SvmNetworkConfig quick = config().confirmTimeout(Duration.ofMillis(300)).build();
    SchemeRequest request = pay(requirements(700, feePayer), "held");
    BigInteger before = sellerBalance();
    controls.holdTransactions(true);
    SettleResponse pending;
    try (ExactSvmFacilitator first = facilitator(quick, ledger)) {
      pending = first.settle(request).join();
    } finally {
      controls.holdTransactions(false);
    }
    assertThat(pending.isPending()).as(pending.errorMessage()).isTrue();
    assertThat(controls.heldTransactions()).containsExactly(pending.transaction());
    var key =
        SvmSettlementEngine.ledgerKey(
            NETWORK,
            ExactSvmPayload.parse(request.payload().payload()).transaction().messageBytes());
    assertThat(ledger.find(key).orElseThrow().state()).isEqualTo(SettlementState.PENDING);

    controls.releaseTransactions();
    try (ExactSvmFacilitator restarted = facilitator(quick, ledger)) {
      ReconcileReport report = restarted.reconcile().join();

      assertThat(report.confirmed()).isEqualTo(1);
      assertThat(ledger.find(key).orElseThrow().state()).isEqualTo(SettlementState.CONFIRMED);
      assertThat(sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(700)));
      // The seller's retry of the same attempt gets the settled answer, nothing is resent.
      SettleResponse retried = restarted.settle(request).join();
      assertThat(retried.success()).isTrue();
      assertThat(retried.transaction()).isEqualTo(pending.transaction());
      assertThat(sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(700)));
    }
  }

  @Test
  void aTransactionThatNeverLandsFailsOnceItsBlockhashExpired() {
    InMemorySettlementLedger ledger = new InMemorySettlementLedger();
    SvmNetworkConfig quick = config().confirmTimeout(Duration.ofMillis(300)).build();
    SchemeRequest request = pay(requirements(300, feePayer), "dropped");
    BigInteger before = sellerBalance();
    controls.holdTransactions(true);
    SettleResponse pending;
    try (ExactSvmFacilitator first = facilitator(quick, ledger)) {
      pending = first.settle(request).join();
      assertThat(pending.isPending()).as(pending.errorMessage()).isTrue();
      controls.dropTransactions(pending.transaction());
    } finally {
      controls.holdTransactions(false);
    }
    controls.expireBlockhashes();
    try (ExactSvmFacilitator restarted = facilitator(quick, ledger)) {
      ReconcileReport report = restarted.reconcile().join();

      assertThat(report.failed()).isEqualTo(1);
      assertThat(sellerBalance()).isEqualTo(before);
    }
  }
}
