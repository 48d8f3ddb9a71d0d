package io.x402j.sales;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks on the sales record through a real gate: a burst of paid requests at once on SQLite, and
 * a facilitator's answer the PostgreSQL record cannot store, which must cost that one row only and
 * never the settled sales after it.
 */
class SalesGateAttackIT {
  static final Network BASE_SEPOLIA = Network.evm(84532);
  static final String SELLER = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final Instant LONG_AGO = Instant.parse("2000-01-01T00:00:00Z");
  static final Instant FAR_AHEAD = Instant.parse("2100-01-01T00:00:00Z");

  static EmbeddedPostgres postgres;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stop() throws Exception {
    postgres.close();
  }

  final PrivateKeySigner buyer = PrivateKeySigner.generate(new SecureRandom());

  /** The payer the facilitator reports: normally the buyer. */
  final AtomicReference<String> reportedPayer = new AtomicReference<>(buyer.address().toString());

  final Facilitator facilitator =
      new Facilitator() {
        @Override
        public CompletableFuture<VerifyResponse> verify(FacilitatorRequest request) {
          return CompletableFuture.completedFuture(VerifyResponse.valid(reportedPayer.get()));
        }

        @Override
        public CompletableFuture<SettleResponse> settle(FacilitatorRequest request) {
          return CompletableFuture.completedFuture(
              SettleResponse.success(
                  "0x" + "ab".repeat(32), BASE_SEPOLIA.toString(), reportedPayer.get()));
        }

        @Override
        public CompletableFuture<SupportedResponse> supported() {
          return CompletableFuture.failedFuture(new UnsupportedOperationException());
        }
      };

  PaymentGate gate(JdbcSalesRecord sales, PrometheusMeterRegistry registry, Clock clock) {
    return PaymentGate.builder()
        .facilitator(facilitator)
        .routes(
            RouteTable.builder()
                .route("GET /report", PaidRoute.of("$0.01", BASE_SEPOLIA, SELLER))
                .build())
        .clock(clock)
        .salesRecord(SalesMetrics.wrapping(sales, registry))
        .build();
  }

  static GateDecision check(PaymentGate gate, String payment) {
    Map<String, List<String>> headers =
        payment == null ? Map.of() : Map.of("PAYMENT-SIGNATURE", List.of(payment));
    return gate.check(GateRequest.of("GET", "/report", "http://127.0.0.1/report", headers)).join();
  }

  String payment(PaymentGate gate) {
    GateDecision unpaid = check(gate, null);
    String header = ((GateDecision.Respond) unpaid).response().header("PAYMENT-REQUIRED");
    PaymentRequired required = HEADERS.decodePaymentRequired(header);
    PaymentRequirements offered = required.accepts().get(0);
    Map<String, Object> payload = ExactEvmClient.of(buyer).createPayload(2, offered);
    return HEADERS.encodePaymentSignature(PaymentPayload.of(required.resource(), offered, payload));
  }

  static void buy(PaymentGate gate, String payment) {
    Admission admission = ((GateDecision.Admit) check(gate, payment)).admission();
    assertThat(admission.complete(200).join()).isInstanceOf(Completion.Release.class);
  }

  @Test
  void aBurstOfPaidRequestsAtOnceIsRecordedSaleForSale(@TempDir Path dir) throws Exception {
    int threads = 16;
    int each = 8;
    try (JdbcSalesRecord sales = JdbcSalesRecord.open("jdbc:sqlite:" + dir.resolve("s.db"))) {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      PaymentGate gate = gate(sales, registry, Clock.systemUTC());
      List<String> payments = new ArrayList<>();
      for (int i = 0; i < threads * each; i++) {
        payments.add(payment(gate));
      }
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch go = new CountDownLatch(1);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          List<String> mine = payments.subList(t * each, (t + 1) * each);
          done.add(
              pool.submit(
                  () -> {
                    go.await();
                    for (String p : mine) {
                      buy(gate, p);
                    }
                    return null;
                  }));
        }
        go.countDown();
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      gate.close();

      int sold = threads * each;
      assertThat(sales.countsByState(LONG_AGO))
          .as("every settled sale of the burst is a settled row")
          .containsEntry(SaleState.SETTLED, (long) sold);
      assertThat(sales.totals(LONG_AGO))
          .singleElement()
          .satisfies(t -> assertThat(t.amount()).isEqualTo(BigInteger.valueOf(10_000L * sold)));
      assertThat(registry.scrape()).contains("x402j_seller_sales_record_failures_total 0.0");
    }
  }

  @Test
  void aFacilitatorAnswerPostgresCannotStoreCostsThatRowOnlyNotTheSalesAfterIt() throws Exception {
    String name = "attack" + System.nanoTime();
    try (var c = postgres.getPostgresDatabase().getConnection();
        var s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + name;
    // A fixed clock: the gate's back-off, once started, would last for the whole test.
    Clock clock = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);
    try (JdbcSalesRecord sales = JdbcSalesRecord.open(url, Map.of("X402J_DB_USER", "postgres"))) {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      PaymentGate gate = gate(sales, registry, clock);

      // A facilitator that passes through what a payload claims (a third-party one, a proxy):
      // text with a NUL, which PostgreSQL refuses in a text column.
      reportedPayer.set("0xattacker\u0000");
      buy(gate, payment(gate));
      reportedPayer.set(buyer.address().toString());
      buy(gate, payment(gate)); // a real sale right after
      gate.close();

      List<Sale> settled = new ArrayList<>();
      sales.export(
          LONG_AGO,
          FAR_AHEAD,
          s -> {
            if (s.state() == SaleState.SETTLED) {
              settled.add(s);
            }
          });
      assertThat(settled)
          .as("both settled sales are rows; the odd payer is stored without its NUL")
          .extracting(Sale::payer)
          .containsExactlyInAnyOrder("0xattacker", buyer.address().toLowerHex());
    }
  }

  /** A clock the test moves. */
  static final class MovableClock extends Clock {
    volatile Instant now = Instant.parse("2030-01-01T00:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  @Test
  void aLockedTableCostsOneWaitThenNothingAndRecordingResumesWhenItIsReleased(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("s.db");
    MovableClock clock = new MovableClock();
    ch.qos.logback.classic.Logger ledgerLog =
        (ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger("io.x402j.server.internal.SalesLedger");
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
        new ch.qos.logback.core.read.ListAppender<>();
    logged.start();
    ledgerLog.addAppender(logged);
    try (JdbcSalesRecord sales = JdbcSalesRecord.open("jdbc:sqlite:" + file)) {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      PaymentGate gate = gate(sales, registry, clock);
      buy(gate, payment(gate));
      // Signed before the clock starts: only the gate's own waits are timed.
      List<String> duringTheOutage = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        duringTheOutage.add(payment(gate));
      }

      // An operator's transaction holds the table.
      try (java.sql.Connection lock = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
          java.sql.Statement st = lock.createStatement()) {
        st.execute("BEGIN EXCLUSIVE");
        long started = System.nanoTime();
        buy(gate, duringTheOutage.get(0)); // waits once for the table, then goes on unrecorded
        long firstMs = (System.nanoTime() - started) / 1_000_000;
        started = System.nanoTime();
        for (String payment : duringTheOutage.subList(1, 6)) {
          buy(gate, payment); // backing off: no wait at all
        }
        long nextMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(firstMs)
            .as("one wait of at most a statement timeout")
            .isLessThan(JdbcSalesRecord.INSERT_TIMEOUT_SECONDS * 1000L + 1000);
        // Five lock waits would cost 5 s; the bound leaves room for a loaded machine's signing.
        assertThat(nextMs).as("five sales while backing off cost no wait").isLessThan(4000);
        st.execute("ROLLBACK");
      }

      clock.now = clock.now.plus(java.time.Duration.ofMinutes(2)); // past any back-off
      buy(gate, payment(gate));
      gate.close();

      assertThat(sales.countsByState(LONG_AGO))
          .as("recording resumed once the table was released")
          .containsEntry(SaleState.SETTLED, 2L);
      assertThat(registry.scrape())
          .as("the six settled sales of the outage are counted, their revenue too")
          .contains("x402j_seller_sales_total{state=\"settled\"} 8.0");
      List<String> errors =
          logged.list.stream()
              .filter(e -> e.getLevel() == ch.qos.logback.classic.Level.ERROR)
              .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
              .toList();
      assertThat(errors).as("the outage is logged once").hasSize(1);
      assertThat(
              logged.list.stream()
                  .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                  .filter(m -> m.contains("0x" + "ab".repeat(32))))
          .as("each settled sale that went unrecorded is logged once, with its transaction")
          .hasSize(6);
    } finally {
      ledgerLog.detachAppender(logged);
    }
  }
}
