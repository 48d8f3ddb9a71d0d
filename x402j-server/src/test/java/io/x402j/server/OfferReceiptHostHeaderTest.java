package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.Network;
import io.x402j.core.extensions.offerreceipt.Ed25519Jws;
import io.x402j.core.extensions.offerreceipt.Jws;
import io.x402j.core.extensions.offerreceipt.OfferReceipt;
import io.x402j.core.extensions.offerreceipt.OfferReceiptSigner;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.SupportedKind;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.testkit.ScriptedAnswer;
import io.x402j.testkit.ScriptedFacilitator;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attack: the seller's offer-receipt key signs whatever URL the request's {@code Host} header makes
 * up. The servlet adapter builds {@link GateRequest#url()} from {@code getRequestURL()}, i.e. from
 * the caller's Host; the seller then hands out its own signature over {@code
 * https://victim.example/...}, a site it does not run (a signing oracle for its key).
 */
class OfferReceiptHostHeaderTest {
  static final Network NET = Network.evm(84532);
  static final String SELLER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";

  ScriptedFacilitator facilitator;

  @BeforeEach
  void start() {
    facilitator = ScriptedFacilitator.start();
    facilitator.dispatcher(
        request ->
            ScriptedAnswer.supported(
                new SupportedResponse(
                    List.of(SupportedKind.of(2, "exact", NET.toString())),
                    List.of(),
                    Map.of(),
                    Map.of())));
  }

  @AfterEach
  void stop() {
    facilitator.close();
  }

  @Test
  void aSignedOfferNeverNamesAHostTheCallerMadeUp() {
    Jws.Signer key = Ed25519Jws.generate();
    PaymentGate gate =
        PaymentGate.builder()
            .facilitator(HttpFacilitatorClient.builder(facilitator.url()).build())
            .routes(
                RouteTable.builder()
                    .route("GET /weather", PaidRoute.of("$0.01", NET, SELLER))
                    .build())
            .extension(
                OfferReceiptExtension.of(OfferReceiptSigner.jws(key), "https://shop.example"))
            .build();

    // What a servlet container reports for "GET /weather" with "Host: victim.example".
    GateRequest spoofed =
        GateRequest.of(
            "GET",
            "/weather",
            "https://victim.example/weather",
            Map.of("Host", List.of("victim.example")));
    GateResponse r = ((GateDecision.Respond) gate.check(spoofed).join()).response();
    assertThat(r.status()).isEqualTo(402);
    PaymentRequired required =
        HeaderCodec.standard().decodePaymentRequired(r.header("PAYMENT-REQUIRED"));
    List<Map<String, Object>> offers = OfferReceipt.offers(required.extensions());
    assertThat(offers).isNotEmpty();
    String jws = (String) offers.get(0).get("signature");
    String payload =
        new String(Base64.getUrlDecoder().decode(jws.split("\\.")[1]), StandardCharsets.UTF_8);
    assertThat(payload)
        .as("the seller's key signed an offer for a host taken from the request")
        .doesNotContain("victim.example")
        .contains("\"resourceUrl\":\"https://shop.example/weather\"");
  }

  @Test
  void anExtensionWithoutAnOriginIsRefusedAtBuild() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                OfferReceiptExtension.builder(OfferReceiptSigner.jws(Ed25519Jws.generate()))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("origin");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                OfferReceiptExtension.builder(OfferReceiptSigner.jws(Ed25519Jws.generate()))
                    .origin("https://shop.example/path"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no path");
  }
}
