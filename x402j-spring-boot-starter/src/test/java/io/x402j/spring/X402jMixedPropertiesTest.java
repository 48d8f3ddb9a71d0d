package io.x402j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.Network;
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
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.http.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.DispatcherServletAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.mock.web.MockHttpServletRequest;

/**
 * {@code x402j.also-accept[i].*}: an {@code @X402Price} route (and a configured one) offers Base
 * Sepolia USDC and Solana devnet USDC in one 402; a mistake in an entry stops the start naming its
 * index and key.
 */
class X402jMixedPropertiesTest {
  static final String DEVNET = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1";
  static final String MINT = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU";
  static final String SOL_SELLER = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";
  static final String EVM_SELLER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";
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

  /** A GET of {@code path} as the servlet filter hands it over: backed by a servlet request. */
  static GateRequest get(String path) {
    MockHttpServletRequest servlet = new MockHttpServletRequest("GET", path);
    servlet.setServletPath(path);
    return new GateRequest() {
      @Override
      public String method() {
        return "GET";
      }

      @Override
      public String path() {
        return path;
      }

      @Override
      public String url() {
        return "http://localhost" + path;
      }

      @Override
      public Optional<String> header(String name) {
        return Optional.ofNullable(servlet.getHeader(name));
      }

      @Override
      public <T> Optional<T> unwrap(Class<T> type) {
        return type.isInstance(servlet) ? Optional.of(type.cast(servlet)) : Optional.empty();
      }
    };
  }

  static List<PaymentRequirements> offers(PaymentGate gate, String path) {
    GateDecision decision = gate.check(get(path)).join();
    assertThat(decision).isInstanceOf(GateDecision.Respond.class);
    var response = ((GateDecision.Respond) decision).response();
    assertThat(response.status()).isEqualTo(402);
    PaymentRequired required =
        HeaderCodec.standard().decodePaymentRequired(response.headers().get("PAYMENT-REQUIRED"));
    return required.accepts();
  }

  @Test
  void anAnnotatedRouteOffersEveryConfiguredNetwork() {
    try (ScriptedFacilitator facilitator = ScriptedFacilitator.start()) {
      SupportedResponse supported =
          new SupportedResponse(
              List.of(
                  SupportedKind.of(2, "exact", "eip155:84532"),
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
              "x402j.network=eip155:84532",
              "x402j.pay-to=" + EVM_SELLER,
              "x402j.also-accept[0].network=" + DEVNET,
              "x402j.also-accept[0].asset=" + MINT,
              "x402j.also-accept[0].pay-to=" + SOL_SELLER,
              "x402j.routes[0].pattern=GET /paid",
              "x402j.routes[0].price=$0.02")
          .run(
              context -> {
                PaymentGate gate = context.getBean(PaymentGate.class);
                List<PaymentRequirements> weather = offers(gate, "/weather");
                assertThat(weather)
                    .extracting(PaymentRequirements::network)
                    .containsExactly(Network.evm(84532), Network.parse(DEVNET));
                assertThat(weather.get(0).payTo()).isEqualTo(EVM_SELLER);
                assertThat(weather.get(0).amount().toString()).isEqualTo("10000");
                PaymentRequirements solana = weather.get(1);
                assertThat(solana.asset()).isEqualTo(MINT);
                assertThat(solana.payTo()).isEqualTo(SOL_SELLER);
                assertThat(solana.amount().toString()).isEqualTo("10000");
                assertThat(solana.extra()).isEqualTo(Map.of("feePayer", FEE_PAYER));
                assertThat(offers(gate, "/paid"))
                    .extracting(r -> r.network() + " " + r.amount())
                    .containsExactly("eip155:84532 20000", DEVNET + " 20000");
              });
    }
  }

  @Test
  void aMistakeInAnEntryStopsTheStartNamingIndexAndKey() {
    runner
        .withPropertyValues(
            "x402j.facilitator-url=http://127.0.0.1:4022",
            "x402j.network=eip155:84532",
            "x402j.pay-to=" + EVM_SELLER,
            "x402j.also-accept[0].network=" + DEVNET,
            "x402j.also-accept[0].pay-to=" + EVM_SELLER)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining(
                        "x402j.also-accept[0].pay-to must be a base58 Solana address"));
    runner
        .withPropertyValues(
            "x402j.facilitator-url=http://127.0.0.1:4022",
            "x402j.network=eip155:84532",
            "x402j.pay-to=" + EVM_SELLER,
            "x402j.also-accept[0].network=" + DEVNET,
            "x402j.also-accept[0].pay-to=" + SOL_SELLER,
            "x402j.also-accept[0].asset=" + MINT,
            "x402j.also-accept[0].asset-name=USDC")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining(
                        "x402j.also-accept[0].asset-name and x402j.also-accept[0].asset-version are EVM"));
    runner
        .withPropertyValues(
            "x402j.facilitator-url=http://127.0.0.1:4022",
            "x402j.network=eip155:84532",
            "x402j.pay-to=" + EVM_SELLER,
            "x402j.also-accept[0].pay-to=" + SOL_SELLER)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining("x402j.also-accept[0].network is not set"));
    runner
        .withPropertyValues(
            "x402j.facilitator-url=http://127.0.0.1:4022",
            "x402j.network=eip155:84532",
            "x402j.pay-to=" + EVM_SELLER,
            "x402j.also-accept[0].network=base-sepolia",
            "x402j.also-accept[0].pay-to=" + EVM_SELLER)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining(
                        "x402j.also-accept[0].network: eip155:84532 is already offered"));
  }

  @Test
  void anAtomicPriceWithTokensOfDifferentDecimalsStopsTheStart() {
    runner
        .withPropertyValues(
            "x402j.facilitator-url=http://127.0.0.1:4022",
            "x402j.network=eip155:84532",
            "x402j.pay-to=" + EVM_SELLER,
            "x402j.also-accept[0].network=" + DEVNET,
            "x402j.also-accept[0].pay-to=" + SOL_SELLER,
            "x402j.also-accept[0].asset=So11111111111111111111111111111111111111112",
            "x402j.also-accept[0].asset-decimals=9",
            "x402j.routes[0].pattern=GET /paid",
            "x402j.routes[0].price=1000")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining("x402j.routes[0]")
                    .hasStackTraceContaining("different decimals"));
  }
}
