package io.x402j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.facilitator.FacilitatorOperation;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SupportedKind;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.server.GateDecision;
import io.x402j.server.GateRequest;
import io.x402j.server.PaymentGate;
import io.x402j.spring.shop.ShopApplication;
import io.x402j.testkit.ScriptedAnswer;
import io.x402j.testkit.ScriptedFacilitator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.http.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.DispatcherServletAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/**
 * A Spring application selling on Solana with {@code x402j.network}, {@code x402j.asset} (a mint)
 * and {@code x402j.pay-to} (a base58 owner) only; mistakes stop the start naming the setting.
 */
class X402jSolanaPropertiesTest {
  static final String DEVNET = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1";
  static final String MINT = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU";
  static final String SELLER = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";
  static final String FEE_PAYER = "2wmVCSfPxGPjrnMMn7rchp4uaeoTqN39mXFC2zhPdri9";

  final WebApplicationContextRunner runner =
      new WebApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  DispatcherServletAutoConfiguration.class,
                  HttpMessageConvertersAutoConfiguration.class,
                  WebMvcAutoConfiguration.class,
                  X402jAutoConfiguration.class))
          .withUserConfiguration(ShopApplication.Shop.class);

  @Test
  void aSolanaNetworkWithAMintAndABase58OwnerSells() {
    try (ScriptedFacilitator facilitator = ScriptedFacilitator.start()) {
      SupportedResponse supported =
          new SupportedResponse(
              List.of(
                  new SupportedKind(2, "exact", DEVNET, Map.of("feePayer", FEE_PAYER), Map.of())),
              List.of(),
              Map.of(),
              Map.of());
      ScriptedFacilitator.Dispatcher accepting = ScriptedFacilitator.Dispatcher.accepting();
      facilitator.dispatcher(
          r ->
              r.operation() == FacilitatorOperation.SUPPORTED
                  ? ScriptedAnswer.supported(supported)
                  : accepting.dispatch(r));
      runner
          .withPropertyValues(
              "x402j.facilitator-url=" + facilitator.url(),
              "x402j.network=" + DEVNET,
              "x402j.asset=" + MINT,
              "x402j.pay-to=" + SELLER,
              "x402j.routes[0].pattern=GET /paid",
              "x402j.routes[0].price=$0.01")
          .run(
              context -> {
                PaymentGate gate = context.getBean(PaymentGate.class);
                GateDecision decision =
                    gate.check(GateRequest.of("GET", "/paid", "http://localhost/paid", Map.of()))
                        .join();
                assertThat(decision).isInstanceOf(GateDecision.Respond.class);
                var response = ((GateDecision.Respond) decision).response();
                assertThat(response.status()).isEqualTo(402);
                PaymentRequired required =
                    HeaderCodec.standard()
                        .decodePaymentRequired(response.headers().get("PAYMENT-REQUIRED"));
                PaymentRequirements offer = required.accepts().get(0);
                assertThat(offer.asset()).isEqualTo(MINT);
                assertThat(offer.payTo()).isEqualTo(SELLER);
                assertThat(offer.amount().toString()).isEqualTo("10000");
                assertThat(offer.extra()).isEqualTo(Map.of("feePayer", FEE_PAYER));
              });
    }
  }

  @Test
  void aBase58TypoInThePayToStopsTheStartNamingIt() {
    String typo = SELLER.replace('x', '0');
    runner
        .withPropertyValues(
            "x402j.facilitator-url=http://127.0.0.1:4022",
            "x402j.network=" + DEVNET,
            "x402j.pay-to=" + typo)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining("x402j.pay-to must be a base58 Solana address")
                    .hasStackTraceContaining("'" + typo + "'"));
  }

  @Test
  void aSolanaMintIsABase58AddressWithoutAnEip712Domain() {
    runner
        .withPropertyValues(
            "x402j.facilitator-url=http://127.0.0.1:4022",
            "x402j.network=" + DEVNET,
            "x402j.asset=" + MINT.replace('z', '0'),
            "x402j.pay-to=" + SELLER)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining("x402j.asset must be a base58 mint"));
    runner
        .withPropertyValues(
            "x402j.facilitator-url=http://127.0.0.1:4022",
            "x402j.network=" + DEVNET,
            "x402j.asset=" + MINT,
            "x402j.asset-name=USDC",
            "x402j.pay-to=" + SELLER)
        .run(
            context ->
                assertThat(context).getFailure().hasStackTraceContaining("a Solana mint has none"));
  }
}
