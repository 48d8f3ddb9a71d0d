package io.x402j.facilitator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.extensions.PaymentIdentifier;
import io.x402j.core.extensions.PaymentIdentifierExtension;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.WireCodec;
import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetInfo;
import io.x402j.devnet.DevnetOptions;
import io.x402j.evm.Abi;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.ExactEvmClient;
import io.x402j.evm.PrivateKeySigner;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The facilitator's side of {@code payment-identifier} over HTTP on a devnet: verifying binds
 * nothing (rows counted on SQLite and PostgreSQL); the same id with the same payment, however
 * spelt, is one request (a repeat gets the first settlement's answer, one transaction; a copy
 * naming another settlement attempt is a duplicate); the same payer's id settled with another
 * payment is 409 {@code payment_identifier_conflict} and nothing is broadcast; a settlement refused
 * before broadcast frees the id; ids are case-sensitive; another payer's use of an id, or a forged
 * one, does not block the owner; and two payments racing one id settle exactly one, in one instance
 * (latch-ordered) and in two sharing PostgreSQL.
 */
class PaymentIdentifierFacilitatorIT {
  static final BigInteger ETH = BigInteger.TEN.pow(18);
  static final BigInteger PRICE = BigInteger.valueOf(10_000);
  static final WireCodec WIRE = WireCodec.standard();
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  static final String CONFLICT = "payment_identifier_conflict";

  static Devnet devnet;
  static DevnetInfo info;
  static PrivateKeySigner buyer;
  static PrivateKeySigner otherBuyer;
  static PrivateKeySigner poorBuyer;
  static PrivateKeySigner racingBuyer;
  static EvmAddress seller;
  static PaymentRequirements required;
  static Path dir;
  static String sqliteUrl;
  static FacilitatorApp app;

  @BeforeAll
  static void start() throws Exception {
    devnet =
        Devnet.start(
            DevnetOptions.builder()
                .account("gas-1", ETH, BigInteger.ZERO)
                .account("gas-a", ETH, BigInteger.ZERO)
                .account("gas-b", ETH, BigInteger.ZERO)
                .account("buyer", ETH, PRICE.multiply(BigInteger.valueOf(100)))
                .account("other-buyer", ETH, PRICE.multiply(BigInteger.valueOf(100)))
                .account("poor-buyer", ETH, PRICE)
                .account("racing-buyer", ETH, PRICE)
                .account("racing-buyer-2", ETH, PRICE)
                .account("front-run-buyer", ETH, PRICE.multiply(BigInteger.TWO))
                .account("watcher", ETH, BigInteger.ZERO)
                .account("seller", BigInteger.ZERO, BigInteger.ZERO)
                .build());
    info = devnet.info();
    buyer = info.requireAccount("buyer").signer();
    otherBuyer = info.requireAccount("other-buyer").signer();
    poorBuyer = info.requireAccount("poor-buyer").signer();
    racingBuyer = info.requireAccount("racing-buyer").signer();
    seller = info.requireAccount("seller").address();
    required = FacilitatorClusterIT.requirement(info, seller);
    dir = Files.createTempDirectory("x402j-payid-it");
    sqliteUrl = "jdbc:sqlite:" + dir.resolve("ledger.db");
    app =
        FacilitatorApp.start(
            FacilitatorClusterIT.config(info, sqliteUrl, "KEYS_1"),
            Map.of("KEYS_1", info.requireAccount("gas-1").privateKey()),
            NetworkRegistry.defaults());
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
    devnet.close();
  }

  /** A signed payment of {@code signer} as a JSON tree, carrying {@code id} when not null. */
  static ObjectNode payment(PrivateKeySigner signer, String id) {
    Map<String, Object> signed = ExactEvmClient.of(signer).createPayload(2, required);
    Map<String, Object> extensions = null;
    if (id != null) {
      extensions = new LinkedHashMap<>();
      extensions.put(
          PaymentIdentifierExtension.KEY,
          PaymentIdentifierExtension.echo(
              PaymentIdentifierExtension.declaration(false), PaymentIdentifier.parse(id)));
    }
    PaymentPayload payload = new PaymentPayload(null, required, signed, extensions, Map.of());
    return tree(WIRE.toJson(FacilitatorRequest.of(payload, required)));
  }

  static ObjectNode tree(String json) {
    try {
      return (ObjectNode) JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code body} naming settlement attempt {@code attempt}. */
  static ObjectNode attempt(ObjectNode body, String attempt) {
    ObjectNode copy = body.deepCopy();
    copy.put(FacilitatorRequest.SETTLEMENT_ID, attempt);
    return copy;
  }

  /** {@code body} with the payment's id replaced by {@code id} (any text). */
  static ObjectNode withId(ObjectNode body, String id) {
    ObjectNode copy = body.deepCopy();
    ((ObjectNode)
            copy.path("paymentPayload").path("extensions").path("payment-identifier").path("info"))
        .put("id", id);
    return copy;
  }

  /**
   * The same payment spelt otherwise: payer, recipient and nonce in upper-case hex, payTo too, and
   * every object's keys in reverse order.
   */
  static ObjectNode respelled(ObjectNode body) {
    ObjectNode copy = body.deepCopy();
    ObjectNode authorization =
        (ObjectNode) copy.path("paymentPayload").path("payload").path("authorization");
    for (String field : List.of("from", "to", "nonce")) {
      authorization.put(field, upperHex(authorization.path(field).asText()));
    }
    for (String holder : List.of("paymentRequirements", "paymentPayload")) {
      ObjectNode requirements =
          holder.equals("paymentRequirements")
              ? (ObjectNode) copy.path(holder)
              : (ObjectNode) copy.path(holder).path("accepted");
      requirements.put("payTo", upperHex(requirements.path("payTo").asText()));
    }
    return (ObjectNode) reversed(copy);
  }

  static String upperHex(String hex) {
    return "0x" + hex.substring(2).toUpperCase(java.util.Locale.ROOT);
  }

  static JsonNode reversed(JsonNode node) {
    if (!node.isObject()) {
      return node;
    }
    List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.properties());
    ObjectNode out = JSON.createObjectNode();
    for (int i = fields.size() - 1; i >= 0; i--) {
      out.set(fields.get(i).getKey(), reversed(fields.get(i).getValue()));
    }
    return out;
  }

  static HttpResponse<String> post(FacilitatorApp to, String path, JsonNode body) {
    return send(to, path, body).join();
  }

  static CompletableFuture<HttpResponse<String>> send(
      FacilitatorApp to, String path, JsonNode body) {
    return HTTP.sendAsync(
        HttpRequest.newBuilder(URI.create(to.url() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> response) {
    return tree(response.body());
  }

  static String newId() {
    return PaymentIdentifier.generate().value();
  }

  @Test
  void supportedListsTheExtension() throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(app.url() + "/supported")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(WIRE.decodeSupportedResponse(response.body()).extensions())
        .contains("payment-identifier");
  }

  @Test
  void theSameIdAndPaymentIsOneRequestAnotherPaymentUnderASettledIdIsAConflict() {
    String id = newId();
    ObjectNode first = payment(buyer, id);
    ObjectNode second = payment(buyer, id);
    EvmAddress gas = info.requireAccount("gas-1").address();
    long sent = devnet.transactionCount(gas);

    // Verifying binds nothing: before any settlement both payments verify under the id.
    for (ObjectNode body : List.of(first, respelled(first), second)) {
      HttpResponse<String> verified = post(app, "/verify", body);
      assertThat(verified.statusCode()).as(verified.body()).isEqualTo(200);
      assertThat(json(verified).path("isValid").asBoolean()).as(verified.body()).isTrue();
    }

    // Settled as the official client settles: no settlement attempt named.
    HttpResponse<String> settled = post(app, "/settle", first);
    assertThat(settled.statusCode()).as(settled.body()).isEqualTo(200);
    assertThat(json(settled).path("success").asBoolean()).as(settled.body()).isTrue();
    String transaction = json(settled).path("transaction").asText();

    HttpResponse<String> conflict = post(app, "/verify", second);
    assertThat(conflict.statusCode()).as(conflict.body()).isEqualTo(409);
    assertThat(json(conflict).path("isValid").asBoolean()).isFalse();
    assertThat(json(conflict).path("invalidReason").asText()).isEqualTo(CONFLICT);
    assertThat(json(conflict).path("invalidMessage").asText()).contains(id);
    assertThat(WIRE.decodeVerifyResponse(conflict.body()).isValid())
        .as("x402j's client reads the 409 body as an answer")
        .isFalse();
    for (ObjectNode other : List.of(second, attempt(second, "attempt-second-000001"))) {
      HttpResponse<String> refused = post(app, "/settle", other);
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
      assertThat(json(refused).path("success").asBoolean()).isFalse();
      assertThat(json(refused).path("errorReason").asText()).isEqualTo(CONFLICT);
    }

    // Ids are case-sensitive: the same letters in upper case are another id, free for the payer.
    String otherCase = "pay_" + id.substring(4).toUpperCase(java.util.Locale.ROOT);
    assertThat(otherCase).isNotEqualTo(id);
    HttpResponse<String> cased = post(app, "/verify", withId(second, otherCase));
    assertThat(cased.statusCode()).as(cased.body()).isEqualTo(200);
    assertThat(json(cased).path("isValid").asBoolean()).as(cased.body()).isTrue();

    // The same id and payment again, as sent or respelt: the first settlement's answer.
    for (ObjectNode repeat : List.of(first, respelled(first))) {
      HttpResponse<String> retried = post(app, "/settle", repeat);
      assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
      assertThat(json(retried).path("success").asBoolean()).as(retried.body()).isTrue();
      assertThat(json(retried).path("transaction").asText()).isEqualTo(transaction);
    }

    // A copy naming its own settlement attempt (another x402j server's) is a duplicate: the id
    // does not make it a second success.
    HttpResponse<String> duplicate = post(app, "/settle", attempt(first, "attempt-elsewhere-0001"));
    assertThat(duplicate.statusCode()).as(duplicate.body()).isEqualTo(200);
    assertThat(json(duplicate).path("success").asBoolean()).as(duplicate.body()).isFalse();
    assertThat(json(duplicate).path("errorReason").asText()).isEqualTo("duplicate_settlement");
    assertThat(devnet.transactionCount(gas)).as("one transaction").isEqualTo(sent + 1);
  }

  @Test
  void aResourceServersRetryOfItsOwnAttemptGetsTheStoredAnswer() {
    ObjectNode mine = attempt(payment(buyer, newId()), "attempt-first-0000001");
    EvmAddress gas = info.requireAccount("gas-1").address();
    long sent = devnet.transactionCount(gas);
    HttpResponse<String> settled = post(app, "/settle", mine);
    assertThat(json(settled).path("success").asBoolean()).as(settled.body()).isTrue();
    String transaction = json(settled).path("transaction").asText();

    HttpResponse<String> retried = post(app, "/settle", respelled(mine));
    assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
    assertThat(json(retried).path("success").asBoolean()).as(retried.body()).isTrue();
    assertThat(json(retried).path("transaction").asText()).isEqualTo(transaction);

    // The first named its attempt; a copy naming none (another server) is not that attempt.
    HttpResponse<String> copy = post(app, "/settle", withAttemptRemoved(mine));
    assertThat(json(copy).path("success").asBoolean()).as(copy.body()).isFalse();
    assertThat(json(copy).path("errorReason").asText()).isEqualTo("duplicate_settlement");
    assertThat(devnet.transactionCount(gas)).as("one transaction").isEqualTo(sent + 1);
  }

  static ObjectNode withAttemptRemoved(ObjectNode body) {
    ObjectNode copy = body.deepCopy();
    copy.remove(FacilitatorRequest.SETTLEMENT_ID);
    return copy;
  }

  @Test
  void verificationsThatAreNeverSettledLeaveNoBindingsOnSqliteAndPostgres() throws Exception {
    int verifications = 12;
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < verifications; i++) {
      String id = newId();
      ids.add(id);
      HttpResponse<String> verified = post(app, "/verify", payment(buyer, id));
      assertThat(json(verified).path("isValid").asBoolean()).as(verified.body()).isTrue();
    }
    assertThat(bindings(sqliteUrl, ids)).as("SQLite rows for the verified ids").isZero();

    String database = TestPostgres.newDatabase();
    Map<String, String> env = Map.of("KEYS_A", info.requireAccount("gas-a").privateKey());
    try (FacilitatorApp onPostgres =
        FacilitatorApp.start(
            FacilitatorClusterIT.config(info, database, "KEYS_A"),
            env,
            NetworkRegistry.defaults())) {
      for (String id : ids) {
        HttpResponse<String> verified = post(onPostgres, "/verify", payment(buyer, id));
        assertThat(json(verified).path("isValid").asBoolean()).as(verified.body()).isTrue();
      }
      assertThat(bindings(database, null)).as("PostgreSQL rows after verifications").isZero();
      HttpResponse<String> settled = post(onPostgres, "/settle", payment(buyer, ids.get(0)));
      assertThat(json(settled).path("success").asBoolean()).as(settled.body()).isTrue();
      assertThat(bindings(database, null)).as("a settlement binds its id").isEqualTo(1);
    }
  }

  /** Rows in the identifier table of {@code url}: those of {@code ids}, or all when null. */
  static int bindings(String url, List<String> ids) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT payment_identifier FROM x402j_payment_identifiers")) {
      int rows = 0;
      while (r.next()) {
        if (ids == null || ids.contains(r.getString(1))) {
          rows++;
        }
      }
      return rows;
    }
  }

  /**
   * The x402j facilitator's service with the devnet app's schemes and ledger, its identifier store
   * wrapped by {@code store}: for tests that act between an id's binding and its settlement.
   */
  static FacilitatorService service(PaymentIdentifierStore store, ExecutorService threads) {
    FacilitatorService.Builder builder =
        FacilitatorService.builder().paymentIdentifiers(store, threads);
    app.engines().forEach(engine -> engine.facilitators().forEach(builder::scheme));
    return builder.build();
  }

  static SettleResponse settle(FacilitatorService service, ObjectNode body) {
    return service.settle(WIRE.decodeFacilitatorRequest(body.toString())).join();
  }

  @Test
  void aSettlementThatFailsBeforeBroadcastFreesTheIdForAnotherPayment() throws Exception {
    String id = newId();
    EvmAddress poor = poorBuyer.address();
    EvmAddress gas = info.requireAccount("gas-1").address();
    long sent = devnet.transactionCount(gas);
    PaymentIdentifierStore ledgerStore = app.ledger().paymentIdentifiers();
    AtomicBoolean drain = new AtomicBoolean(true);
    // Right after the id is bound (the payment verified), the payer spends its whole balance, so
    // the settlement that follows is refused before anything is broadcast.
    PaymentIdentifierStore store =
        new Hooked(
            ledgerStore,
            () -> {
              if (drain.getAndSet(false)) {
                spendAll(poor);
              }
            });
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      FacilitatorService service = service(store, threads);
      SettleResponse failed = settle(service, payment(poorBuyer, id));
      assertThat(failed.success()).as(failed.toString()).isFalse();
      assertThat(failed.transaction()).as(failed.toString()).isEmpty();
      assertThat(drain).as("the hook ran").isFalse();
      assertThat(bindings(sqliteUrl, List.of(id))).as("the failed settlement's binding").isZero();

      devnet.mint(poor, PRICE);
      ObjectNode another = payment(poorBuyer, id);
      HttpResponse<String> verified = post(app, "/verify", another);
      assertThat(json(verified).path("isValid").asBoolean()).as(verified.body()).isTrue();
      SettleResponse settled = settle(service, another);
      assertThat(settled.success()).as(settled.toString()).isTrue();
      assertThat(bindings(sqliteUrl, List.of(id))).isEqualTo(1);
      assertThat(devnet.transactionCount(gas)).as("one transaction").isEqualTo(sent + 1);
      assertThat(devnet.tokenBalance(poor)).isZero();
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aRetryThatSettlesWhileAFailedSettlementReleasesItsIdKeepsTheIdBound() throws Exception {
    // Attack: the first settlement of a payment under an id fails before broadcast (the payer's
    // balance drained after the binding); before its release reaches the store, the same id and
    // payment are settled again (a retry, the ledger's failed record taken over) and succeed. The
    // release must not then free the id: another payment under it would be a second settlement
    // under one id, where the specification says conflict.
    String id = newId();
    PrivateKeySigner payer = racingBuyer;
    EvmAddress poor = payer.address();
    EvmAddress gas = info.requireAccount("gas-1").address();
    long sent = devnet.transactionCount(gas);
    ObjectNode first = payment(payer, id);
    AtomicBoolean drain = new AtomicBoolean(true);
    AtomicBoolean retry = new AtomicBoolean(true);
    List<SettleResponse> retried = new ArrayList<>();
    FacilitatorService[] service = new FacilitatorService[1];
    PaymentIdentifierStore store =
        new Hooked(
            app.ledger().paymentIdentifiers(),
            () -> {
              if (drain.getAndSet(false)) {
                spendAll(poor);
              }
            },
            () -> {},
            () -> {
              if (retry.getAndSet(false)) {
                try {
                  devnet.mint(poor, PRICE.multiply(BigInteger.TWO));
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
                retried.add(settle(service[0], first));
              }
            });
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      service[0] = service(store, threads);
      SettleResponse failed = settle(service[0], first);
      assertThat(failed.success()).as(failed.toString()).isFalse();
      assertThat(failed.transaction()).as(failed.toString()).isEmpty();
      assertThat(retry).as("the release hook ran").isFalse();
      assertThat(retried).hasSize(1);
      assertThat(retried.get(0).success()).as(retried.toString()).isTrue();

      SettleResponse second = settle(service[0], payment(payer, id));
      assertThat(devnet.transactionCount(gas))
          .as("one transaction under the id: %s", second)
          .isEqualTo(sent + 1);
      assertThat(second.success()).as(second.toString()).isFalse();
      assertThat(second.errorReason()).as(second.toString()).isEqualTo(CONFLICT);
      assertThat(bindings(sqliteUrl, List.of(id)))
          .as("the id the retry settled under stays bound")
          .isEqualTo(1);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aRetryAdmittedOnTheBindingOfASettlementThatThenFailsKeepsTheId() throws Exception {
    // As above, but the retry finds the id unbound, verifies, and meets the failing settlement's
    // fresh binding at its own bind (admitted: the same payment); it settles after that settlement
    // failed and before its release. The id must stay bound to the payment the retry settled.
    String id = newId();
    PrivateKeySigner payer = info.requireAccount("racing-buyer-2").signer();
    EvmAddress owner = payer.address();
    EvmAddress gas = info.requireAccount("gas-1").address();
    long sent = devnet.transactionCount(gas);
    ObjectNode first = payment(payer, id);
    CountDownLatch failingBound = new CountDownLatch(1);
    CountDownLatch failed = new CountDownLatch(1);
    CountDownLatch retryDone = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicInteger binds =
        new java.util.concurrent.atomic.AtomicInteger();
    ThreadLocal<Integer> call = new ThreadLocal<>();
    FacilitatorService[] service = new FacilitatorService[1];
    List<CompletableFuture<SettleResponse>> failing = new ArrayList<>();
    PaymentIdentifierStore store =
        new Hooked(
            app.ledger().paymentIdentifiers(),
            () -> {
              if (call.get() == 2) {
                spendAll(owner); // the failing settlement's payer spends its balance
                failingBound.countDown();
              } else if (call.get() == 1) {
                await(failed, "the failing settlement failed");
                try {
                  devnet.mint(owner, PRICE.multiply(BigInteger.TWO));
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              }
            },
            () -> {
              call.set(binds.incrementAndGet());
              if (call.get() == 1) {
                // The retry is at its bind: the other settlement starts and binds first.
                failing.add(service[0].settle(WIRE.decodeFacilitatorRequest(first.toString())));
                await(failingBound, "the failing settlement bound the id");
              }
            },
            () -> {
              failed.countDown();
              await(retryDone, "the retry settled");
            });
    ExecutorService threads = Executors.newFixedThreadPool(6);
    try {
      service[0] = service(store, threads);
      CompletableFuture<SettleResponse> retry =
          service[0].settle(WIRE.decodeFacilitatorRequest(first.toString()));
      retry.whenComplete((response, error) -> retryDone.countDown());
      SettleResponse retried = retry.get(120, TimeUnit.SECONDS);
      assertThat(retried.success()).as(retried.toString()).isTrue();
      SettleResponse refused = failing.get(0).get(120, TimeUnit.SECONDS);
      assertThat(refused.success()).as(refused.toString()).isFalse();
      assertThat(refused.transaction()).as(refused.toString()).isEmpty();

      SettleResponse second = settle(service[0], payment(payer, id));
      assertThat(devnet.transactionCount(gas))
          .as("one transaction under the id: %s", second)
          .isEqualTo(sent + 1);
      assertThat(second.errorReason()).as(second.toString()).isEqualTo(CONFLICT);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aSettlementRefusedBecauseTheAuthorizationWasUsedOnChainKeepsTheId() throws Exception {
    // Attack: between the id's binding and the settlement, someone else submits the signed
    // authorization on chain (anyone may call transferWithAuthorization): the money moved, and
    // the settlement is refused as nonce-already-used with no transaction of its own. That is not
    // "nothing moved": the id must stay bound, so the payer's retry with a new payment under the
    // same id is a conflict rather than a second charge.
    String id = newId();
    PrivateKeySigner payer = info.requireAccount("front-run-buyer").signer();
    EvmAddress watcher = info.requireAccount("watcher").address();
    ObjectNode first = payment(payer, id);
    @SuppressWarnings("unchecked")
    Map<String, Object> signed =
        JSON.convertValue(first.path("paymentPayload").path("payload"), Map.class);
    byte[] call =
        io.x402j.evm.Eip3009Calls.transferWithAuthorization(
            io.x402j.evm.ExactEvmPayload.fromMap(signed));
    AtomicBoolean frontRun = new AtomicBoolean(true);
    PaymentIdentifierStore store =
        new Hooked(
            app.ledger().paymentIdentifiers(),
            () -> {
              if (frontRun.getAndSet(false)) {
                try {
                  JsonNode receipt = devnet.sendAs(watcher, info.token(), call);
                  assertThat(receipt.path("status").asText()).isEqualTo("0x1");
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              }
            });
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      FacilitatorService service = service(store, threads);
      SettleResponse refused = settle(service, first);
      assertThat(frontRun).as("the front-run happened").isFalse();
      assertThat(refused.success()).as(refused.toString()).isFalse();
      assertThat(devnet.tokenBalance(payer.address()))
          .as("the first payment moved")
          .isEqualTo(PRICE);

      SettleResponse second = settle(service, payment(payer, id));
      assertThat(devnet.tokenBalance(payer.address()))
          .as("one payment under the id: %s", second)
          .isEqualTo(PRICE);
      assertThat(second.errorReason()).as(second.toString()).isEqualTo(CONFLICT);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void copiesOfAPaymentBeingSettledUnderFreshIdsLeaveNoBindings() throws Exception {
    // Attack on storage: while one settlement of a payment is in flight, copies of it under fresh
    // ids verify (nothing is on chain yet) and are refused as duplicates of that settlement. They
    // settled nothing under their ids, so their bindings must not stay for the retention (else
    // one payment in flight grows the store by one row per request).
    ObjectNode body = payment(buyer, null);
    EvmAddress gas = info.requireAccount("gas-1").address();
    List<String> ids = new ArrayList<>();
    long before = devnet.pendingTransactionCount(gas);
    devnet.setAutomine(false);
    CompletableFuture<HttpResponse<String>> holder;
    try {
      holder = send(app, "/settle", attempt(body, "attempt-holder-000001"));
      assertThat(devnet.awaitPendingTransactions(gas, before, java.time.Duration.ofSeconds(30)))
          .as("broadcast")
          .isEqualTo(before + 1);
      for (int i = 0; i < 4; i++) {
        String id = newId();
        ids.add(id);
        ObjectNode copy = payment(buyer, id);
        copy.set("paymentPayload", body.path("paymentPayload").deepCopy());
        ((ObjectNode) copy.path("paymentPayload"))
            .set("extensions", payment(buyer, id).path("paymentPayload").path("extensions"));
        HttpResponse<String> refused = post(app, "/settle", copy);
        assertThat(json(refused).path("success").asBoolean()).as(refused.body()).isFalse();
        assertThat(json(refused).path("errorReason").asText())
            .as(refused.body())
            .isEqualTo("duplicate_settlement");
      }
      devnet.mine();
    } finally {
      devnet.setAutomine(true);
    }
    // Settled, or pending should a slow machine outlast the receipt wait: broadcast either way.
    HttpResponse<String> settled = holder.get(60, TimeUnit.SECONDS);
    assertThat(json(settled).path("transaction").asText()).as(settled.body()).isNotEmpty();
    assertThat(bindings(sqliteUrl, ids)).as("bindings of the refused copies").isZero();
  }

  /** Waits for {@code latch}; a bound only a broken test reaches. */
  static void await(CountDownLatch latch, String what) {
    try {
      assertThat(latch.await(60, TimeUnit.SECONDS)).as(what).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Sends {@code owner}'s whole token balance to the seller, as {@code owner}. */
  static void spendAll(EvmAddress owner) {
    try {
      JsonNode receipt =
          devnet.sendAs(
              owner,
              info.token(),
              Abi.call("transfer(address,uint256)")
                  .address(seller)
                  .uint(devnet.tokenBalance(owner))
                  .encode());
      assertThat(receipt.path("status").asText()).isEqualTo("0x1");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void twoPaymentsSettlingUnderOneIdAtOnceSettleExactlyOne() throws Exception {
    String id = newId();
    EvmAddress gas = info.requireAccount("gas-1").address();
    long sent = devnet.transactionCount(gas);
    BigInteger sellerBefore = devnet.tokenBalance(seller);
    // Both settlements verify, then meet at the binding: neither binds before both are there, so
    // the store's atomic bind alone decides, whichever thread runs first.
    CountDownLatch bothVerified = new CountDownLatch(2);
    PaymentIdentifierStore store =
        new Hooked(
            app.ledger().paymentIdentifiers(),
            () -> {},
            () -> {
              bothVerified.countDown();
              try {
                // A bound on a wait that normally ends at once: only a broken test waits it out.
                assertThat(bothVerified.await(60, TimeUnit.SECONDS))
                    .as("both settlements reached the binding")
                    .isTrue();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
              }
            });
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      FacilitatorService service = service(store, threads);
      CompletableFuture<SettleResponse> one =
          service.settle(WIRE.decodeFacilitatorRequest(payment(buyer, id).toString()));
      CompletableFuture<SettleResponse> two =
          service.settle(WIRE.decodeFacilitatorRequest(payment(buyer, id).toString()));
      List<SettleResponse> answers = List.of(one.join(), two.join());
      assertThat(answers).as(answers.toString()).filteredOn(SettleResponse::success).hasSize(1);
      assertThat(answers)
          .filteredOn(r -> CONFLICT.equals(r.errorReason()))
          .as(answers.toString())
          .hasSize(1);
    } finally {
      threads.shutdownNow();
    }
    assertThat(devnet.transactionCount(gas)).as("one transaction").isEqualTo(sent + 1);
    assertThat(devnet.tokenBalance(seller).subtract(sellerBefore)).isEqualTo(PRICE);
    assertThat(bindings(sqliteUrl, List.of(id))).isEqualTo(1);
  }

  /** A store that runs hooks around each bind, and before each release. */
  static final class Hooked implements PaymentIdentifierStore {
    private final PaymentIdentifierStore delegate;
    private final Runnable afterBind;
    private final Runnable beforeBind;
    private final Runnable beforeRelease;

    Hooked(PaymentIdentifierStore delegate, Runnable afterBind) {
      this(delegate, afterBind, () -> {});
    }

    Hooked(PaymentIdentifierStore delegate, Runnable afterBind, Runnable beforeBind) {
      this(delegate, afterBind, beforeBind, () -> {});
    }

    Hooked(
        PaymentIdentifierStore delegate,
        Runnable afterBind,
        Runnable beforeBind,
        Runnable beforeRelease) {
      this.delegate = delegate;
      this.afterBind = afterBind;
      this.beforeBind = beforeBind;
      this.beforeRelease = beforeRelease;
    }

    @Override
    public Binding bind(
        String scope, PaymentIdentifier id, String fingerprint, Instant expiresAt, Instant now) {
      beforeBind.run();
      Binding binding = delegate.bind(scope, id, fingerprint, expiresAt, now);
      afterBind.run();
      return binding;
    }

    @Override
    public Optional<Binding> find(String scope, PaymentIdentifier id, Instant now) {
      return delegate.find(scope, id, now);
    }

    @Override
    public boolean release(String scope, PaymentIdentifier id, Binding binding) {
      beforeRelease.run();
      return delegate.release(scope, id, binding);
    }

    @Override
    public boolean isBound(PaymentIdentifier id, String fingerprint, Instant now) {
      return delegate.isBound(id, fingerprint, now);
    }

    @Override
    public boolean renew(PaymentIdentifier id, String fingerprint, Instant now) {
      return delegate.renew(id, fingerprint, now);
    }

    @Override
    public int purgeExpired(Instant now) {
      return delegate.purgeExpired(now);
    }
  }

  @Test
  void anotherPayerUsingAnIdOrForgingItsOwnerDoesNotBlockTheOwner() {
    // Another payer's payment settled under the buyer's id binds it for that payer only.
    String id = newId();
    HttpResponse<String> squatter =
        post(app, "/settle", attempt(payment(otherBuyer, id), "attempt-squatter-0001"));
    assertThat(json(squatter).path("success").asBoolean()).as(squatter.body()).isTrue();
    HttpResponse<String> owner =
        post(app, "/settle", attempt(payment(buyer, id), "attempt-owner-00000001"));
    assertThat(owner.statusCode()).as(owner.body()).isEqualTo(200);
    assertThat(json(owner).path("success").asBoolean()).as(owner.body()).isTrue();

    // A payment naming the buyer as payer without the buyer's signature binds nothing.
    String forgedId = newId();
    ObjectNode forged = payment(otherBuyer, forgedId);
    ((ObjectNode) forged.path("paymentPayload").path("payload").path("authorization"))
        .put("from", buyer.address().toString());
    for (String path : List.of("/verify", "/settle")) {
      HttpResponse<String> refused = post(app, path, forged);
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(200);
      assertThat(refused.body()).contains("invalid_exact_evm_signature");
    }
    HttpResponse<String> real =
        post(app, "/settle", attempt(payment(buyer, forgedId), "attempt-owner-00000002"));
    assertThat(real.statusCode()).as(real.body()).isEqualTo(200);
    assertThat(json(real).path("success").asBoolean()).as(real.body()).isTrue();
  }

  @Test
  void oneAuthorizationUnderManyIdsSettledAtOnceMovesMoneyOnce() {
    // Attack on ids scoped by payer: the same signed authorization under respelled and other ids
    // (case, 16 and 128 characters, another id, payer respelt, no id), all settled at once as
    // attempts of different servers, is one payment: one success, one transaction.
    String id = newId();
    ObjectNode body = payment(buyer, id);
    ObjectNode noId = body.deepCopy();
    ((ObjectNode) noId.path("paymentPayload")).remove("extensions");
    List<ObjectNode> copies =
        List.of(
            body,
            withId(body, "pay_" + id.substring(4).toUpperCase(java.util.Locale.ROOT)),
            withId(body, "a".repeat(16)),
            withId(body, "b".repeat(128)),
            withId(body, newId()),
            respelled(body),
            respelled(withId(body, newId())),
            noId);
    EvmAddress gas = info.requireAccount("gas-1").address();
    long sent = devnet.transactionCount(gas);
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < copies.size(); i++) {
      answers.add(send(app, "/settle", attempt(copies.get(i), "attempt-many-ids-" + (10000 + i))));
    }
    List<String> succeeded = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> answer : answers) {
      HttpResponse<String> response = answer.join();
      if (json(response).path("success").asBoolean()) {
        succeeded.add(response.body());
      }
    }
    assertThat(succeeded).as("settlements that succeeded").hasSize(1);
    assertThat(devnet.transactionCount(gas)).as("one transaction").isEqualTo(sent + 1);
  }

  @Test
  void aMalformedIdIsAnInvalidPayloadNamingTheField() {
    ObjectNode body = withId(payment(buyer, newId()), "pay_short");
    for (String path : List.of("/verify", "/settle")) {
      HttpResponse<String> response = post(app, path, body);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.body())
          .contains("invalid_payload")
          .contains("extensions.payment-identifier.info.id");
    }
  }

  @Test
  void twoInstancesSharingPostgresRacingOneIdWithTwoPaymentsSettleOne() {
    String database = TestPostgres.newDatabase();
    Map<String, String> env =
        Map.of(
            "KEYS_A", info.requireAccount("gas-a").privateKey(),
            "KEYS_B", info.requireAccount("gas-b").privateKey());
    EvmAddress gasA = info.requireAccount("gas-a").address();
    EvmAddress gasB = info.requireAccount("gas-b").address();
    long sentBefore = devnet.transactionCount(gasA) + devnet.transactionCount(gasB);
    BigInteger sellerBefore = devnet.tokenBalance(seller);
    int rounds = 4;
    try (FacilitatorApp a =
            FacilitatorApp.start(
                FacilitatorClusterIT.config(info, database, "KEYS_A"),
                env,
                NetworkRegistry.defaults());
        FacilitatorApp b =
            FacilitatorApp.start(
                FacilitatorClusterIT.config(info, database, "KEYS_B"),
                env,
                NetworkRegistry.defaults())) {
      for (int round = 0; round < rounds; round++) {
        String id = newId();
        CompletableFuture<HttpResponse<String>> viaA =
            send(a, "/settle", attempt(payment(buyer, id), "attempt-a-round-" + round + "-x"));
        CompletableFuture<HttpResponse<String>> viaB =
            send(b, "/settle", attempt(payment(buyer, id), "attempt-b-round-" + round + "-x"));
        List<HttpResponse<String>> answers = List.of(viaA.join(), viaB.join());
        assertThat(answers)
            .as("round %d: %s", round, answers.stream().map(HttpResponse::body).toList())
            .filteredOn(r -> r.statusCode() == 200 && json(r).path("success").asBoolean())
            .hasSize(1);
        assertThat(answers)
            .filteredOn(
                r -> r.statusCode() == 409 && json(r).path("errorReason").asText().equals(CONFLICT))
            .hasSize(1);
      }
    }
    assertThat(devnet.transactionCount(gasA) + devnet.transactionCount(gasB) - sentBefore)
        .as("one transaction per round")
        .isEqualTo(rounds);
    assertThat(devnet.tokenBalance(seller).subtract(sellerBefore))
        .isEqualTo(PRICE.multiply(BigInteger.valueOf(rounds)));
  }
}
