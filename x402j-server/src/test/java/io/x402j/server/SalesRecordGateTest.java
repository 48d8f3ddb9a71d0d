package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.TokenAmount;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.server.GateFaultsTest.ScriptedFacilitator;
import io.x402j.server.GateFaultsTest.TestMarketPayer;
import io.x402j.server.GateHarness.Answer;
import io.x402j.server.GateHarness.Served;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The gate tells its sales record each event of a paid request, once, and shrugs off its faults.
 */
class SalesRecordGateTest {
  static final String SELLER = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
  static final Answer OK = new Answer(200, "secret");

  final ScriptedFacilitator facilitator = new ScriptedFacilitator();
  final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
  final List<Sale> sales = new CopyOnWriteArrayList<>();

  GateHarness harness(SalesRecord record, PendingSettlement policy) {
    return new GateHarness(
        PaymentGate.builder()
            .facilitator(facilitator)
            .routes(
                RouteTable.builder()
                    .route(
                        "GET /report", PaidRoute.of("$0.01", GateFaultsTest.BASE_SEPOLIA, SELLER))
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
  void aSettledSaleIsAdmittedThenSettledWithItsPriceInAtomicUnitsAndItsCanonicalId() {
    GateHarness harness = harness(sales::add, PendingSettlement.WAIT);
    String payment = payment(harness);
    assertThat(sales).as("an unpaid request is no sale").isEmpty();

    assertThat(send(harness, payment).status()).isEqualTo(200);

    assertThat(sales)
        .extracting(Sale::state)
        .containsExactly(SaleState.ADMITTED, SaleState.SETTLED);
    Sale settled = sales.get(1);
    assertThat(settled.route()).isEqualTo("GET /report");
    assertThat(settled.method()).isEqualTo("GET");
    assertThat(settled.amount()).isEqualTo(TokenAmount.of(10_000)); // $0.01 in USDC's 6 decimals
    assertThat(settled.network()).isEqualTo(GateFaultsTest.BASE_SEPOLIA);
    assertThat(settled.payTo()).isEqualToIgnoringCase(SELLER);
    assertThat(settled.payer()).isEqualTo(GateFaultsTest.PAYER);
    assertThat(settled.transaction()).isEqualTo("0x" + "ab".repeat(32));
    assertThat(settled.at()).isEqualTo(clock.instant());
    assertThat(settled.paymentId()).isNotBlank().isEqualTo(sales.get(0).paymentId());
    assertThat(settled.reason()).isNull();

    // The same payment again is refused, recorded under the same id.
    assertThat(send(harness, payment).status()).isEqualTo(402);
    assertThat(sales).hasSize(3);
    assertThat(sales.get(2).state()).isEqualTo(SaleState.REFUSED);
    assertThat(sales.get(2).reason()).isEqualTo("payment_already_used");
    assertThat(sales.get(2).paymentId()).isEqualTo(settled.paymentId());
  }

  @Test
  void anInvalidPaymentIsRecordedRefusedWithTheFacilitatorsReason() {
    facilitator.verifies.add(
        CompletableFuture.completedFuture(
            VerifyResponse.invalid(
                io.x402j.core.ErrorReason.INSUFFICIENT_FUNDS, "no money", GateFaultsTest.PAYER)));
    GateHarness harness = harness(sales::add, PendingSettlement.WAIT);

    assertThat(send(harness, payment(harness)).status()).isEqualTo(402);

    assertThat(sales)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.state()).isEqualTo(SaleState.REFUSED);
              assertThat(s.reason()).isEqualTo("insufficient_funds");
              assertThat(s.payer()).isEqualTo(GateFaultsTest.PAYER);
            });
  }

  @Test
  void aPendingSettlementReleasedByPolicyIsRecordedPendingWithItsTransaction() {
    facilitator.settles.add(CompletableFuture.completedFuture(GateFaultsTest.pending()));
    GateHarness harness = harness(sales::add, PendingSettlement.RELEASE);

    assertThat(send(harness, payment(harness)).status()).isEqualTo(200);

    assertThat(sales)
        .extracting(Sale::state)
        .containsExactly(SaleState.ADMITTED, SaleState.PENDING);
    assertThat(sales.get(1).transaction()).isEqualTo("0x" + "cd".repeat(32));
  }

  @Test
  void aFailingHandlerIsRecordedRefusedAndNothingSettles() {
    GateHarness harness = harness(sales::add, PendingSettlement.WAIT);

    harness.serve(
        GateHarness.get("/report", Map.of("PAYMENT-SIGNATURE", payment(harness))),
        new Answer(500, "boom"));

    assertThat(sales)
        .extracting(Sale::state)
        .containsExactly(SaleState.ADMITTED, SaleState.REFUSED);
    assertThat(sales.get(1).reason()).isEqualTo("handler_failed_500");
    assertThat(facilitator.settleCalls).hasValue(0);
  }

  @Test
  void aBrokenRecordNeverFailsTheSaleAndIsCalledOncePerEvent() {
    AtomicInteger calls = new AtomicInteger();
    GateHarness harness =
        harness(
            sale -> {
              calls.incrementAndGet();
              throw new IllegalStateException("database is down");
            },
            PendingSettlement.WAIT);

    Served served = send(harness, payment(harness));

    assertThat(served.status()).isEqualTo(200);
    assertThat(served.header("PAYMENT-RESPONSE")).isNotBlank();
    assertThat(facilitator.settleCalls).hasValue(1);
    assertThat(calls).as("admitted + settled, no retries").hasValue(2);
  }
}
