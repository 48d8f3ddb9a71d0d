package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.extensions.PaymentIdentifier;
import io.x402j.core.extensions.PaymentIdentifierExtension;
import io.x402j.core.facilitator.FacilitatorOperation;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.evm.ExactEvmClient;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.testkit.ScriptedAnswer;
import io.x402j.testkit.ScriptedFacilitator;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * The gate's {@code payment-identifier} ids belong to the payer: someone who learns or guesses an
 * id a buyer will use and pays under it first (a real, verified payment of its own) binds the id
 * for itself only, and the buyer's later payment under the id is served, not answered 409. The same
 * payer's second payment under its id is still a conflict; ids are compared exactly (ASCII,
 * case-sensitive).
 */
class PaymentIdentifierPerPayerTest {
  static final PrivateKeySigner BUYER = PaymentIdentifiersTest.BUYER;
  static final PrivateKeySigner OTHER = PrivateKeySigner.fromHex("0x" + "44".repeat(32));
  static final String ID = "pay_0123456789abcdef0123456789abcdef";

  ScriptedFacilitator facilitator;
  final AtomicInteger settled = new AtomicInteger();

  /** When set, verification names this payer whatever the payment says. */
  volatile String verifiedPayer;

  @BeforeEach
  void start() {
    facilitator = ScriptedFacilitator.start();
    facilitator.dispatcher(
        request -> {
          Object from =
              ((Map<?, ?>) request.v2().paymentPayload().payload().get("authorization"))
                  .get("from");
          String payer = verifiedPayer != null ? verifiedPayer : String.valueOf(from);
          if (request.operation() == FacilitatorOperation.VERIFY) {
            return ScriptedAnswer.verify(VerifyResponse.valid(payer));
          }
          int n = settled.incrementAndGet();
          PaymentRequirements r = request.v2().paymentRequirements();
          return ScriptedAnswer.settle(
              new SettleResponse(
                  true,
                  null,
                  null,
                  "0x" + String.format("%064x", n),
                  r.network().toString(),
                  payer,
                  r.amount(),
                  null,
                  Map.of()));
        });
  }

  @AfterEach
  void stop() {
    facilitator.close();
  }

  PaymentGate gate(ReplayStore store) {
    return PaymentGate.builder()
        .facilitator(HttpFacilitatorClient.builder(facilitator.url()).build())
        .replayStore(store)
        .extension(PaymentIdentifiers.required())
        .routes(
            RouteTable.builder()
                .route(
                    "GET /weather",
                    PaidRoute.of(
                        "$0.01", PaymentIdentifiersTest.NET, PaymentIdentifiersTest.SELLER))
                .build())
        .build();
  }

  /** A payment by {@code signer} under {@code id}, sent as given (not validated here). */
  static String pay(PaymentGate gate, PrivateKeySigner signer, String id) {
    PaymentRequired required = PaymentIdentifiersTest.required(gate, "/weather");
    PaymentRequirements accepted = required.accepts().get(0);
    Map<String, Object> echo =
        new LinkedHashMap<>(
            PaymentIdentifierExtension.echo(
                required.extensions().get(PaymentIdentifierExtension.KEY),
                PaymentIdentifier.generate()));
    Map<String, Object> info = new LinkedHashMap<>(PaymentIdentifiersTest.cast(echo.get("info")));
    info.put("id", id);
    echo.put("info", info);
    return PaymentIdentifiersTest.header(
        new PaymentPayload(
            ResourceInfo.of("http://127.0.0.1:8080/weather"),
            accepted,
            ExactEvmClient.of(signer).createPayload(2, accepted),
            Map.of(PaymentIdentifierExtension.KEY, echo),
            Map.of()));
  }

  void twoPayersOneIdBothServed(ReplayStore store) {
    PaymentGate gate = gate(store);
    // Another payer learnt the buyer's id and pays under it first, with a real payment.
    String first = PaymentIdentifiersTest.buy(gate, "/weather", pay(gate, OTHER, ID));
    assertThat(first).isNotNull();
    // The buyer's own payment under its id still buys its response.
    GateDecision d =
        gate.check(PaymentIdentifiersTest.get("/weather", pay(gate, BUYER, ID))).join();
    assertThat(d)
        .as(
            "another payer's use of the id must not lock the buyer out: %s",
            d instanceof GateDecision.Respond r ? r.response().bodyText() : "admitted")
        .isInstanceOf(GateDecision.Admit.class);
    ((GateDecision.Admit) d).admission().complete(200).join();
    assertThat(settled).hasValue(2);
  }

  @Test
  void twoPayersUsingOneIdAreBothServed() {
    twoPayersOneIdBothServed(ReplayStore.inMemory(Clock.systemUTC()));
  }

  @Test
  void twoPayersUsingOneIdAreBothServedByAJdbcStore(@TempDir Path dir) {
    SQLiteDataSource sqlite = new SQLiteDataSource();
    sqlite.setUrl("jdbc:sqlite:" + dir.resolve("gate.db"));
    twoPayersOneIdBothServed(ReplayStore.jdbc(sqlite));
  }

  @Test
  void theSamePayersSecondPaymentUnderItsIdIsStillAConflict() {
    PaymentGate gate = gate(ReplayStore.inMemory(Clock.systemUTC()));
    String payment = pay(gate, BUYER, ID);
    String receipt = PaymentIdentifiersTest.buy(gate, "/weather", payment);

    // The same payment again: the cached outcome (409 already used, with the receipt).
    GateResponse repeat = PaymentIdentifiersTest.refused(gate, "/weather", payment);
    assertThat(repeat.status()).isEqualTo(409);
    assertThat(repeat.bodyText()).contains("payment_already_used");
    assertThat(repeat.header("PAYMENT-RESPONSE")).isEqualTo(receipt);

    // Another payment of the same payer under the id: a conflict, nothing verified or settled.
    GateResponse conflict = PaymentIdentifiersTest.refused(gate, "/weather", pay(gate, BUYER, ID));
    assertThat(conflict.status()).isEqualTo(409);
    assertThat(conflict.bodyText()).contains("payment_identifier_conflict");
    assertThat(settled).hasValue(1);
  }

  @Test
  void idsAreComparedExactlyAsciiOnlyAndCaseSensitive() {
    PaymentGate gate = gate(ReplayStore.inMemory(Clock.systemUTC()));
    PaymentIdentifiersTest.buy(gate, "/weather", pay(gate, BUYER, ID));

    // The same letters in upper case are another id (the specification's pattern is
    // case-sensitive): the payer's new payment under it is served, not a conflict.
    PaymentIdentifiersTest.buy(gate, "/weather", pay(gate, BUYER, ID.toUpperCase(Locale.ROOT)));
    assertThat(settled).hasValue(2);

    // A look-alike with a non-ASCII digit (U+0660 ARABIC-INDIC DIGIT ZERO) is no id at all.
    GateResponse unicode =
        PaymentIdentifiersTest.refused(
            gate, "/weather", pay(gate, BUYER, ID.replace('0', '\u0660')));
    assertThat(unicode.status()).isEqualTo(400);
    assertThat(unicode.bodyText()).contains("invalid_payment_identifier").contains("U+0660");
    assertThat(settled).hasValue(2);
  }

  @Test
  void aVerifiedPayerOtherThanTheOneThePaymentNamesIsRefusedAndKeepsNoId() {
    PaymentGate gate = gate(ReplayStore.inMemory(Clock.systemUTC()));
    // The facilitator names another payer than the payment's own: the id was scoped by the named
    // payer, so the payment is refused and the id left free.
    verifiedPayer = OTHER.address().toString();
    GateResponse refused = PaymentIdentifiersTest.refused(gate, "/weather", pay(gate, BUYER, ID));
    assertThat(refused.status()).isEqualTo(402);
    assertThat(refused.bodyText()).contains("payment_identifier_payer_mismatch");
    assertThat(settled).hasValue(0);

    // The verified payer spelt in upper-case hex is the same payer: served.
    verifiedPayer = "0x" + BUYER.address().toString().substring(2).toUpperCase(Locale.ROOT);
    PaymentIdentifiersTest.buy(gate, "/weather", pay(gate, BUYER, ID));
    assertThat(settled).hasValue(1);
  }
}
