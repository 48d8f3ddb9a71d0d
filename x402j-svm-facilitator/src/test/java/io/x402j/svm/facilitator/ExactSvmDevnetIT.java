package io.x402j.svm.facilitator;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.support.Base58;
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
import io.x402j.svm.Instruction;
import io.x402j.svm.MessageCompiler;
import io.x402j.svm.SolanaAddress;
import io.x402j.svm.SolanaKeypair;
import io.x402j.svm.SolanaPrograms;
import io.x402j.svm.SolanaTransaction;
import io.x402j.svm.SvmInstructions;
import io.x402j.svm.TokenAccounts;
import io.x402j.svm.rpc.SolanaRpcClient;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
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

  /**
   * A buyer pays 1 atomic unit with the highest compute-unit limit the runtime grants (1.4M) at the
   * official price cap (5 lamports per unit): a 7,000,000-lamport priority fee the sponsor pays for
   * a payment worth a millionth of a dollar. Settled, it would cost the sponsor that fee; failing
   * on chain (e.g. a Lighthouse assertion on the slot) it would cost the same for nothing. The
   * sponsor's fee per payment must stay bounded by default.
   */
  @Test
  void aHugeComputeBudgetCannotDrainTheSponsor() {
    PaymentRequirements req = requirements(1, feePayer);
    SolanaAddress mint = SolanaAddress.parse(SolanaDevnet.USDC_DEVNET_MINT);
    SolanaAddress payer = buyer.address();
    List<Instruction> ixs =
        List.of(
            SvmInstructions.setComputeUnitLimit(1_400_000),
            SvmInstructions.setComputeUnitPrice(SvmNetworkConfig.DEFAULT_MAX_COMPUTE_UNIT_PRICE),
            SvmInstructions.transferChecked(
                SolanaPrograms.TOKEN,
                TokenAccounts.associated(payer, mint, SolanaPrograms.TOKEN),
                mint,
                TokenAccounts.associated(SolanaAddress.parse(seller), mint, SolanaPrograms.TOKEN),
                payer,
                1,
                6),
            SvmInstructions.memo("fee-drain"));
    byte[] blockhash = Base58.decode(rpc.getLatestBlockhash().join().blockhash());
    SolanaTransaction tx =
        SolanaTransaction.unsigned(MessageCompiler.compileV0(feePayer.address(), ixs, blockhash))
            .signedBy(buyer);
    Map<String, Object> payload = new HashMap<>();
    payload.put("transaction", Base64.getEncoder().encodeToString(tx.encode()));
    SchemeRequest request = new SchemeRequest(2, PaymentPayload.of(null, req, payload), req);
    BigInteger sol = controls.lamports(feePayer.address().toString());
    try (ExactSvmFacilitator facilitator =
        facilitator(config().build(), new InMemorySettlementLedger())) {
      VerifyResponse verified = facilitator.verify(request).join();
      SettleResponse settled = facilitator.settle(request).join();

      BigInteger spent = sol.subtract(controls.lamports(feePayer.address().toString()));
      assertThat(spent)
          .as("lamports the sponsor paid")
          .isLessThanOrEqualTo(BigInteger.valueOf(110_000));
      assertThat(verified.invalidReason())
          .isEqualTo(
              "invalid_exact_svm_payload_transaction_instructions_compute_limit_instruction_too_high");
      assertThat(settled.success()).isFalse();
    }
  }

  /**
   * A Token-2022 mint with a 10% transfer fee: {@code TransferChecked} of {@code amount} lands
   * {@code amount - fee} in the payee's account (the fee is withheld there, owned by the mint's
   * withdraw authority). Verification must not call that an exact payment of {@code amount}.
   */
  @Test
  void aToken2022TransferFeeThatShortsThePayeeIsRefused() {
    SolanaAddress mint = SolanaKeypair.generate().address();
    SolanaAddress sellerAddress = SolanaAddress.parse(seller);
    SolanaAddress program = SolanaPrograms.TOKEN_2022;
    String owner = program.toString();
    controls.setAccount(mint.toString(), BigInteger.valueOf(10_000_000), feeMint(1_000), owner);
    SolanaAddress source = TokenAccounts.associated(buyer.address(), mint, program);
    SolanaAddress destination = TokenAccounts.associated(sellerAddress, mint, program);
    controls.setAccount(
        source.toString(),
        BigInteger.valueOf(10_000_000),
        feeTokenAccount(mint, buyer.address(), 1_000_000),
        owner);
    controls.setAccount(
        destination.toString(),
        BigInteger.valueOf(10_000_000),
        feeTokenAccount(mint, sellerAddress, 0),
        owner);
    PaymentRequirements req =
        PaymentRequirements.builder()
            .scheme("exact")
            .network(NETWORK)
            .amount(TokenAmount.of(1000))
            .asset(mint.toString())
            .payTo(seller)
            .maxTimeoutSeconds(60)
            .extra(Map.of("feePayer", feePayer.address().toString()))
            .build();
    List<Instruction> ixs =
        List.of(
            SvmInstructions.setComputeUnitLimit(50_000),
            SvmInstructions.setComputeUnitPrice(1),
            SvmInstructions.transferChecked(
                program, source, mint, destination, buyer.address(), 1000, 6),
            SvmInstructions.memo("transfer-fee"));
    byte[] blockhash = Base58.decode(rpc.getLatestBlockhash().join().blockhash());
    SolanaTransaction tx =
        SolanaTransaction.unsigned(MessageCompiler.compileV0(feePayer.address(), ixs, blockhash))
            .signedBy(buyer);
    Map<String, Object> payload = new HashMap<>();
    payload.put("transaction", Base64.getEncoder().encodeToString(tx.encode()));
    SchemeRequest request = new SchemeRequest(2, PaymentPayload.of(null, req, payload), req);
    try (ExactSvmFacilitator facilitator =
        facilitator(config().build(), new InMemorySettlementLedger())) {
      VerifyResponse verified = facilitator.verify(request).join();
      SettleResponse settled = facilitator.settle(request).join();

      BigInteger received = rpc.getTokenAccountBalance(destination.toString()).join().amount();
      assertThat(settled.success() ? received : BigInteger.valueOf(1000))
          .as("what the payee got from a payment reported settled")
          .isEqualTo(BigInteger.valueOf(1000));
      assertThat(verified.isValid()).isFalse();
      assertThat(verified.invalidReason()).isEqualTo("invalid_exact_svm_payload_amount_mismatch");
      assertThat(settled.success()).isFalse();
    }
  }

  /** A Token-2022 mint (6 decimals) with a TransferFeeConfig of {@code bps} in every epoch. */
  private static byte[] feeMint(int bps) {
    ByteBuffer b = ByteBuffer.allocate(166 + 4 + 108).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0).put(new byte[32]); // no mint authority
    b.putLong(1_000_000_000L).put((byte) 6).put((byte) 1);
    b.putInt(0).put(new byte[32]); // no freeze authority
    b.position(165);
    b.put((byte) 1); // AccountType::Mint
    b.putShort((short) 1).putShort((short) 108); // TransferFeeConfig
    b.put(new byte[32]).put(new byte[32]).putLong(0);
    for (int i = 0; i < 2; i++) {
      b.putLong(0).putLong(Long.MAX_VALUE).putShort((short) bps);
    }
    return b.array();
  }

  /** An initialised Token-2022 account of {@code mint} with room for withheld transfer fees. */
  private static byte[] feeTokenAccount(SolanaAddress mint, SolanaAddress owner, long amount) {
    ByteBuffer b = ByteBuffer.allocate(166 + 4 + 8).order(ByteOrder.LITTLE_ENDIAN);
    b.put(mint.bytes()).put(owner.bytes()).putLong(amount);
    b.putInt(0).put(new byte[32]); // no delegate
    b.put((byte) 1); // initialised
    b.putInt(0).putLong(0); // not native
    b.putLong(0);
    b.putInt(0).put(new byte[32]); // no close authority
    b.put((byte) 2); // AccountType::Account
    b.putShort((short) 2).putShort((short) 8).putLong(0); // TransferFeeAmount
    return b.array();
  }

  /**
   * Two facilitators on one ledger, eight concurrent settles of one payment under different
   * settlement ids: one success, every other answer duplicate_settlement, one transfer.
   */
  @Test
  void concurrentSettlesOnTwoFacilitatorsSettleOnce() throws Exception {
    InMemorySettlementLedger ledger = new InMemorySettlementLedger();
    SchemeRequest request = pay(requirements(600, feePayer), null);
    BigInteger before = sellerBalance();
    controls.callCounts(true);
    try (ExactSvmFacilitator a = facilitator(config().build(), ledger);
        ExactSvmFacilitator b = facilitator(config().build(), ledger)) {
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      List<java.util.concurrent.CompletableFuture<SettleResponse>> answers =
          new java.util.ArrayList<>();
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(8);
      try {
        for (int i = 0; i < 8; i++) {
          ExactSvmFacilitator f = i % 2 == 0 ? a : b;
          SchemeRequest mine =
              new SchemeRequest(2, request.payload(), request.requirements(), "attempt-" + i);
          answers.add(
              java.util.concurrent.CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      go.await();
                    } catch (InterruptedException e) {
                      throw new IllegalStateException(e);
                    }
                    return f.settle(mine).join();
                  },
                  pool));
        }
        go.countDown();
        List<String> outcomes = new java.util.ArrayList<>();
        for (var answer : answers) {
          SettleResponse r = answer.join();
          outcomes.add(r.success() ? "success" : r.errorReason());
        }
        assertThat(outcomes).as("%s", outcomes).containsOnlyOnce("success");
        assertThat(outcomes.stream().filter(o -> !o.equals("success")))
            .as("%s", outcomes)
            .containsOnly("duplicate_settlement");
      } finally {
        pool.shutdownNow();
      }
    }
    assertThat(sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(600)));
    assertThat(controls.callCounts(false).getOrDefault("sendTransaction", 0L)).isEqualTo(1L);
  }
}
