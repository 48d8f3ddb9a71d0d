package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.TokenAmount;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.server.GateFaultsTest.ScriptedFacilitator;
import io.x402j.server.GateFaultsTest.TestMarketPayer;
import io.x402j.server.GateHarness.Answer;
import io.x402j.server.GateHarness.Served;
import io.x402j.server.SalesRecord.Unrecorded;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The gate tells its sales record each event of a paid request, once: the outcome on the request's
 * thread (the one insert a sale costs), admitted from its writer, unverified refusals only counted;
 * and it shrugs off the record's faults.
 */
class SalesRecordGateTest {
  static final String SELLER = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
  static final Answer OK = new Answer(200, "secret");

  final ScriptedFacilitator facilitator = new ScriptedFacilitator();
  final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));

  /** Records every sale, and separately those recorded on the thread that created it. */
  static final class CountingRecord implements SalesRecord {
    final Thread requestThread = Thread.currentThread();
    final List<Sale> all = new CopyOnWriteArrayList<>();
    final List<Sale> onRequestThread = new CopyOnWriteArrayList<>();
    final List<Unrecorded> unrecorded = new CopyOnWriteArrayList<>();

    @Override
    public void record(Sale sale) {
      all.add(sale);
      if (Thread.currentThread() == requestThread) {
        onRequestThread.add(sale);
      }
    }

    @Override
    public void unrecorded(Sale sale, Unrecorded why) {
      unrecorded.add(why);
    }
  }

  final CountingRecord sales = new CountingRecord();

  GateHarness harness(SalesRecord record, PendingSettlement policy) {
    return harness(record, policy, false);
  }

  GateHarness harness(SalesRecord record, PendingSettlement policy, boolean settleBefore) {
    return new GateHarness(
        PaymentGate.builder()
            .facilitator(facilitator)
            .routes(
                RouteTable.builder()
                    .route(
                        "GET /report",
                        PaidRoute.of("$0.01", GateFaultsTest.BASE_SEPOLIA, SELLER).toBuilder()
                            .settleBeforeHandler(settleBefore)
                            .build())
                    .build())
            .pendingSettlement(policy, Duration.ZERO, Duration.ofMillis(50))
            .clock(clock)
            .scheduler(new SteppingScheduler(clock))
            .salesRecord(record)
            .build());
  }

  static String payment(GateHarness harness) {
    Served unpaid = harness.serve(GateHarness.get("/report", Map.of()), OK);
    return new TestMarketPayer().pay(unpaid.header("PAYMENT-REQUIRED"));
  }

  static Served send(GateHarness harness, String payment) {
    return harness.serve(GateHarness.get("/report", Map.of("PAYMENT-SIGNATURE", payment)), OK);
  }

  @Test
  void aSettledSaleIsOneInsertOnTheRequestThreadAndAdmittedComesFromTheWriter() {
    GateHarness harness = harness(sales, PendingSettlement.WAIT);
    String payment = payment(harness);
    assertThat(sales.all).as("an unpaid request is no sale").isEmpty();

    assertThat(send(harness, payment).status()).isEqualTo(200);

    assertThat(sales.onRequestThread)
        .as("the one insert on the paid path")
        .extracting(Sale::state)
        .containsExactly(SaleState.SETTLED);
    harness.gate.close(); // flushes the writer
    assertThat(sales.all)
        .extracting(Sale::state)
        .containsExactlyInAnyOrder(SaleState.ADMITTED, SaleState.SETTLED);
    Sale settled = sales.onRequestThread.get(0);
    Sale admitted =
        sales.all.stream().filter(s -> s.state() == SaleState.ADMITTED).findFirst().orElseThrow();
    assertThat(settled.route()).isEqualTo("GET /report");
    assertThat(settled.method()).isEqualTo("GET");
    assertThat(settled.amount()).isEqualTo(TokenAmount.of(10_000)); // $0.01 in USDC's 6 decimals
    assertThat(settled.network()).isEqualTo(GateFaultsTest.BASE_SEPOLIA);
    // Addresses as the record keeps them: canonical lower-case hex, however they were spelled.
    assertThat(settled.payTo()).isEqualTo(SELLER.toLowerCase(java.util.Locale.ROOT));
    assertThat(settled.payer()).isEqualTo(GateFaultsTest.PAYER.toLowerCase(java.util.Locale.ROOT));
    assertThat(settled.transaction()).isEqualTo("0x" + "ab".repeat(32));
    assertThat(settled.at()).isEqualTo(clock.instant());
    assertThat(settled.paymentId()).isNotBlank().isEqualTo(admitted.paymentId());
    assertThat(settled.reason()).isNull();

    // The same payment again is refused; a replay costs nothing to send, so it is only counted.
    assertThat(send(harness, payment).status()).isEqualTo(402);
    assertThat(sales.all).hasSize(2);
    assertThat(sales.unrecorded).containsExactly(Unrecorded.UNVERIFIED);
  }

  @Test
  void aRouteThatSettlesBeforeItsHandlerAlsoCostsOneInsert() {
    GateHarness harness = harness(sales, PendingSettlement.WAIT, true);

    assertThat(send(harness, payment(harness)).status()).isEqualTo(200);

    assertThat(sales.onRequestThread).extracting(Sale::state).containsExactly(SaleState.SETTLED);
    harness.gate.close();
    assertThat(sales.all)
        .extracting(Sale::state)
        .containsExactlyInAnyOrder(SaleState.ADMITTED, SaleState.SETTLED);
  }

  @Test
  void anInvalidPaymentIsCountedNeverRecorded() {
    facilitator.verifies.add(
        CompletableFuture.completedFuture(
            VerifyResponse.invalid(
                io.x402j.core.ErrorReason.INSUFFICIENT_FUNDS, "no money", GateFaultsTest.PAYER)));
    GateHarness harness = harness(sales, PendingSettlement.WAIT);

    assertThat(send(harness, payment(harness)).status()).isEqualTo(402);

    harness.gate.close();
    assertThat(sales.all).isEmpty();
    assertThat(sales.unrecorded).containsExactly(Unrecorded.UNVERIFIED);
  }

  @Test
  void aFloodOfJunkPaymentsIsCountedAndNeverRecorded() {
    GateHarness harness = harness(sales, PendingSettlement.WAIT);
    String payment = payment(harness);
    for (int i = 0; i < 200; i++) {
      facilitator.verifies.add(
          CompletableFuture.completedFuture(
              VerifyResponse.invalid(
                  io.x402j.core.ErrorReason.EXACT_EVM_SIGNATURE,
                  "bad signature",
                  GateFaultsTest.PAYER)));
      assertThat(send(harness, payment).status()).isEqualTo(402);
    }
    // Garbage that is not even a payment matched nothing offered: counted too, never recorded.
    assertThat(send(harness, "not-a-payment").status()).isEqualTo(402);

    harness.gate.close();
    assertThat(sales.all).isEmpty();
    assertThat(sales.unrecorded).hasSize(201).containsOnly(Unrecorded.UNVERIFIED);
  }

  @Test
  void aPendingSettlementReleasedByPolicyIsOneInsertPendingWithItsTransaction() {
    facilitator.settles.add(CompletableFuture.completedFuture(GateFaultsTest.pending()));
    GateHarness harness = harness(sales, PendingSettlement.RELEASE);

    assertThat(send(harness, payment(harness)).status()).isEqualTo(200);

    assertThat(sales.onRequestThread).extracting(Sale::state).containsExactly(SaleState.PENDING);
    assertThat(sales.onRequestThread.get(0).transaction()).isEqualTo("0x" + "cd".repeat(32));
    harness.gate.close();
    assertThat(sales.all)
        .extracting(Sale::state)
        .containsExactlyInAnyOrder(SaleState.ADMITTED, SaleState.PENDING);
  }

  @Test
  void aFailingHandlerIsOneInsertRefusedAndNothingSettles() {
    GateHarness harness = harness(sales, PendingSettlement.WAIT);

    harness.serve(
        GateHarness.get("/report", Map.of("PAYMENT-SIGNATURE", payment(harness))),
        new Answer(500, "boom"));

    assertThat(sales.onRequestThread).extracting(Sale::state).containsExactly(SaleState.REFUSED);
    assertThat(sales.onRequestThread.get(0).reason()).isEqualTo("handler_failed_500");
    assertThat(facilitator.settleCalls).hasValue(0);
    harness.gate.close();
    assertThat(sales.all)
        .extracting(Sale::state)
        .containsExactlyInAnyOrder(SaleState.ADMITTED, SaleState.REFUSED);
  }

  @Test
  void aBrokenRecordNeverFailsTheSaleAndIsLeftAloneAfterItFails() {
    Thread requestThread = Thread.currentThread();
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger onRequestThread = new AtomicInteger();
    List<Unrecorded> skipped = new CopyOnWriteArrayList<>();
    GateHarness harness =
        harness(
            new SalesRecord() {
              @Override
              public void record(Sale sale) {
                calls.incrementAndGet();
                if (Thread.currentThread() == requestThread) {
                  onRequestThread.incrementAndGet();
                }
                throw new IllegalStateException("database is down");
              }

              @Override
              public void unrecorded(Sale sale, Unrecorded why) {
                skipped.add(why);
              }
            },
            PendingSettlement.WAIT);

    Served served = send(harness, payment(harness));
    Served second = send(harness, payment(harness));

    assertThat(served.status()).isEqualTo(200);
    assertThat(served.header("PAYMENT-RESPONSE")).isNotBlank();
    assertThat(second.status()).isEqualTo(200);
    assertThat(facilitator.settleCalls).hasValue(2);
    harness.gate.close();
    // Of four events (two admitted, two settled) the first to reach the record fails and the
    // others are skipped while the clock stands inside the back-off; only an admitted written by
    // the writer at the same moment as a settled may also have tried. So the paid path waited for
    // the broken record once at most, whichever came first.
    assertThat(onRequestThread.get()).as("at most one try on the paid path").isLessThanOrEqualTo(1);
    assertThat(calls.get()).isBetween(1, 2);
    assertThat(skipped).hasSize(4 - calls.get()).containsOnly(Unrecorded.BACKING_OFF);
  }

  // --- attack-one-insert ---

  /** {@code payment} with its {@code accepted} amount changed to {@code amount}. */
  static String withAmount(String payment, String amount) {
    try {
      com.fasterxml.jackson.databind.ObjectMapper json =
          new com.fasterxml.jackson.databind.ObjectMapper();
      com.fasterxml.jackson.databind.node.ObjectNode tree =
          (com.fasterxml.jackson.databind.node.ObjectNode)
              json.readTree(java.util.Base64.getDecoder().decode(payment));
      ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("accepted")).put("amount", amount);
      return java.util.Base64.getEncoder().encodeToString(json.writeValueAsBytes(tree));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aPaymentOfTheWrongAmountIsJunkTooAndTheSellerSeesItCounted() {
    GateHarness harness = harness(sales, PendingSettlement.WAIT);
    String cheap = withAmount(payment(harness), "1");

    for (int i = 0; i < 3; i++) {
      assertThat(send(harness, cheap).status()).isEqualTo(402);
    }

    harness.gate.close();
    assertThat(sales.all).as("never a row").isEmpty();
    assertThat(sales.unrecorded)
        .as("a wrong amount (or a payment for another route) is junk the seller sees counted")
        .hasSize(3)
        .containsOnly(Unrecorded.UNVERIFIED);
  }

  /** {@code payment} with its EIP-3009 signature replaced by zeros: anyone can write it. */
  static String withForgedSignature(String payment) {
    try {
      com.fasterxml.jackson.databind.ObjectMapper json =
          new com.fasterxml.jackson.databind.ObjectMapper();
      com.fasterxml.jackson.databind.node.ObjectNode tree =
          (com.fasterxml.jackson.databind.node.ObjectNode)
              json.readTree(java.util.Base64.getDecoder().decode(payment));
      ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("payload"))
          .put("signature", "0x" + "00".repeat(65));
      return java.util.Base64.getEncoder().encodeToString(json.writeValueAsBytes(tree));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aForgedCopyOfAPendingPaymentIsNeitherServedNorRecorded() {
    GateHarness harness = harness(sales, PendingSettlement.WAIT);
    String payment = payment(harness);
    // The settlement's answer is lost: the payment is pending, its authorization (payer, nonce) is
    // public in the transaction the facilitator sent.
    facilitator.settles.add(
        CompletableFuture.failedFuture(new java.io.IOException("read timed out")));
    assertThat(send(harness, payment).status()).isEqualTo(502);
    harness.gate.close();
    int rows = sales.all.size();
    int handled = harness.handled.get();
    // Anyone may now send the same authorization with a signature of their own making; a verify
    // would say so, and x402j's facilitator refuses to settle it (it checks the signature).
    facilitator.verifies.add(
        CompletableFuture.completedFuture(
            VerifyResponse.invalid(
                io.x402j.core.ErrorReason.EXACT_EVM_SIGNATURE, "bad signature", null)));
    facilitator.settles.add(
        CompletableFuture.completedFuture(
            SettleResponse.failure(
                io.x402j.core.ErrorReason.EXACT_EVM_SIGNATURE,
                "bad signature",
                null,
                GateFaultsTest.BASE_SEPOLIA.toString(),
                null)));
    int verifies = facilitator.verifyCalls.get();

    int settles = facilitator.settleCalls.get();
    Served forged = send(harness, withForgedSignature(payment));
    int afterForged = harness.handled.get();
    int settlesAfterForged = facilitator.settleCalls.get();
    // What was scripted for the forged copy, had it reached the facilitator, is not for the payer.
    facilitator.verifies.clear();
    facilitator.settles.clear();
    // The payer comes back for the pending payment.
    facilitator.settles.add(
        CompletableFuture.completedFuture(
            SettleResponse.success(
                "0x" + "ab".repeat(32),
                GateFaultsTest.BASE_SEPOLIA.toString(),
                GateFaultsTest.PAYER)));
    Served real = send(harness, payment);

    org.assertj.core.api.SoftAssertions soft = new org.assertj.core.api.SoftAssertions();
    soft.assertThat(forged.status()).as("not served").isNotEqualTo(200);
    soft.assertThat(forged.body()).doesNotContain("secret");
    soft.assertThat(afterForged)
        .as("the handler never runs for the forged copy")
        .isEqualTo(handled);
    soft.assertThat(sales.all.stream().filter(x -> x.state() == SaleState.REFUSED))
        .as("a forged payment is never a row")
        .isEmpty();
    soft.assertThat(settlesAfterForged)
        .as("the forged copy never reaches the facilitator")
        .isEqualTo(settles);
    soft.assertThat(forged.status()).isEqualTo(402);
    soft.assertThat(real.body()).as("the real payment is still followed").contains("secret");
    soft.assertThat(facilitator.verifyCalls.get())
        .as("the real payment resumes its pending settlement, not verified anew")
        .isEqualTo(verifies + 0);
    soft.assertThat(rows).isPositive();
    soft.assertAll();
  }
}
