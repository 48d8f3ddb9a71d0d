package io.x402j.client;

import static io.x402j.client.SpendControlsTest.BASE_SEPOLIA;
import static io.x402j.client.SpendControlsTest.SELLER;
import static io.x402j.client.SpendControlsTest.USDC_SEPOLIA;
import static io.x402j.client.SpendControlsTest.usdc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.client.testing.ScriptedShop;
import io.x402j.core.NetworkPattern;
import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.SchemeClient;
import io.x402j.core.scheme.SchemePayment;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.core.wire.SettleResponse;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Payment-level extensions a scheme adds, and {@code upto} accounting: an offer counts at its
 * ceiling, the spend log keeps what the receipt says was settled, and no receipt raises a spend.
 */
class PayerUptoTest {
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final String KEY = "eip2612GasSponsoring";

  /** A scheme client that signs nothing: it records what it was given and adds extensions. */
  static final class ScriptedScheme implements SchemeClient {
    final String scheme;
    final Map<String, Object> adds;
    final List<Map<String, Object>> declared = new CopyOnWriteArrayList<>();

    ScriptedScheme(String scheme, Map<String, Object> adds) {
      this.scheme = scheme;
      this.adds = adds;
    }

    @Override
    public String scheme() {
      return scheme;
    }

    @Override
    public Map<String, Object> createPayload(int x402Version, PaymentRequirements requirements) {
      return Map.of("signature", "0x00");
    }

    @Override
    public SchemePayment createPayment(
        int x402Version, PaymentRequirements requirements, Map<String, Object> declaredExtensions) {
      declared.add(declaredExtensions);
      return new SchemePayment(createPayload(x402Version, requirements), adds);
    }
  }

  static PaymentRequirements upto(long ceiling) {
    return usdc(BASE_SEPOLIA, USDC_SEPOLIA, ceiling, SELLER).toBuilder().scheme("upto").build();
  }

  static PaymentChallenge challenge(PaymentRequired required) {
    return new PaymentChallenge(
        URI.create(required.resource().url()),
        Map.of("PAYMENT-REQUIRED", List.of(HEADERS.encodePaymentRequired(required))),
        new byte[0]);
  }

  static PaymentRequired required(Map<String, Object> extensions, PaymentRequirements... accepts) {
    return new PaymentRequired(
        "Payment required",
        ResourceInfo.of("https://api.example/infer"),
        List.of(accepts),
        extensions,
        Map.of());
  }

  static Payer payer(SchemeClient scheme, SpendControls controls, SpendLog log) {
    return Payer.builder()
        .scheme(NetworkPattern.namespace("eip155"), scheme)
        .spendControls(controls)
        .spendLog(log)
        .build();
  }

  /**
   * A payer whose upto receipts are confirmed by a stand-in for the chain (the on-chain check
   * itself is tested against anvil in PayerUptoChainIT).
   */
  static Payer confirmingPayer(SchemeClient scheme, SpendControls controls, SpendLog log) {
    return Payer.builder()
        .scheme(NetworkPattern.namespace("eip155"), scheme)
        .spendControls(controls)
        .spendLog(log)
        .uptoSettlementCheck((payment, payload, receipt) -> Optional.empty())
        .build();
  }

  static SettleResponse settled(long amount) {
    return new SettleResponse(
        true,
        null,
        null,
        "0x" + "ab".repeat(32),
        BASE_SEPOLIA.toString(),
        null,
        TokenAmount.of(amount),
        null,
        Map.of());
  }

  // --- extensions ---------------------------------------------------------------------------

  @Test
  void theSchemesExtensionsAreMergedOverTheDeclarationKeepingTheServersFields() {
    Map<String, Object> declaredInfo = new LinkedHashMap<>();
    declaredInfo.put("description", "sponsored");
    declaredInfo.put("version", "1");
    Map<String, Object> declared =
        Map.of(
            KEY,
            Map.of("info", declaredInfo, "schema", Map.of("type", "object")),
            "bazaar",
            Map.of("info", Map.of("input", Map.of())));
    Map<String, Object> signedInfo = new LinkedHashMap<>();
    signedInfo.put("from", "0x1111111111111111111111111111111111111111");
    signedInfo.put("signature", "0x" + "22".repeat(65));
    signedInfo.put("version", "1");
    signedInfo.put("description", "the client may not change this");
    ScriptedScheme scheme = new ScriptedScheme("exact", Map.of(KEY, Map.of("info", signedInfo)));
    Payer payer = payer(scheme, SpendControls.unlimited(), SpendLog.inMemory());

    PaymentAuthorization auth =
        payer.authorize(
            challenge(required(declared, usdc(BASE_SEPOLIA, USDC_SEPOLIA, 10_000, SELLER))));

    assertThat(scheme.declared).containsExactly(declared);
    PaymentPayload sent = HEADERS.decodePaymentSignature(auth.headerValue());
    assertThat(sent.extensions()).containsOnlyKeys(KEY, "bazaar");
    assertThat(sent.extensions().get("bazaar")).isEqualTo(declared.get("bazaar"));
    @SuppressWarnings("unchecked")
    Map<String, Object> sponsoring = (Map<String, Object>) sent.extensions().get(KEY);
    assertThat(sponsoring).containsEntry("schema", Map.of("type", "object"));
    assertThat(sponsoring.get("info"))
        .isEqualTo(
            Map.of(
                "description", "sponsored",
                "version", "1",
                "from", "0x1111111111111111111111111111111111111111",
                "signature", "0x" + "22".repeat(65)));
  }

  @Test
  void withoutExtensionsFromTheSchemeTheDeclarationsAreEchoedAsDeclared() {
    ScriptedScheme scheme = new ScriptedScheme("exact", Map.of());
    Payer payer = payer(scheme, SpendControls.unlimited(), SpendLog.inMemory());

    PaymentAuthorization auth =
        payer.authorize(
            challenge(
                required(
                    Map.of(
                        KEY,
                        Map.of("info", Map.of("version", "1")),
                        "bazaar",
                        Map.of("info", Map.of("input", Map.of("type", "http")))),
                    usdc(BASE_SEPOLIA, USDC_SEPOLIA, 10_000, SELLER))));

    // As the spec and the official client: a facilitator catalogues a declaration only from the
    // payment, so every declared extension is echoed even when nothing is added to it.
    assertThat(HEADERS.decodePaymentSignature(auth.headerValue()).extensions())
        .isEqualTo(
            Map.of(
                KEY,
                Map.of("info", Map.of("version", "1")),
                "bazaar",
                Map.of("info", Map.of("input", Map.of("type", "http")))));
  }

  @Test
  void anExtensionTheServerDidNotDeclareIsSentAsTheSchemeMadeIt() {
    ScriptedScheme scheme =
        new ScriptedScheme("exact", Map.of(KEY, Map.of("info", Map.of("version", "1"))));
    Payer payer = payer(scheme, SpendControls.unlimited(), SpendLog.inMemory());

    PaymentAuthorization auth =
        payer.authorize(
            challenge(required(null, usdc(BASE_SEPOLIA, USDC_SEPOLIA, 10_000, SELLER))));

    assertThat(scheme.declared).containsExactly(Map.of());
    assertThat(HEADERS.decodePaymentSignature(auth.headerValue()).extensions())
        .isEqualTo(Map.of(KEY, Map.of("info", Map.of("version", "1"))));
  }

  @Test
  void withoutAnyDeclarationOrSchemeExtensionsNoneAreSent() {
    ScriptedScheme scheme = new ScriptedScheme("exact", Map.of());
    Payer payer = payer(scheme, SpendControls.unlimited(), SpendLog.inMemory());

    PaymentAuthorization auth =
        payer.authorize(
            challenge(required(null, usdc(BASE_SEPOLIA, USDC_SEPOLIA, 10_000, SELLER))));

    assertThat(HEADERS.decodePaymentSignature(auth.headerValue()).extensions()).isNull();
  }

  @Test
  void aV1PaymentCarriesNoExtensions() {
    ScriptedScheme scheme =
        new ScriptedScheme("exact", Map.of(KEY, Map.of("info", Map.of("version", "1"))));
    Payer payer = payer(scheme, SpendControls.unlimited(), SpendLog.inMemory());
    String body =
        "{\"x402Version\":1,\"error\":\"\",\"accepts\":[{\"scheme\":\"exact\",\"network\":"
            + "\"base-sepolia\",\"maxAmountRequired\":\"10000\",\"resource\":\"https://a.example/\","
            + "\"description\":\"\",\"mimeType\":\"\",\"payTo\":\""
            + SELLER
            + "\",\"maxTimeoutSeconds\":60,\"asset\":\""
            + USDC_SEPOLIA
            + "\",\"extra\":{\"name\":\"USDC\",\"version\":\"2\"}}]}";

    PaymentAuthorization auth =
        payer.authorize(
            new PaymentChallenge(
                URI.create("https://a.example/"), Map.of(), body.getBytes(StandardCharsets.UTF_8)));

    assertThat(auth.headerName()).isEqualTo("X-PAYMENT");
    assertThat(new String(java.util.Base64.getDecoder().decode(auth.headerValue())))
        .doesNotContain("extensions")
        .doesNotContain(KEY);
    assertThat(scheme.declared).containsExactly(Map.of());
  }

  // --- upto accounting ----------------------------------------------------------------------

  @Test
  void anUptoOfferCountsAtItsCeilingAgainstTheMaximumPerPayment() {
    Payer payer =
        payer(
            new ScriptedScheme("upto", Map.of()),
            SpendControls.builder().maxPerPaymentUsd("$0.10").build(),
            SpendLog.inMemory());

    // The seller might charge a cent, but it may charge up to $0.20: that is what is signed.
    assertThatThrownBy(() -> payer.authorize(challenge(required(null, upto(200_000)))))
        .isInstanceOf(PaymentRefusedException.class)
        .hasMessageContaining("0.2");
  }

  @Test
  void theBudgetIsReservedAtTheCeilingAndReleasedToWhatTheChainConfirmsWasCharged() {
    SpendLog log = SpendLog.inMemory();
    Payer payer =
        confirmingPayer(
            new ScriptedScheme("upto", Map.of()),
            SpendControls.builder().budgetUsd("$1.00", Duration.ofDays(1)).build(),
            log);
    PaymentChallenge offer = challenge(required(null, upto(600_000)));

    PaymentAuthorization first = payer.authorize(offer);
    assertThat(log.spends().get(0).amount()).isEqualTo(TokenAmount.of(600_000));
    // While the first is unanswered its whole ceiling is reserved: a second would overspend.
    assertThatThrownBy(() -> payer.authorize(offer))
        .isInstanceOf(PaymentRefusedException.class)
        .hasMessageContaining("budget");

    Charge charge = payer.paid(first, 200, settled(100_000));

    assertThat(charge.authorized()).isEqualTo(TokenAmount.of(600_000));
    assertThat(charge.charged()).isEqualTo(TokenAmount.of(100_000));
    assertThat(charge.confirmed()).isTrue();
    assertThat(charge.released()).isEqualTo(TokenAmount.of(500_000));
    Spend spend = log.spends().get(0);
    assertThat(spend.amount()).isEqualTo(TokenAmount.of(100_000));
    assertThat(spend.ceiling()).isEqualTo(TokenAmount.of(600_000));
    assertThat(spend.usd()).isEqualByComparingTo("0.1");
    assertThat(log.usdSince(spend.at().minusSeconds(1), null)).isEqualByComparingTo("0.1");
    payer.authorize(offer); // $0.10 + $0.60 fit in $1.00 now
  }

  @Test
  void aReceiptClaimingMoreThanTheCeilingIsCountedAtTheCeilingAndFlagged() {
    SpendLog log = SpendLog.inMemory();
    Payer payer = payer(new ScriptedScheme("upto", Map.of()), SpendControls.unlimited(), log);
    PaymentAuthorization auth = payer.authorize(challenge(required(null, upto(50_000))));

    Charge charge = payer.paid(auth, 200, settled(70_000));

    assertThat(charge.charged()).isEqualTo(TokenAmount.of(50_000));
    assertThat(charge.reported()).isEqualTo(TokenAmount.of(70_000));
    assertThat(charge.reportedAboveCeiling()).isTrue();
    assertThat(charge.confirmed()).isFalse();
    assertThat(log.spends().get(0).amount()).isEqualTo(TokenAmount.of(50_000));
  }

  @Test
  void anUptoPaymentWithoutABelievableReceiptKeepsCountingAtItsCeiling() {
    SpendLog log = SpendLog.inMemory();
    Payer payer = payer(new ScriptedScheme("upto", Map.of()), SpendControls.unlimited(), log);
    PaymentAuthorization none = payer.authorize(challenge(required(null, upto(50_000))));
    PaymentAuthorization failed = payer.authorize(challenge(required(null, upto(50_000))));
    PaymentAuthorization noAmount = payer.authorize(challenge(required(null, upto(50_000))));

    Charge a = payer.paid(none, 200, null);
    SettleResponse failure =
        new SettleResponse(
            false,
            "invalid_payload",
            null,
            "",
            BASE_SEPOLIA.toString(),
            null,
            TokenAmount.of(1),
            null,
            Map.of());
    Charge b = payer.paid(failed, 402, failure);
    Charge c =
        payer.paid(
            noAmount,
            200,
            SettleResponse.success("0x" + "ab".repeat(32), BASE_SEPOLIA.toString(), null));

    for (Charge charge : List.of(a, b, c)) {
      assertThat(charge.charged()).isEqualTo(TokenAmount.of(50_000));
    }
    assertThat(log.spends()).extracting(Spend::amount).containsOnly(TokenAmount.of(50_000));
  }

  @Test
  void anExactPaymentIsNeverLoweredByAReceipt() {
    SpendLog log = SpendLog.inMemory();
    Payer payer = payer(new ScriptedScheme("exact", Map.of()), SpendControls.unlimited(), log);
    PaymentAuthorization auth =
        payer.authorize(
            challenge(required(null, usdc(BASE_SEPOLIA, USDC_SEPOLIA, 10_000, SELLER))));

    Charge charge = payer.paid(auth, 200, settled(1));

    assertThat(charge.charged()).isEqualTo(TokenAmount.of(10_000));
    assertThat(log.spends().get(0).amount()).isEqualTo(TokenAmount.of(10_000));
  }

  @Test
  void aReceiptCountsOnceEvenWhenReportedTwice() {
    SpendLog log = SpendLog.inMemory();
    Payer payer =
        confirmingPayer(new ScriptedScheme("upto", Map.of()), SpendControls.unlimited(), log);
    PaymentAuthorization auth = payer.authorize(challenge(required(null, upto(50_000))));

    payer.paid(auth, 200, settled(10_000));
    payer.paid(auth, 200, settled(0));

    assertThat(log.spends().get(0).amount()).isEqualTo(TokenAmount.of(10_000));
  }

  @Test
  void chargesSurviveARestartOfAFileLog(@TempDir Path dir) {
    Path file = dir.resolve("spend.jsonl");
    try (SpendLog log = SpendLog.open(file)) {
      Payer payer =
          confirmingPayer(new ScriptedScheme("upto", Map.of()), SpendControls.unlimited(), log);
      PaymentAuthorization auth = payer.authorize(challenge(required(null, upto(600_000))));
      payer.paid(auth, 200, settled(1));
    }
    try (SpendLog reopened = SpendLog.open(file)) {
      Spend spend = reopened.spends().get(0);
      assertThat(spend.amount()).isEqualTo(TokenAmount.of(1));
      assertThat(spend.ceiling()).isEqualTo(TokenAmount.of(600_000));
      assertThat(spend.usd()).isEqualByComparingTo(new BigDecimal("0.000001"));
      assertThatThrownBy(() -> reopened.charge(1, TokenAmount.of(2), null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("exceeds");
    }
  }

  // --- through X402Client, with receipts as a server sends them ------------------------------

  ScriptedShop shop;
  X402Client client;
  SpendLog log;

  @BeforeEach
  void startShop() throws Exception {
    shop = ScriptedShop.start();
    shop.asks(
        new PaymentRequired(
            "Payment required",
            ResourceInfo.of("https://api.example/infer"),
            List.of(upto(50_000)),
            null,
            Map.of()));
    log = SpendLog.inMemory();
    client =
        X402Client.builder(
                payer(new ScriptedScheme("upto", Map.of()), SpendControls.unlimited(), log))
            .build();
  }

  @AfterEach
  void stopShop() {
    shop.close();
  }

  PaidResponse<String> pay() throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(shop.url() + "/infer")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String receipt(String amountJson) {
    return "{\"success\":true,\"transaction\":\"0x"
        + "ab".repeat(32)
        + "\",\"network\":\"eip155:84532\",\"amount\":"
        + amountJson
        + "}";
  }

  @Test
  void theClientReportsTheCeilingAndTheAmountCharged() throws Exception {
    client =
        X402Client.builder(
                confirmingPayer(
                    new ScriptedScheme("upto", Map.of()), SpendControls.unlimited(), log))
            .build();
    shop.answersWithReceipt(receipt("\"2500\""));

    PaidResponse<String> r = pay();

    assertThat(r.statusCode()).isEqualTo(200);
    Charge charge = r.charged().orElseThrow();
    assertThat(charge.scheme()).isEqualTo("upto");
    assertThat(charge.authorized()).isEqualTo(TokenAmount.of(50_000));
    assertThat(charge.charged()).isEqualTo(TokenAmount.of(2_500));
    assertThat(log.spends().get(0).amount()).isEqualTo(TokenAmount.of(2_500));
  }

  @Test
  void aPaidRequestWhoseAnswerIsLostSaysWhatWasPaidInsteadOfNothing() {
    shop.dropsPaidRequests();

    assertThatThrownBy(this::pay)
        .isInstanceOfSatisfying(
            PaymentAnswerLostException.class,
            lost -> {
              // The JDK client may resend a GET once on a dropped connection: the same payment.
              assertThat(shop.payments)
                  .isNotEmpty()
                  .containsOnly(lost.authorization().headerValue());
              assertThat(lost.payment().requirements().amount()).isEqualTo(TokenAmount.of(50_000));
              assertThat(lost.getMessage())
                  .contains(shop.url() + "/infer")
                  .contains("may have been settled")
                  .doesNotContain(shop.payments.get(0));
            });
    // Counted as spent (at the ceiling): a retry with a fresh payment would be a second spend.
    assertThat(log.spends()).hasSize(1);
  }

  @Test
  void aHostileReceiptAmountLeavesTheCeilingCounted() throws Exception {
    for (String hostile :
        List.of(
            "\"50001\"",
            "\"-1\"",
            "\"abc\"",
            "\"\u0661\u0660\u0660\"", // Arabic-Indic digits
            "\"\uff11\uff10\uff10\"", // full-width digits
            "\"0x10\"",
            "\"1e3\"",
            "\" 100\"",
            "100",
            "\"" + "9".repeat(100) + "\"")) {
      shop.answersWithReceipt(receipt(hostile));
      int before = log.spends().size();

      PaidResponse<String> r = pay();

      assertThat(r.statusCode()).as(hostile).isEqualTo(200);
      Charge charge = r.charged().orElseThrow();
      assertThat(charge.charged()).as(hostile).isEqualTo(TokenAmount.of(50_000));
      assertThat(charge.confirmed()).as(hostile).isFalse();
      assertThat(log.spends()).hasSize(before + 1);
      assertThat(log.spends().get(before).amount()).as(hostile).isEqualTo(TokenAmount.of(50_000));
    }
  }

  @Test
  void aSecondPaymentHeaderIsNeverSentWhateverTheReceipt() throws Exception {
    shop.answersWithReceipt(receipt("\"0\""));

    PaidResponse<String> r = pay();

    // A 0 settlement sends no transaction: the permit stays spendable, so it counts in full.
    assertThat(r.charged().orElseThrow().charged()).isEqualTo(TokenAmount.of(50_000));
    assertThat(shop.payments).hasSize(1);
  }

  @Test
  void withoutANodeAReceiptBelowTheCeilingIsNotBelievedAndChargeSaysWhy() {
    SpendLog log = SpendLog.inMemory();
    Payer payer = payer(new ScriptedScheme("upto", Map.of()), SpendControls.unlimited(), log);
    PaymentAuthorization auth = payer.authorize(challenge(required(null, upto(50_000))));

    Charge charge = payer.paid(auth, 200, settled(1));

    assertThat(charge.charged()).isEqualTo(TokenAmount.of(50_000));
    assertThat(charge.reported()).isEqualTo(TokenAmount.of(1));
    assertThat(charge.confirmed()).isFalse();
    assertThat(charge.why()).contains("no EVM node for eip155:84532");
    assertThat(log.spends().get(0).amount()).isEqualTo(TokenAmount.of(50_000));
  }

  @Test
  void aCheckThatRefusesOrFailsLeavesTheCeilingCounted() {
    SpendLog log = SpendLog.inMemory();
    UptoSettlementCheck refusing = (payment, payload, receipt) -> Optional.of("nonce unspent");
    UptoSettlementCheck failing =
        (payment, payload, receipt) -> {
          throw new IllegalStateException("node down");
        };
    for (UptoSettlementCheck check : List.of(refusing, failing)) {
      Payer payer =
          Payer.builder()
              .scheme(NetworkPattern.namespace("eip155"), new ScriptedScheme("upto", Map.of()))
              .spendControls(SpendControls.unlimited())
              .spendLog(log)
              .uptoSettlementCheck(check)
              .build();
      PaymentAuthorization auth = payer.authorize(challenge(required(null, upto(50_000))));

      Charge charge = payer.paid(auth, 200, settled(1));

      assertThat(charge.charged()).isEqualTo(TokenAmount.of(50_000));
      assertThat(charge.why()).startsWith("not confirmed on chain: ");
    }
    assertThat(log.spends()).extracting(Spend::amount).containsOnly(TokenAmount.of(50_000));
  }
}
