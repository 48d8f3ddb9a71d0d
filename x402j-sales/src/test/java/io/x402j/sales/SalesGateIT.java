package io.x402j.sales;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.facilitator.Facilitator;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.evm.ExactEvmClient;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.server.Admission;
import io.x402j.server.Completion;
import io.x402j.server.GateDecision;
import io.x402j.server.GateRequest;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.RouteTable;
import io.x402j.server.Sale;
import io.x402j.server.SaleState;
import io.x402j.server.SalesRecord;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real gate recording into a real SQLite sales record: one insert on the request's thread per
 * paid request, the admitted row written by the gate's writer soon after, the right latest state,
 * and a flood of forged payments that leaves the table as it was while the metrics count it.
 */
class SalesGateIT {
  static final Network BASE_SEPOLIA = Network.evm(84532);
  static final String SELLER = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final Instant LONG_AGO = Instant.parse("2000-01-01T00:00:00Z");
  static final Instant FAR_AHEAD = Instant.parse("2100-01-01T00:00:00Z");

  final AtomicBoolean forged = new AtomicBoolean();
  final PrivateKeySigner buyer = PrivateKeySigner.generate(new SecureRandom());
  final Facilitator facilitator =
      new Facilitator() {
        @Override
        public CompletableFuture<VerifyResponse> verify(FacilitatorRequest request) {
          String payer = buyer.address().toString();
          return CompletableFuture.completedFuture(
              forged.get()
                  ? VerifyResponse.invalid(ErrorReason.EXACT_EVM_SIGNATURE, "forged", payer)
                  : VerifyResponse.valid(payer));
        }

        @Override
        public CompletableFuture<SettleResponse> settle(FacilitatorRequest request) {
          return CompletableFuture.completedFuture(
              SettleResponse.success(
                  "0x" + "ab".repeat(32), BASE_SEPOLIA.toString(), buyer.address().toString()));
        }

        @Override
        public CompletableFuture<SupportedResponse> supported() {
          return CompletableFuture.failedFuture(new UnsupportedOperationException());
        }
      };

  JdbcSalesRecord sales;
  PrometheusMeterRegistry registry;
  PaymentGate gate;
  final List<Sale> onRequestThread = new CopyOnWriteArrayList<>();

  @BeforeEach
  void open(@TempDir Path dir) {
    sales = JdbcSalesRecord.open("jdbc:sqlite:" + dir.resolve("sales.db"));
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    SalesMetrics metrics = SalesMetrics.wrapping(sales, registry);
    Thread requestThread = Thread.currentThread();
    SalesRecord counted =
        new SalesRecord() {
          @Override
          public void record(Sale sale) {
            if (Thread.currentThread() == requestThread) {
              onRequestThread.add(sale);
            }
            metrics.record(sale);
          }

          @Override
          public void unrecorded(Sale sale, Unrecorded why) {
            metrics.unrecorded(sale, why);
          }
        };
    gate =
        PaymentGate.builder()
            .facilitator(facilitator)
            .routes(
                RouteTable.builder()
                    .route("GET /report", PaidRoute.of("$0.01", BASE_SEPOLIA, SELLER))
                    .build())
            .salesRecord(counted)
            .build();
  }

  @AfterEach
  void close() {
    gate.close();
    sales.close();
  }

  GateDecision check(String payment) {
    Map<String, List<String>> headers =
        payment == null ? Map.of() : Map.of("PAYMENT-SIGNATURE", List.of(payment));
    return gate.check(GateRequest.of("GET", "/report", "http://127.0.0.1/report", headers)).join();
  }

  String payment() {
    GateDecision unpaid = check(null);
    String header = ((GateDecision.Respond) unpaid).response().header("PAYMENT-REQUIRED");
    PaymentRequired required = HEADERS.decodePaymentRequired(header);
    PaymentRequirements offered = required.accepts().get(0);
    Map<String, Object> payload = ExactEvmClient.of(buyer).createPayload(2, offered);
    return HEADERS.encodePaymentSignature(PaymentPayload.of(required.resource(), offered, payload));
  }

  @Test
  void eachSaleIsOneInsertOnItsThreadAndBothRowsLandWithTheSaleSettled() {
    for (int i = 0; i < 3; i++) {
      GateDecision decision = check(payment());
      Admission admission = ((GateDecision.Admit) decision).admission();
      assertThat(admission.complete(200).join()).isInstanceOf(Completion.Release.class);
    }

    assertThat(onRequestThread)
        .as("one insert per paid request on its thread: the outcome")
        .extracting(Sale::state)
        .containsExactly(SaleState.SETTLED, SaleState.SETTLED, SaleState.SETTLED);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(sales.countsByState(LONG_AGO))
                    .containsEntry(SaleState.ADMITTED, 3L)
                    .containsEntry(SaleState.SETTLED, 3L));
    assertThat(sales.latest(10)).hasSize(3).extracting(Sale::state).containsOnly(SaleState.SETTLED);
  }

  @Test
  void aFloodOfForgedPaymentsLeavesTheTableAsItWasAndIsCounted() {
    String payment = payment();
    forged.set(true);
    for (int i = 0; i < 500; i++) {
      GateDecision decision = check(payment);
      assertThat(((GateDecision.Respond) decision).response().status()).isEqualTo(402);
    }

    gate.close(); // nothing queued may be left behind
    assertThat(sales.count(LONG_AGO, FAR_AHEAD)).isZero();
    assertThat(registry.scrape())
        .contains("x402j_seller_unverified_refusals_total 500.0")
        .contains("x402j_seller_sales_record_failures_total 0.0");
  }
}
