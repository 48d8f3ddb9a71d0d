package io.x402j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.server.PaymentGate;
import io.x402j.spring.shop.ShopApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.http.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.DispatcherServletAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/** Misconfiguration stops the application's start with a message naming the setting. */
class X402jAutoConfigurationTest {
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
  void aCompleteConfigurationGivesAGate() {
    runner
        .withPropertyValues(
            "x402j.facilitator-url=http://127.0.0.1:4022",
            "x402j.network=eip155:84532",
            "x402j.pay-to=0x857b06519E91e3A54538791bDbb0E22373e36b66")
        .run(context -> assertThat(context).hasSingleBean(PaymentGate.class));
  }

  @Test
  void aMissingRecipientNamesTheAnnotatedHandler() {
    runner
        .withPropertyValues(
            "x402j.facilitator-url=http://127.0.0.1:4022", "x402j.network=eip155:84532")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("@X402Price on")
                    .hasMessageContaining("x402j.pay-to"));
  }

  @Test
  void aMissingFacilitatorIsNamed() {
    runner
        .withPropertyValues(
            "x402j.network=eip155:84532", "x402j.pay-to=0x857b06519E91e3A54538791bDbb0E22373e36b66")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("x402j.facilitator-url"));
  }

  @Test
  void aBadConfiguredRouteIsNamed() {
    runner
        .withPropertyValues(
            "x402j.facilitator-url=http://127.0.0.1:4022",
            "x402j.network=eip155:84532",
            "x402j.pay-to=0x857b06519E91e3A54538791bDbb0E22373e36b66",
            "x402j.routes[0].pattern=GET /configured",
            "x402j.routes[0].price=cheap")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining("x402j.routes[0] (GET /configured): price 'cheap'"));
  }

  @Test
  void itCanBeSwitchedOff() {
    runner
        .withPropertyValues("x402j.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(PaymentGate.class));
  }
}
