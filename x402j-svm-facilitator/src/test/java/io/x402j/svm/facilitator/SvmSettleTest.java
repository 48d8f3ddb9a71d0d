package io.x402j.svm.facilitator;

import static io.x402j.svm.facilitator.SvmFixture.base64;
import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.support.Base58;
import io.x402j.core.wire.SettleResponse;
import io.x402j.settlement.InMemorySettlementLedger;
import io.x402j.settlement.ReconcileReport;
import io.x402j.settlement.SettlementKey;
import io.x402j.settlement.SettlementRecord;
import io.x402j.settlement.SettlementState;
import io.x402j.svm.Ed25519;
import io.x402j.svm.SolanaTransaction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Settlement with an injected scheduler (the confirmation cadence is read, not waited for) and a
 * scripted node on real HTTP: success, on-chain failure, settlement_pending, duplicates, a refused
 * send, and reconciliation after a restart.
 */
class SvmSettleTest {
  private static final String NOT_FOUND = "null";

  private SvmFixture f;
  private StepScheduler scheduler;
  private ExecutorService blocking;
  private InMemorySettlementLedger ledger;
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-29T00:00:00Z"), ZoneOffset.UTC);
  private final List<String> sent = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger statusCalls = new AtomicInteger();
  private volatile IntFunction<String> status = n -> NOT_FOUND;

  @BeforeEach
  void start() throws Exception {
    f = new SvmFixture();
    scheduler = new StepScheduler();
    blocking = Executors.newCachedThreadPool();
    ledger = new InMemorySettlementLedger();
    f.methods.put(
        "sendTransaction",
        r -> {
          String raw = r.get("params").get(0).asText();
          sent.add(raw);
          SolanaTransaction tx = SolanaTransaction.decode(Base64.getDecoder().decode(raw));
          assertThat(r.get("params").get(1).get("skipPreflight").asBoolean()).isTrue();
          return "\"" + Base58.encode(tx.signature(0)) + "\"";
        });
    f.methods.put(
        "getSignatureStatuses",
        r ->
            "{\"context\":{\"slot\":5},\"value\":["
                + status.apply(statusCalls.incrementAndGet())
                + "]}");
  }

  @AfterEach
  void stop() {
    blocking.shutdownNow();
    f.close();
  }

  private ExactSvmFacilitator facilitator(SvmNetworkConfig config) {
    return ExactSvmFacilitator.builder()
        .network(config)
        .ledger(ledger)
        .clock(clock)
        .executors(blocking, scheduler)
        .build();
  }

  private ExactSvmFacilitator facilitator() {
    return facilitator(f.config().build());
  }

  private static String confirmed(String level) {
    return "{\"slot\":4,\"confirmations\":null,\"err\":null,\"confirmationStatus\":\""
        + level
        + "\"}";
  }

  private static final String FAILED =
      "{\"slot\":4,\"confirmations\":1,\"err\":{\"InstructionError\":[2,{\"Custom\":1}]},\"confirmationStatus\":\"confirmed\"}";

  private static final String PROCESSED =
      "{\"slot\":4,\"confirmations\":0,\"err\":null,\"confirmationStatus\":\"processed\"}";

  private SettlementKey key(SolanaTransaction tx) {
    return SvmSettlementEngine.ledgerKey(SvmFixture.DEVNET, tx.messageBytes());
  }

  private static SchemeRequest withId(SchemeRequest r, String id) {
    return new SchemeRequest(r.x402Version(), r.payload(), r.requirements(), id);
  }

  @Test
  void settlesSignsAsTheNamedFeePayerAndConfirmsOnTheOfficialCadence() throws Exception {
    // Not found for the first 10 polls, processed on the 11th, confirmed on the 12th.
    status = n -> n <= 10 ? NOT_FOUND : n == 11 ? PROCESSED : confirmed("confirmed");
    SolanaTransaction tx = f.valid();
    try (ExactSvmFacilitator facilitator = facilitator()) {
      SettleResponse response = scheduler.drive(facilitator.settle(f.request(tx)));

      assertThat(response.success()).as(response.errorMessage()).isTrue();
      assertThat(response.payer()).isEqualTo(f.buyer.address().toString());
      assertThat(response.network()).isEqualTo(SvmFixture.DEVNET.toString());
      assertThat(sent).hasSize(1);
      SolanaTransaction signed = SolanaTransaction.decode(Base64.getDecoder().decode(sent.get(0)));
      assertThat(signed.messageBytes()).isEqualTo(tx.messageBytes());
      assertThat(Ed25519.verify(f.feePayer.address(), tx.messageBytes(), signed.signature(0)))
          .isTrue();
      assertThat(signed.signature(1)).isEqualTo(tx.signature(1));
      assertThat(response.transaction()).isEqualTo(Base58.encode(signed.signature(0)));
      // 250 ms for the first 2 s, then every second.
      List<Duration> expected = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        expected.add(Duration.ofMillis(250));
      }
      for (int i = 0; i < 3; i++) {
        expected.add(Duration.ofSeconds(1));
      }
      assertThat(scheduler.delays).containsExactlyElementsOf(expected);
      SettlementRecord record = ledger.find(key(tx)).orElseThrow();
      assertThat(record.state()).isEqualTo(SettlementState.CONFIRMED);
      assertThat(record.key().paymentId()).hasSize(64).matches("[0-9a-f]{64}");
      assertThat(record.submission().transaction()).isEqualTo(response.transaction());
      assertThat(record.payer()).isEqualTo(f.buyer.address().toString());
      assertThat(record.payTo()).isEqualTo(f.payTo.toString());
    }
  }

  @Test
  void signsWithTheSecondFeePayerWhenThePaymentNamesIt() throws Exception {
    status = n -> confirmed("finalized");
    SolanaTransaction tx = f.transaction(f.feePayer2.address(), f.instructions(1000), f.buyer);
    SchemeRequest request =
        SvmFixture.request(
            2,
            f.requirements(1000, java.util.Map.of("feePayer", f.feePayer2.address().toString())),
            base64(tx));
    try (ExactSvmFacilitator facilitator = facilitator()) {
      SettleResponse response = scheduler.drive(facilitator.settle(request));

      assertThat(response.success()).isTrue();
      SolanaTransaction signed = SolanaTransaction.decode(Base64.getDecoder().decode(sent.get(0)));
      assertThat(Ed25519.verify(f.feePayer2.address(), tx.messageBytes(), signed.signature(0)))
          .isTrue();
    }
  }

  @Test
  void anOnChainErrorIsTransactionFailedWithTheSignature() throws Exception {
    status = n -> FAILED;
    SolanaTransaction tx = f.valid();
    try (ExactSvmFacilitator facilitator = facilitator()) {
      SettleResponse response = scheduler.drive(facilitator.settle(f.request(tx)));

      assertThat(response.success()).isFalse();
      assertThat(response.errorReason()).isEqualTo("invalid_exact_svm_transaction_failed");
      assertThat(response.transaction()).isNotEmpty();
      assertThat(ledger.find(key(tx)).orElseThrow().state()).isEqualTo(SettlementState.FAILED);
    }
  }

  @Test
  void noConfirmationWithinTheTimeoutIsSettlementPendingAndARepeatNeverResends() throws Exception {
    status = n -> NOT_FOUND;
    SolanaTransaction tx = f.valid();
    SvmNetworkConfig config = f.config().confirmTimeout(Duration.ofSeconds(4)).build();
    try (ExactSvmFacilitator facilitator = facilitator(config)) {
      SchemeRequest request = withId(f.request(tx), "attempt-1");
      SettleResponse pending = scheduler.drive(facilitator.settle(request));

      assertThat(pending.isPending()).as(pending.errorMessage()).isTrue();
      assertThat(pending.errorReason()).isEqualTo("settlement_pending");
      assertThat(pending.transaction()).isNotEmpty();
      // 8 × 250 ms + 2 × 1 s = 4 s, then no wait beyond the timeout.
      assertThat(scheduler.delays).hasSize(10);
      assertThat(ledger.find(key(tx)).orElseThrow().state()).isEqualTo(SettlementState.PENDING);

      // The same attempt asks again: it follows the recorded transaction, never signs anew.
      status = n -> confirmed("confirmed");
      SettleResponse followed = scheduler.drive(facilitator.settle(request));
      assertThat(followed.success()).isTrue();
      assertThat(followed.transaction()).isEqualTo(pending.transaction());
      assertThat(sent).hasSize(1);

      // Another request for the same transaction is a duplicate.
      SettleResponse other = scheduler.drive(facilitator.settle(f.request(tx)));
      assertThat(other.errorReason()).isEqualTo("duplicate_settlement");
      assertThat(sent).hasSize(1);
    }
  }

  @Test
  void aRetryOfAPendingSettlementIsAnsweredFromTheLedgerEvenWhenTheChecksWouldNowRefuse()
      throws Exception {
    status = n -> NOT_FOUND;
    SolanaTransaction tx = f.valid();
    SchemeRequest request = withId(f.request(tx), "attempt-1");
    SettleResponse pending;
    try (ExactSvmFacilitator before =
        facilitator(f.config().confirmTimeout(Duration.ofMillis(250)).build())) {
      pending = scheduler.drive(before.settle(request));
    }
    assertThat(pending.errorReason()).isEqualTo("settlement_pending");
    // After a restart the paying fee payer is gone from the configuration: a fresh payment naming
    // it would be refused, but this one is in flight and must be followed, not reported failed.
    SvmNetworkConfig without =
        SvmNetworkConfig.builder(SvmFixture.DEVNET, f.rpc)
            .feePayer(f.feePayer2)
            .confirmTimeout(Duration.ofMillis(250))
            .build();
    try (ExactSvmFacilitator after = facilitator(without)) {
      SettleResponse still = scheduler.drive(after.settle(request));
      assertThat(still.errorReason()).as(still.errorMessage()).isEqualTo("settlement_pending");
      assertThat(still.transaction()).isEqualTo(pending.transaction());

      status = n -> confirmed("confirmed");
      SettleResponse followed = scheduler.drive(after.settle(request));
      assertThat(followed.success()).as(followed.errorMessage()).isTrue();
      assertThat(followed.transaction()).isEqualTo(pending.transaction());
      // Decided: the recorded answer, again; another request is a duplicate.
      assertThat(scheduler.drive(after.settle(request)).success()).isTrue();
      assertThat(scheduler.drive(after.settle(f.request(tx))).errorReason())
          .isEqualTo("duplicate_settlement");
      // A fresh payment naming the removed fee payer is still refused by the checks.
      SolanaTransaction fresh = f.transaction(f.feePayer.address(), f.instructions(999), f.buyer);
      assertThat(scheduler.drive(after.settle(f.request(fresh))).errorReason())
          .endsWith("fee_payer_not_managed_by_facilitator");
    }
    assertThat(sent).hasSize(1);
  }

  @Test
  void aSettledTransactionIsNeverSentTwice() throws Exception {
    status = n -> confirmed("confirmed");
    SolanaTransaction tx = f.valid();
    try (ExactSvmFacilitator facilitator = facilitator()) {
      SchemeRequest first = withId(f.request(tx), "s-1");
      SettleResponse settled = scheduler.drive(facilitator.settle(first));
      assertThat(settled.success()).isTrue();

      // Same attempt: the cached answer. Any other request: duplicate_settlement.
      assertThat(scheduler.drive(facilitator.settle(first))).isEqualTo(settled);
      SettleResponse repeat = scheduler.drive(facilitator.settle(withId(f.request(tx), "s-2")));
      assertThat(repeat.success()).isFalse();
      assertThat(repeat.errorReason()).isEqualTo("duplicate_settlement");
      // The same message respelled (another base64 of the same bytes is impossible: base64 is
      // canonical), or re-signed by the buyer, is the same ledger key.
      SettleResponse resigned =
          scheduler.drive(facilitator.settle(f.request(tx.signedBy(f.buyer))));
      assertThat(resigned.errorReason()).isEqualTo("duplicate_settlement");
      assertThat(sent).hasSize(1);
    }
  }

  @Test
  void aRefusedSendReturnsTheClaimAndMovesNoMoney() throws Exception {
    f.methods.put(
        "sendTransaction",
        r -> {
          sent.add(r.get("params").get(0).asText());
          return "!{\"code\":-32002,\"message\":\"Blockhash not found\"}";
        });
    status = n -> NOT_FOUND;
    SolanaTransaction tx = f.valid();
    try (ExactSvmFacilitator facilitator = facilitator()) {
      SettleResponse response = scheduler.drive(facilitator.settle(f.request(tx)));

      assertThat(response.errorReason()).isEqualTo("invalid_exact_svm_transaction_failed");
      assertThat(response.transaction()).isEmpty();
      SettlementRecord record = ledger.find(key(tx)).orElseThrow();
      assertThat(record.state()).isEqualTo(SettlementState.FAILED);
      assertThat(record.submission()).isNull();
      assertThat(scheduler.delays).isEmpty();
    }
  }

  @Test
  void aSimulationFailingAtSettleIsRecordedUnderTheClaimAndNothingIsSent() throws Exception {
    f.methods.put(
        "simulateTransaction",
        r -> "{\"context\":{\"slot\":1},\"value\":{\"err\":\"BlockhashNotFound\",\"logs\":[]}}");
    SolanaTransaction tx = f.valid();
    try (ExactSvmFacilitator facilitator = facilitator()) {
      SettleResponse response = scheduler.drive(facilitator.settle(f.request(tx)));

      assertThat(response.errorReason())
          .isEqualTo("invalid_exact_svm_transaction_simulation_failed");
      assertThat(sent).isEmpty();
      assertThat(ledger.find(key(tx)).orElseThrow().state()).isEqualTo(SettlementState.FAILED);
    }
  }

  @Test
  void anInvalidPaymentIsRefusedBeforeAnyClaim() throws Exception {
    SolanaTransaction tx = f.transaction(f.feePayer.address(), f.instructions(999), f.buyer);
    try (ExactSvmFacilitator facilitator = facilitator()) {
      SettleResponse response = scheduler.drive(facilitator.settle(f.request(tx)));

      assertThat(response.errorReason()).isEqualTo("invalid_exact_svm_payload_amount_mismatch");
      assertThat(ledger.find(key(tx))).isEmpty();
    }
  }

  @Test
  void reconcileAfterARestartResolvesPendingSettlements() throws Exception {
    status = n -> NOT_FOUND;
    SvmNetworkConfig quick = f.config().confirmTimeout(Duration.ofMillis(250)).build();
    List<SolanaTransaction> txs = new ArrayList<>();
    try (ExactSvmFacilitator before = facilitator(quick)) {
      for (String memo : List.of("a", "b", "c")) {
        var ixs = f.instructions(1000);
        ixs.set(3, io.x402j.svm.SvmInstructions.memo(memo));
        SolanaTransaction tx = f.transaction(f.feePayer.address(), ixs, f.buyer);
        txs.add(tx);
        assertThat(scheduler.drive(before.settle(f.request(tx))).isPending()).isTrue();
      }
    }
    assertThat(sent).hasSize(3);
    String landed = signatureOf(sent.get(0));
    // After the restart: the first landed; the network does not know the others.
    f.methods.put(
        "getSignatureStatuses",
        r -> {
          String sig = r.get("params").get(0).get(0).asText();
          String value = sig.equals(landed) ? confirmed("finalized") : NOT_FOUND;
          return "{\"context\":{\"slot\":9},\"value\":[" + value + "]}";
        });
    f.methods.put("isBlockhashValid", r -> "{\"context\":{\"slot\":9},\"value\":true}");
    try (ExactSvmFacilitator after = facilitator(quick)) {
      ReconcileReport report = after.reconcile().join();

      assertThat(report.confirmed()).isEqualTo(1);
      assertThat(report.rebroadcast()).isEqualTo(2);
      assertThat(ledger.find(key(txs.get(0))).orElseThrow().state())
          .isEqualTo(SettlementState.CONFIRMED);
      // Resent bytes are the recorded ones: the same signatures, so never a second transfer.
      assertThat(sent.subList(3, sent.size())).containsExactlyInAnyOrder(sent.get(1), sent.get(2));

      // Once their blockhash expired without them landing, they failed and moved no money.
      f.methods.put("isBlockhashValid", r -> "{\"context\":{\"slot\":9},\"value\":false}");
      ReconcileReport later = after.reconcile().join();
      assertThat(later.failed()).isEqualTo(2);
      SettlementRecord gone = ledger.find(key(txs.get(1))).orElseThrow();
      assertThat(gone.state()).isEqualTo(SettlementState.FAILED);
      assertThat(gone.outcome().errorReason()).isEqualTo("invalid_exact_svm_transaction_failed");
      assertThat(gone.outcome().transaction()).isEmpty();
      assertThat(after.reconcile().join()).isEqualTo(ReconcileReport.NONE);
      assertThat(sent).hasSize(5);
    }
  }

  private static String signatureOf(String raw) {
    return Base58.encode(SolanaTransaction.decode(Base64.getDecoder().decode(raw)).signature(0));
  }
}
