package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.Network;
import io.x402j.core.facilitator.FacilitatorOperation;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.SupportedKind;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.evm.ExactEvmClient;
import io.x402j.server.siwx.PaymentHistory;
import io.x402j.server.siwx.SignInWithXExtension;
import io.x402j.testkit.ScriptedAnswer;
import io.x402j.testkit.ScriptedFacilitator;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * {@link PaymentHistory#jdbc} on SQLite and on a real (embedded) PostgreSQL: what it remembers and
 * forgets, and two gate instances on one database — a payment made through one lets the wallet sign
 * in at the other, which an in-memory history cannot do.
 */
class SignInWithXSharedHistoryTest {
  static final Network NET = SignInWithXGateTest.NET;
  static EmbeddedPostgres postgres;
  static int databases;

  @TempDir Path temp;
  ScriptedFacilitator facilitator;
  final AtomicInteger settled = new AtomicInteger();
  // Now: ReplayStore.jdbc (the shared nonce store) goes by the system clock.
  final ManualClock clock = new ManualClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    postgres.close();
  }

  @BeforeEach
  void start() {
    facilitator = ScriptedFacilitator.start();
    facilitator.dispatcher(
        request -> {
          if (request.operation() == FacilitatorOperation.SUPPORTED) {
            return ScriptedAnswer.supported(
                new SupportedResponse(
                    List.of(SupportedKind.of(2, "exact", NET.toString())),
                    List.of(),
                    Map.of(),
                    Map.of()));
          }
          if (request.operation() == FacilitatorOperation.VERIFY) {
            return ScriptedAnswer.verify(
                VerifyResponse.valid(SignInWithXGateTest.BUYER.address().toString()));
          }
          settled.incrementAndGet();
          PaymentRequirements r = request.v2().paymentRequirements();
          return ScriptedAnswer.settle(
              SettleResponse.success(
                  "0x" + "ab".repeat(32),
                  r.network().toString(),
                  SignInWithXGateTest.BUYER.address().toLowerHex()));
        });
  }

  @AfterEach
  void stop() {
    facilitator.close();
  }

  DataSource database(String kind) throws Exception {
    if (kind.equals("sqlite")) {
      SQLiteConfig config = new SQLiteConfig();
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      config.setBusyTimeout(10_000);
      SQLiteDataSource source = new SQLiteDataSource(config);
      source.setUrl("jdbc:sqlite:" + temp.resolve("history.db"));
      return source;
    }
    String name = "siwx_" + (++databases);
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    PGSimpleDataSource source = new PGSimpleDataSource();
    source.setUrl(postgres.getJdbcUrl("postgres", name));
    return source;
  }

  /** One gate instance: its own extension object, sharing only what a deployment shares. */
  PaymentGate instance(DataSource db) {
    SignInWithXExtension siwx =
        SignInWithXExtension.builder()
            .origin(SignInWithXGateTest.ORIGIN)
            .clock(clock)
            .nonceSecret(SignInWithXGateTest.SECRET)
            .nonceStore(ReplayStore.jdbc(db))
            .history(PaymentHistory.jdbc(db, clock, Duration.ofHours(24)))
            .build();
    return PaymentGate.builder()
        .facilitator(HttpFacilitatorClient.builder(facilitator.url()).build())
        .routes(
            RouteTable.builder()
                .route(
                    "GET /weather",
                    PaidRoute.of("$0.01", NET, "0x857b06519E91e3A54538791bDbb0E22373e36b66"))
                .build())
        .extension(siwx)
        .build();
  }

  void pay(PaymentGate gate, String path) {
    PaymentRequired required = SignInWithXGateTest.challenge(gate, path);
    PaymentRequirements accepted = required.accepts().get(0);
    String payment =
        SignInWithXGateTest.HEADERS.encodePaymentSignature(
            new PaymentPayload(
                ResourceInfo.of("http://10.0.0.7:8080" + path),
                accepted,
                ExactEvmClient.of(SignInWithXGateTest.BUYER).createPayload(2, accepted),
                null,
                Map.of()));
    GateDecision d =
        gate.check(SignInWithXGateTest.get(path, Map.of("PAYMENT-SIGNATURE", payment))).join();
    assertThat(((GateDecision.Admit) d).admission().complete(200).join())
        .isInstanceOf(Completion.Release.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgres"})
  void aPaymentAtOneInstanceLetsTheWalletSignInAtAnother(String kind) throws Exception {
    DataSource db = database(kind);
    PaymentGate a = instance(db);
    PaymentGate b = instance(db);
    assertThat(
            SignInWithXGateTest.refusal(
                SignInWithXGateTest.withHeader(
                    b,
                    "/weather",
                    SignInWithXGateTest.signIn(b, "/weather", SignInWithXGateTest.BUYER))))
        .contains("has not paid");

    pay(a, "/weather");
    int settlements = settled.get();
    String header = SignInWithXGateTest.signIn(a, "/weather", SignInWithXGateTest.BUYER);

    GateDecision admitted = SignInWithXGateTest.withHeader(b, "/weather", header);
    assertThat(admitted).isInstanceOf(GateDecision.Free.class);
    // The application learns who it serves: the wallet, as a CAIP-10 account.
    assertThat(((GateDecision.Free) admitted).waiver().account())
        .isEqualTo("eip155:84532:" + SignInWithXGateTest.BUYER.address());
    assertThat(((GateDecision.Free) b.check(SignInWithXGateTest.get("/free", Map.of())).join()))
        .extracting(GateDecision.Free::waiver)
        .isNull();
    assertThat(settled.get()).isEqualTo(settlements);
    // The nonce is shared too: the same header shown to the first instance is a replay.
    assertThat(SignInWithXGateTest.refusal(SignInWithXGateTest.withHeader(a, "/weather", header)))
        .contains("nonce was already used");
    // Another wallet that never paid is still refused at either.
    assertThat(
            SignInWithXGateTest.refusal(
                SignInWithXGateTest.withHeader(
                    b,
                    "/weather",
                    SignInWithXGateTest.signIn(a, "/weather", SignInWithXGateTest.OTHER))))
        .contains("has not paid");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgres"})
  void keepsTheLatestPaymentPerResourceNetworkAndPayerAndForgetsOldOnes(String kind)
      throws Exception {
    DataSource db = database(kind);
    PaymentHistory history = PaymentHistory.jdbc(db, clock, Duration.ofHours(24));
    PaymentHistory again = PaymentHistory.jdbc(db, clock, Duration.ofHours(24)); // migrated once
    Instant t = clock.instant();
    String longPath = "GET /files/* /files/" + "x".repeat(2000);

    history.record("GET /weather /weather", "eip155:84532", "0xA", t);
    history.record("GET /weather /weather", "eip155:84532", "0xA", t.minusSeconds(60));
    again.record(longPath, "eip155:84532", "0xA", t.minusSeconds(5));

    assertThat(again.lastPayment("GET /weather /weather", "eip155:84532", "0xA")).contains(t);
    assertThat(history.lastPayment(longPath, "eip155:84532", "0xA")).contains(t.minusSeconds(5));
    assertThat(history.lastPayment("GET /weather /weather", "eip155:8453", "0xA")).isEmpty();
    assertThat(history.lastPayment("GET /weather /weather", "eip155:84532", "0xB")).isEmpty();
    assertThat(history.lastPayment("GET /weather /other", "eip155:84532", "0xA")).isEmpty();

    clock.advance(Duration.ofHours(25));
    history.record("GET /weather /weather", "eip155:84532", "0xC", clock.instant());
    assertThat(history.lastPayment(longPath, "eip155:84532", "0xA")).isEmpty();
    assertThat(history.lastPayment("GET /weather /weather", "eip155:84532", "0xC"))
        .contains(clock.instant());
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT COUNT(*) FROM x402j_siwx_payments")) {
      r.next();
      assertThat(r.getInt(1)).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgres"})
  void sharesADatabaseWithOtherX402jTables(String kind) throws Exception {
    DataSource db = database(kind);
    ReplayStore.jdbc(db); // the gate's own tables, created without Flyway
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE x402j_schema_history (installed_rank INT)"); // the facilitator's
    }

    PaymentHistory history = PaymentHistory.jdbc(db, clock, Duration.ofHours(1));
    history.record("GET /a /a", "eip155:1", "0xA", clock.instant());

    assertThat(history.lastPayment("GET /a /a", "eip155:1", "0xA")).contains(clock.instant());
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgres"})
  void aDatabaseThatCannotBeReachedIsAClearError(String kind) {
    DataSource broken;
    if (kind.equals("sqlite")) {
      SQLiteDataSource s = new SQLiteDataSource();
      s.setUrl("jdbc:sqlite:" + temp.resolve("no/such/dir/history.db"));
      broken = s;
    } else {
      PGSimpleDataSource p = new PGSimpleDataSource();
      p.setUrl(postgres.getJdbcUrl("postgres", "no_such_database"));
      p.setPassword("s3cret-pw");
      broken = p;
    }
    assertThatThrownBy(() -> PaymentHistory.jdbc(broken, clock, Duration.ofHours(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("cannot create the sign-in payment history table")
        .hasMessageNotContaining("s3cret-pw");
  }
}
