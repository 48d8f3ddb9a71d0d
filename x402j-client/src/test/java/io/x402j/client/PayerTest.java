package io.x402j.client;

import static io.x402j.client.SpendControlsTest.BASE;
import static io.x402j.client.SpendControlsTest.BASE_SEPOLIA;
import static io.x402j.client.SpendControlsTest.SELLER;
import static io.x402j.client.SpendControlsTest.USDC_BASE;
import static io.x402j.client.SpendControlsTest.USDC_SEPOLIA;
import static io.x402j.client.SpendControlsTest.challenge;
import static io.x402j.client.SpendControlsTest.usdc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.X402Exception;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentPayloadV1;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.evm.ExactEvmPayload;
import io.x402j.evm.PrivateKeySigner;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a payer reads 402s, chooses and signs, without a network. */
class PayerTest {
  final PrivateKeySigner signer = PrivateKeySigner.generate(new SecureRandom());
  final Payer payer =
      Payer.builder().signer(signer).spendControls(SpendControls.unlimited()).build();
  static final HeaderCodec HEADERS = HeaderCodec.standard();

  @Test
  void aV2PaymentEchoesTheOfferedRequirementExactly() {
    PaymentRequirements offered =
        usdc(BASE_SEPOLIA, USDC_SEPOLIA, 10_000, SELLER).toBuilder()
            .extra("futureField", Map.of("kept", true))
            .build();

    PaymentAuthorization auth = payer.authorize(challenge("https://api.example/weather", offered));

    assertThat(auth.headerName()).isEqualTo("PAYMENT-SIGNATURE");
    PaymentPayload payload = HEADERS.decodePaymentSignature(auth.headerValue());
    assertThat(payload.accepted()).isEqualTo(offered);
    assertThat(payload.resource().url()).isEqualTo("https://api.example/weather");
    ExactEvmPayload evm = ExactEvmPayload.fromMap(payload.payload());
    assertThat(evm.authorization().from()).isEqualTo(signer.address());
    assertThat(auth.payment().usd()).hasValue(new BigDecimal("0.01"));
    assertThat(auth.payment().describe()).isEqualTo("0.01 USDC on eip155:84532 to " + SELLER);
  }

  @Test
  void aV1BodyIsPaidWithXPayment() {
    String body =
        "{\"x402Version\":1,\"error\":\"X-PAYMENT header is required\",\"accepts\":[{"
            + "\"scheme\":\"exact\",\"network\":\"base-sepolia\",\"maxAmountRequired\":\"10000\","
            + "\"resource\":\"https://api.example/weather\",\"description\":\"\",\"mimeType\":\"\","
            + "\"payTo\":\""
            + SELLER
            + "\",\"maxTimeoutSeconds\":60,"
            + "\"asset\":\""
            + USDC_SEPOLIA
            + "\",\"extra\":{\"name\":\"USDC\",\"version\":\"2\"}}]}";

    PaymentAuthorization auth =
        payer.authorize(
            new PaymentChallenge(
                URI.create("https://api.example/weather"),
                Map.of(),
                body.getBytes(StandardCharsets.UTF_8)));

    assertThat(auth.headerName()).isEqualTo("X-PAYMENT");
    PaymentPayloadV1 payment = HEADERS.decodeXPayment(auth.headerValue());
    assertThat(payment.network()).isEqualTo("base-sepolia");
    assertThat(auth.payment().x402Version()).isEqualTo(1);
  }

  @Test
  void selectorsChooseAmongPayableOffers() {
    var both =
        challenge(
            "https://api.example/x",
            usdc(BASE, USDC_BASE, 20_000, SELLER),
            usdc(BASE_SEPOLIA, USDC_SEPOLIA, 10_000, SELLER));
    assertThat(payer.plan(both).requirements().network()).as("the server's first").isEqualTo(BASE);
    assertThat(
            Payer.builder()
                .signer(signer)
                .spendControls(SpendControls.unlimited())
                .selector(RequirementSelector.preferNetworks(BASE_SEPOLIA))
                .build()
                .plan(both)
                .requirements()
                .network())
        .isEqualTo(BASE_SEPOLIA);
    assertThat(
            Payer.builder()
                .signer(signer)
                .spendControls(SpendControls.unlimited())
                .selector(RequirementSelector.cheapest())
                .build()
                .plan(both)
                .usd())
        .hasValue(new BigDecimal("0.01"));
  }

  @Test
  void offersItCannotPayAreExplained() {
    var solana =
        challenge(
            "https://api.example/x",
            PaymentRequirements.builder()
                .network(io.x402j.core.Network.parse("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1"))
                .amount(io.x402j.core.TokenAmount.of(10_000))
                .asset("4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU")
                .payTo("2wKupLR9q6wXYppw8Gr2NvWxKBUqm4PPJKkQfoxHDBg4")
                .build());

    assertThatThrownBy(() -> payer.authorize(solana))
        .isInstanceOf(PaymentRefusedException.class)
        .hasMessageContaining("no client for this scheme and network")
        .satisfies(e -> assertThat(((PaymentRefusedException) e).reasons()).hasSize(1));
    assertThat(payer.offers(solana)).hasSize(1);
    assertThat(payer.spendLog().spends()).isEmpty();
  }

  @Test
  void answersWithoutX402RequirementsAreNamed() {
    URI url = URI.create("https://api.example/x");
    assertThatThrownBy(
            () -> payer.authorize(new PaymentChallenge(url, Map.of(), "nope".getBytes())))
        .isInstanceOf(X402Exception.class)
        .hasMessageContaining("carries no x402 payment requirements");
    assertThatThrownBy(
            () ->
                payer.authorize(
                    new PaymentChallenge(
                        url, Map.of("PAYMENT-REQUIRED", List.of("%%%")), new byte[0])))
        .hasMessageContaining("unreadable PAYMENT-REQUIRED header");
  }

  @Test
  void aPayerNeedsAScheme() {
    assertThatThrownBy(() -> Payer.builder().spendControls(SpendControls.unlimited()).build())
        .hasMessageContaining("needs a signer");
  }

  @Test
  void aPayerNeedsSpendControlsAndUnlimitedMustBeSaid() {
    assertThatThrownBy(() -> Payer.builder().signer(signer).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs spend controls")
        .hasMessageContaining("SpendControls.unlimited()");
  }

  @Test
  void theAuthorizationLifetimeIsCappedAndTheEchoKeptVerbatim() {
    PaymentRequirements decades =
        usdc(BASE_SEPOLIA, USDC_SEPOLIA, 10_000, SELLER).toBuilder()
            .maxTimeoutSeconds(Integer.MAX_VALUE)
            .build();
    PaymentChallenge asked = challenge("https://api.example/x", decades);

    long before = Instant.now().getEpochSecond();
    PaymentPayload byDefault = HEADERS.decodePaymentSignature(payer.authorize(asked).headerValue());
    long after = Instant.now().getEpochSecond();
    assertThat(byDefault.accepted()).as("echoed as offered").isEqualTo(decades);
    assertThat(validBefore(byDefault)).as("one hour").isBetween(before + 3600, after + 3600);

    Payer twoHours =
        Payer.builder()
            .signer(signer)
            .maxAuthorizationLifetime(Duration.ofHours(2))
            .spendControls(SpendControls.unlimited())
            .build();
    before = Instant.now().getEpochSecond();
    PaymentPayload longer = HEADERS.decodePaymentSignature(twoHours.authorize(asked).headerValue());
    after = Instant.now().getEpochSecond();
    assertThat(longer.accepted()).isEqualTo(decades);
    assertThat(validBefore(longer)).isBetween(before + 7200, after + 7200);

    assertThatThrownBy(
            () ->
                Payer.builder()
                    .signer(signer)
                    .maxAuthorizationLifetime(Duration.ofSeconds(5))
                    .spendControls(SpendControls.unlimited())
                    .build())
        .hasMessageContaining("at least 10 s");
  }

  @Test
  void serverGivenWordsAreQuotedInRefusalsAndHookMessages() {
    PaymentRequirements evil =
        usdc(BASE_SEPOLIA, USDC_SEPOLIA, 10_000, SELLER).toBuilder()
            .scheme("exact\nINFO forged line\u001b[31m")
            .build();
    assertThatThrownBy(() -> payer.authorize(challenge("https://api.example/x", evil)))
        .isInstanceOf(PaymentRefusedException.class)
        .hasMessageContaining("'exact\\u000aINFO forged line\\u001b[31m'")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\u001b"));

    List<String> failures = new java.util.ArrayList<>();
    Payer listening =
        Payer.builder()
            .signer(signer)
            .spendControls(SpendControls.unlimited())
            .listener(
                new PayerListener() {
                  @Override
                  public void onFailure(PlannedPayment payment, String reason) {
                    failures.add(reason);
                  }
                })
            .build();
    PaymentAuthorization paid =
        listening.authorize(
            challenge("https://api.example/x", usdc(BASE_SEPOLIA, USDC_SEPOLIA, 1, SELLER)));
    listening.paid(
        paid.payment(),
        402,
        new io.x402j.core.wire.SettleResponse(
            false, "nope\r\nINFO settled", null, "", "eip155:84532", null, null, null, Map.of()));
    assertThat(failures)
        .singleElement()
        .asString()
        .contains("'nope\\u000d\\u000aINFO settled'")
        .doesNotContain("\n");
  }

  static long validBefore(PaymentPayload payment) {
    return ExactEvmPayload.fromMap(payment.payload())
        .authorization()
        .validBefore()
        .longValueExact();
  }

  /** A 402 declaring payment-identifier ({@code required} as given) for one offer. */
  static PaymentChallenge declaringPaymentId(Object declaration, PaymentRequirements offered) {
    io.x402j.core.wire.PaymentRequired required =
        new io.x402j.core.wire.PaymentRequired(
            "Payment required",
            io.x402j.core.wire.ResourceInfo.of("https://api.example/weather"),
            List.of(offered),
            Map.of("payment-identifier", declaration),
            Map.of());
    return new PaymentChallenge(
        URI.create("https://api.example/weather"),
        Map.of("PAYMENT-REQUIRED", List.of(HEADERS.encodePaymentRequired(required))),
        new byte[0]);
  }

  @Test
  void aDeclaredPaymentIdentifierGetsAFreshIdEchoedWithTheDeclaration() {
    PaymentRequirements offered = usdc(BASE_SEPOLIA, USDC_SEPOLIA, 10_000, SELLER);
    for (boolean required : new boolean[] {true, false}) {
      Map<String, Object> declaration =
          io.x402j.core.extensions.PaymentIdentifierExtension.declaration(required);
      PaymentAuthorization first = payer.authorize(declaringPaymentId(declaration, offered));
      PaymentAuthorization second = payer.authorize(declaringPaymentId(declaration, offered));

      PaymentPayload payload = HEADERS.decodePaymentSignature(first.headerValue());
      @SuppressWarnings("unchecked")
      Map<String, Object> echo =
          (Map<String, Object>) payload.extensions().get("payment-identifier");
      assertThat(echo.get("schema")).isEqualTo(declaration.get("schema"));
      assertThat(echo.get("info"))
          .isEqualTo(
              Map.of("required", required, "id", first.paymentIdentifier().orElseThrow().value()));
      assertThat(first.paymentIdentifier().orElseThrow().value()).matches("pay_[0-9a-f]{32}");
      assertThat(second.paymentIdentifier())
          .as("one id per payment")
          .isNotEqualTo(first.paymentIdentifier());
    }
  }

  @Test
  void noIdWithoutADeclarationOrForAMalformedOne() {
    PaymentRequirements offered = usdc(BASE_SEPOLIA, USDC_SEPOLIA, 10_000, SELLER);
    PaymentAuthorization plain = payer.authorize(challenge("https://api.example/weather", offered));
    assertThat(plain.paymentIdentifier()).isEmpty();
    assertThat(HEADERS.decodePaymentSignature(plain.headerValue()).extensions()).isNull();
    PaymentAuthorization malformed =
        payer.authorize(declaringPaymentId(Map.of("info", Map.of("required", "yes")), offered));
    assertThat(malformed.paymentIdentifier()).isEmpty();
  }
}
