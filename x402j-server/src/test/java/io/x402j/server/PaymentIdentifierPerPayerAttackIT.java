package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.extensions.PaymentIdentifier;
import io.x402j.core.extensions.PaymentIdentifierExtension;
import io.x402j.core.facilitator.Facilitator;
import io.x402j.core.scheme.PayerScope;
import io.x402j.core.testing.Concurrently;
import io.x402j.core.testing.Spellings;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentPayloadV1;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.core.wire.VerifyRequest;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.evm.ExactEvmClient;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.facilitator.EvmNetworkConfig;
import io.x402j.evm.facilitator.ExactEvmFacilitator;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.facilitator.FacilitatorService;
import io.x402j.facilitator.PaymentIdentifierStore;
import io.x402j.server.GateHarness.Answer;
import io.x402j.server.GateHarness.Served;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Attacks on {@code payment-identifier} ids scoped by payer (issue 18), with the devnet market and
 * the x402j facilitator: one signed payment respelled every way (id case, other ids, id length
 * edges, payer hex case, v1 form, no id) sent at once to two gates sharing a SQLite replay store
 * buys one response; junk from fresh unfunded payers under fresh ids leaves nothing in the store;
 * and a payment naming the buyer as payer but signed by someone else must not lock the buyer's own
 * payment under its id out while the junk is being verified.
 */
class PaymentIdentifierPerPayerAttackIT {
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final Answer OK = new Answer(200, "{\"weather\":\"sunny\"}");
  static final String ID = "pay_0123456789abcdef0123456789abcdef";
  static final SecureRandom RANDOM = new SecureRandom();

  static TestMarket market;

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.start();
  }

  @AfterAll
  static void stop() {
    market.close();
  }

  static DataSource sqlite(Path file) {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setBusyTimeout(10_000);
    SQLiteDataSource database = new SQLiteDataSource(config);
    database.setUrl("jdbc:sqlite:" + file);
    return database;
  }

  static GateHarness gate(Facilitator facilitator, ReplayStore store, PaymentIdentifiers ids) {
    return new GateHarness(
        PaymentGate.builder()
            .facilitator(facilitator)
            .networks(market.networks())
            .replayStore(store)
            .extension(ids)
            .routes(
                RouteTable.builder()
                    .route("GET /weather", PaidRoute.of("$0.01", market.network(), market.payTo()))
                    .build())
            .build());
  }

  static PaymentRequired required(GateHarness harness) {
    Served unpaid = harness.serve(GateHarness.get("/weather", Map.of()), OK);
    assertThat(unpaid.status()).isEqualTo(402);
    return HEADERS.decodePaymentRequired(unpaid.header("PAYMENT-REQUIRED"));
  }

  /** The payment {@code payload} for {@code required}'s offer, under {@code id} (or none). */
  static PaymentPayload payment(PaymentRequired required, Map<String, Object> payload, String id) {
    Map<String, Object> extensions = null;
    if (id != null) {
      Map<String, Object> echo =
          new LinkedHashMap<>(
              PaymentIdentifierExtension.echo(
                  required.extensions().get(PaymentIdentifierExtension.KEY),
                  PaymentIdentifier.generate()));
      @SuppressWarnings("unchecked")
      Map<String, Object> info = new LinkedHashMap<>((Map<String, Object>) echo.get("info"));
      info.put("id", id);
      echo.put("info", info);
      extensions = Map.of(PaymentIdentifierExtension.KEY, echo);
    }
    return new PaymentPayload(
        ResourceInfo.of("http://127.0.0.1:8080/weather"),
        required.accepts().get(0),
        payload,
        extensions,
        Map.of());
  }

  static GateRequest v2(PaymentPayload payment) {
    return GateHarness.get(
        "/weather", Map.of("PAYMENT-SIGNATURE", HEADERS.encodePaymentSignature(payment)));
  }

  static long rows(DataSource db, String table) throws Exception {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
      r.next();
      return r.getLong(1);
    }
  }

  @Test
  void oneSignedPaymentRespelledEveryWayAtTwoGatesSharingAStoreBuysOneResponse(@TempDir Path dir)
      throws Exception {
    BigInteger before = market.sellerBalance();
    DataSource db = sqlite(dir.resolve("replay.db"));
    List<GateHarness> gates = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      gates.add(gate(market.facilitator(), ReplayStore.jdbc(db), PaymentIdentifiers.optional()));
    }
    PaymentRequired required = required(gates.get(0));
    PaymentRequirements accepted = required.accepts().get(0);
    Map<String, Object> signed = ExactEvmClient.of(market.buyer()).createPayload(2, accepted);
    Map<String, Object> lowerFrom =
        Spellings.authorization(signed, "from", s -> s.toLowerCase(Locale.ROOT));
    Map<String, Object> upperFrom = Spellings.authorization(signed, "from", Spellings::upperHex);

    Map<String, GateRequest> spellings = new LinkedHashMap<>();
    spellings.put("as signed, id", v2(payment(required, signed, ID)));
    spellings.put("id in upper case", v2(payment(required, signed, ID.toUpperCase(Locale.ROOT))));
    spellings.put("another id", v2(payment(required, signed, "another_id_0123456789")));
    spellings.put("16-character id", v2(payment(required, signed, "a".repeat(16))));
    spellings.put("128-character id", v2(payment(required, signed, "b".repeat(128))));
    spellings.put("payer lower case", v2(payment(required, lowerFrom, ID)));
    spellings.put("payer upper case", v2(payment(required, upperFrom, ID)));
    spellings.put("payer upper case, another id", v2(payment(required, upperFrom, "x".repeat(40))));
    spellings.put("no id", v2(payment(required, signed, null)));
    spellings.put(
        "v1",
        GateHarness.get(
            "/weather",
            Map.of(
                "X-PAYMENT",
                HEADERS.encodeXPayment(PaymentPayloadV1.of("exact", "x402j-devnet", signed)))));
    List<String> names = new ArrayList<>(spellings.keySet());
    List<GateRequest> requests = new ArrayList<>(spellings.values());

    // Each spelling to each gate, all at once.
    List<Served> served =
        Concurrently.run(
            requests.size() * 2, i -> () -> gates.get(i % 2).serve(requests.get(i / 2), OK));
    List<String> paid = new ArrayList<>();
    for (int i = 0; i < served.size(); i++) {
      if (served.get(i).status() == 200) {
        paid.add(names.get(i / 2) + " at gate " + i % 2);
      }
    }
    assertThat(paid).as("the spellings that bought a response").hasSize(1);
    assertThat(gates.get(0).handled.get() + gates.get(1).handled.get()).isEqualTo(1);
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));

    // And again one by one, afterwards: nothing more is bought.
    for (int i = 0; i < requests.size(); i++) {
      Served again = gates.get(i % 2).serve(requests.get(i), OK);
      assertThat(again.status()).as(names.get(i) + " sent again").isNotEqualTo(200);
    }
    assertThat(gates.get(0).handled.get() + gates.get(1).handled.get()).isEqualTo(1);
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }

  @Test
  void junkFromFreshUnfundedPayersUnderFreshIdsLeavesNothingInTheStore(@TempDir Path dir)
      throws Exception {
    DataSource db = sqlite(dir.resolve("replay.db"));
    GateHarness gate =
        gate(market.facilitator(), ReplayStore.jdbc(db), PaymentIdentifiers.required());
    PaymentRequired required = required(gate);
    PaymentRequirements accepted = required.accepts().get(0);
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      PrivateKeySigner stranger = PrivateKeySigner.generate(RANDOM);
      Map<String, Object> payload = ExactEvmClient.of(stranger).createPayload(2, accepted);
      if (i % 3 == 1) {
        // Naming the funded buyer as payer, signed by the stranger.
        payload =
            Spellings.authorization(payload, "from", s -> market.buyer().address().toString());
      } else if (i % 3 == 2) {
        // Naming yet another (unknown) payer.
        String other = PrivateKeySigner.generate(RANDOM).address().toString();
        payload = Spellings.authorization(payload, "from", s -> other);
      }
      String id = "junk_" + i + "_" + PaymentIdentifier.generate().value().substring(4);
      statuses.add(gate.serve(v2(payment(required, payload, id)), OK).status());
    }
    assertThat(statuses).containsOnly(402);
    assertThat(gate.handled).hasValue(0);
    assertThat(rows(db, "x402j_gate_payment_ids")).as("ids bound by junk").isZero();
    assertThat(rows(db, "x402j_gate_payments")).as("payments held by junk").isZero();
  }

  @Test
  void paymentsThatBuyNothingLeaveNoIdBindingsBehind(@TempDir Path dir) throws Exception {
    // A funded payer that never pays: its authorizations verify (it has the balance), valid until
    // centuries from now (nothing caps validBefore), under fresh ids; the handler fails each time
    // (a path the upstream does not have), or the funds are gone when it settles. Nothing is
    // bought, so nothing may stay bound, else the store grows for free, for centuries.
    BigInteger before = market.sellerBalance();
    DataSource db = sqlite(dir.resolve("replay.db"));
    GateHarness gate =
        gate(market.facilitator(), ReplayStore.jdbc(db), PaymentIdentifiers.required());
    PaymentRequired required = required(gate);
    PaymentRequirements accepted = required.accepts().get(0);
    ExactEvmClient centuries =
        ExactEvmClient.of(
            market.buyer(),
            java.time.Clock.offset(
                java.time.Clock.systemUTC(), java.time.Duration.ofDays(365L * 500)),
            RANDOM);
    for (int i = 0; i < 4; i++) {
      String id = "unsold_" + i + "_" + PaymentIdentifier.generate().value().substring(4);
      Served failed =
          gate.serve(
              v2(payment(required, centuries.createPayload(2, accepted), id)),
              new Answer(404, "{}"));
      assertThat(failed.status()).isEqualTo(404);
    }
    // Verified, then the funds are gone when it settles: refused, nothing bought.
    GateDecision d =
        gate.gate
            .check(
                v2(
                    payment(
                        required,
                        centuries.createPayload(2, accepted),
                        "unsettled_" + PaymentIdentifier.generate().value().substring(4))))
            .join();
    assertThat(d).isInstanceOf(GateDecision.Admit.class);
    BigInteger drained = market.drainBuyer();
    try {
      Served refused = GateHarness.finish(((GateDecision.Admit) d).admission(), OK);
      assertThat(refused.status()).isEqualTo(402);
    } finally {
      market.fundBuyer(drained);
    }
    assertThat(market.sellerBalance()).isEqualTo(before);
    assertThat(rows(db, "x402j_gate_payments")).as("payments held").isZero();
    assertThat(rows(db, "x402j_gate_payment_ids"))
        .as("ids bound by payments that bought nothing")
        .isZero();
  }

  static String nonce(Map<String, Object> payload) {
    Object a = payload.get("authorization");
    return a instanceof Map<?, ?> m ? String.valueOf(m.get("nonce")) : "";
  }

  static String nonce(FacilitatorRequest request) {
    return request instanceof VerifyRequest v ? nonce(v.paymentPayload().payload()) : "";
  }

  /** Holds verification of the payments {@code held} picks until {@code release} completes. */
  static Facilitator holding(
      Facilitator inner,
      Predicate<FacilitatorRequest> held,
      CountDownLatch verifying,
      CompletableFuture<Void> release) {
    return new Facilitator() {
      @Override
      public CompletableFuture<VerifyResponse> verify(FacilitatorRequest request) {
        if (!held.test(request)) {
          return inner.verify(request);
        }
        verifying.countDown();
        return release.thenCompose(v -> inner.verify(request));
      }

      @Override
      public CompletableFuture<SettleResponse> settle(FacilitatorRequest request) {
        return inner.settle(request);
      }

      @Override
      public CompletableFuture<SupportedResponse> supported() {
        return inner.supported();
      }
    };
  }

  @Test
  void aPaymentNamingTheBuyerButSignedByAnotherDoesNotLockTheBuyerOutWhileItIsVerified()
      throws Exception {
    BigInteger before = market.sellerBalance();
    PrivateKeySigner attacker = PrivateKeySigner.generate(RANDOM);
    CountDownLatch verifying = new CountDownLatch(1);
    CompletableFuture<Void> release = new CompletableFuture<>();
    String[] junkNonce = {""};
    String forged = attacker.address().toString();
    GateHarness gate =
        gate(
            holding(market.facilitator(), r -> nonce(r).equals(junkNonce[0]), verifying, release),
            ReplayStore.inMemory(java.time.Clock.systemUTC()),
            PaymentIdentifiers.required());
    PaymentRequired required = required(gate);
    PaymentRequirements accepted = required.accepts().get(0);
    // The buyer's own payment under its id, not sent yet.
    PaymentPayload buyers =
        payment(required, ExactEvmClient.of(market.buyer()).createPayload(2, accepted), ID);
    // The attacker knows the buyer's address and id; it cannot sign for the buyer, so it names the
    // buyer as payer on an authorization it signed itself (the facilitator refuses it).
    Map<String, Object> junk =
        Spellings.authorization(
            ExactEvmClient.of(attacker).createPayload(2, accepted),
            "from",
            s -> market.buyer().address().toString());
    junkNonce[0] = nonce(junk);
    PaymentPayload squat = payment(required, junk, ID);
    assertThat(forged).isNotEqualTo(market.buyer().address().toString());

    CompletableFuture<Served> first =
        CompletableFuture.supplyAsync(() -> gate.serve(v2(squat), OK));
    assertThat(verifying.await(30, TimeUnit.SECONDS)).isTrue();
    Served buyer;
    try {
      // While the junk is being verified, the buyer pays under its own id.
      buyer = gate.serve(v2(buyers), OK);
    } finally {
      release.complete(null);
    }
    assertThat(first.get(30, TimeUnit.SECONDS).status()).isEqualTo(402);
    assertThat(buyer.status())
        .as(
            "the buyer's own payment under its id while someone else's junk naming the buyer is"
                + " verified: %s",
            buyer.body())
        .isEqualTo(200);
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
  }

  @Test
  void aNewPaymentUnderTheIdOfOneWhoseHandlerFailedIsServedThroughAFacilitatorKeepingIds() {
    // The gate frees the id of a payment that bought nothing; the x402j facilitator, serving the
    // extension too, must not hold the id for it merely because it verified it.
    PaymentIdentifierStore facilitatorIds = PaymentIdentifierStore.inMemory();
    FacilitatorService withIds =
        FacilitatorService.builder()
            .scheme(
                ExactEvmFacilitator.builder()
                    .network(
                        EvmNetworkConfig.builder(
                                market.info().networkInfo(),
                                JsonRpcClient.builder(market.info().rpcUrl()).build())
                            .signer(market.info().requireAccount("other-facilitator").signer())
                            .build())
                    .build())
            .networks(market.networks())
            .paymentIdentifiers(facilitatorIds, ForkJoinPool.commonPool())
            .build();
    BigInteger before = market.sellerBalance();
    GateHarness gate =
        gate(
            withIds,
            ReplayStore.inMemory(java.time.Clock.systemUTC()),
            PaymentIdentifiers.required());
    PaymentRequired required = required(gate);
    PaymentRequirements accepted = required.accepts().get(0);
    String id = "retry_" + PaymentIdentifier.generate().value().substring(4);
    ExactEvmClient buyer = ExactEvmClient.of(market.buyer());

    Served failed =
        gate.serve(
            v2(payment(required, buyer.createPayload(2, accepted), id)), new Answer(500, "{}"));
    assertThat(failed.status()).as(failed.body()).isEqualTo(500);
    Served served = gate.serve(v2(payment(required, buyer.createPayload(2, accepted), id)), OK);
    assertThat(served.status())
        .as("a new payment under the id after the first bought nothing: %s", served.body())
        .isEqualTo(200);
    assertThat(market.sellerBalance()).isEqualTo(before.add(BigInteger.valueOf(10_000)));
    assertThat(
            facilitatorIds.find(
                PayerScope.of(market.network(), market.buyer().address().toString()),
                PaymentIdentifier.parse(id),
                java.time.Instant.now()))
        .as("the facilitator binds the id to the payment it settled")
        .isPresent();
  }
}
