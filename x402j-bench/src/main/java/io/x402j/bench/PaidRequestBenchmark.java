package io.x402j.bench;

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
import io.x402j.server.Completion;
import io.x402j.server.GateDecision;
import io.x402j.server.GateRequest;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.RouteTable;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the sales record adds to a paid request through a real {@link PaymentGate}: a settled sale
 * (check, verify, handler, settle, receipt) with the record off, on SQLite or on PostgreSQL. The
 * facilitator answers at once in-process, so the difference between the rows is the gate's own work
 * for the record: the outcome's insert on the request's thread, and handing admitted to the
 * background writer (which writes it meanwhile on another core). Each request carries a fresh
 * payment, signed outside the measured time.
 */
@BenchmarkMode(Mode.SampleTime) // percentiles: the median stands up to a loaded machine
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class PaidRequestBenchmark {
  private static final Network BASE_SEPOLIA = Network.evm(84532);
  private static final String SELLER = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
  private static final HeaderCodec HEADERS = HeaderCodec.standard();

  /**
   * The sales record: {@code off}, {@code noop} (a record that writes nothing: the gate's own cost
   * of the ledger and its writer thread), {@code sqlite} or {@code postgres}.
   */
  @Param({"off", "noop", "sqlite", "postgres"})
  public String record;

  private SalesDatabase db;
  private PaymentGate gate;
  private PrivateKeySigner buyer;
  private PaymentRequired required;
  private GateRequest paid;

  @Setup
  public void setUp() throws IOException {
    buyer = PrivateKeySigner.generate(new SecureRandom());
    String payer = buyer.address().toString();
    Facilitator facilitator =
        new Facilitator() {
          @Override
          public CompletableFuture<VerifyResponse> verify(FacilitatorRequest request) {
            return CompletableFuture.completedFuture(VerifyResponse.valid(payer));
          }

          @Override
          public CompletableFuture<SettleResponse> settle(FacilitatorRequest request) {
            return CompletableFuture.completedFuture(
                SettleResponse.success("0x" + "ab".repeat(32), BASE_SEPOLIA.toString(), payer));
          }

          @Override
          public CompletableFuture<SupportedResponse> supported() {
            return CompletableFuture.failedFuture(new UnsupportedOperationException());
          }
        };
    PaymentGate.Builder builder =
        PaymentGate.builder()
            .facilitator(facilitator)
            .routes(
                RouteTable.builder()
                    .route("GET /weather", PaidRoute.of("$0.001", BASE_SEPOLIA, SELLER))
                    .build());
    if (record.equals("noop")) {
      builder.salesRecord(sale -> {});
    } else if (!record.equals("off")) {
      db = SalesDatabase.open(record);
      builder.salesRecord(db.record);
    }
    gate = builder.build();
    GateDecision unpaid = gate.check(request(null)).join();
    required =
        HEADERS.decodePaymentRequired(
            ((GateDecision.Respond) unpaid).response().header("PAYMENT-REQUIRED"));
  }

  /** A fresh payment for the next request (not measured). */
  @Setup(Level.Invocation)
  public void sign() {
    PaymentRequirements offered = required.accepts().get(0);
    Map<String, Object> payload = ExactEvmClient.of(buyer).createPayload(2, offered);
    paid =
        request(
            HEADERS.encodePaymentSignature(
                PaymentPayload.of(required.resource(), offered, payload)));
  }

  @TearDown
  public void tearDown() throws IOException {
    gate.close();
    if (db != null) {
      db.close();
    }
  }

  private static GateRequest request(String payment) {
    return GateRequest.of(
        "GET",
        "/weather",
        "http://127.0.0.1:4021/weather",
        payment == null ? Map.of() : Map.of("PAYMENT-SIGNATURE", List.of(payment)));
  }

  /** One paid request, settled after a 200 from the handler. */
  @Benchmark
  public Completion settledSale() {
    GateDecision decision = gate.check(paid).join();
    Completion done = ((GateDecision.Admit) decision).admission().complete(200).join();
    if (!(done instanceof Completion.Release)) {
      throw new IllegalStateException("the sale was refused: " + done);
    }
    return done;
  }
}
