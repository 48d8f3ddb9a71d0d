package io.x402j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.webflux.PaymentWebFilter;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;

/** A WebFlux application with the starter but without x402j-webflux does not start unpaid. */
class X402jReactiveMissingTest {
  final ReactiveWebApplicationContextRunner runner =
      new ReactiveWebApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  X402jReactiveAutoConfiguration.class,
                  X402jReactiveMissingAutoConfiguration.class));

  @Test
  void withoutTheModuleTheStartFailsNamingIt() {
    runner
        .withClassLoader(new FilteredClassLoader(PaymentWebFilter.class))
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("io.x402j:x402j-webflux is not on the class path"));
  }

  @Test
  void disabledItStartsWithoutPayments() {
    runner
        .withClassLoader(new FilteredClassLoader(PaymentWebFilter.class))
        .withPropertyValues("x402j.enabled=false")
        .run(context -> assertThat(context).hasNotFailed());
  }
}
