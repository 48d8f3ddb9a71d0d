package io.x402j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.sales.JdbcSalesRecord;
import io.x402j.server.PaymentGate;
import io.x402j.server.SalesRecord;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;

/** {@code x402j.sales.db} in a WebFlux application: recorded there too, never silently ignored. */
class ReactiveSalesRecordTest {
  @TempDir Path dir;

  ReactiveWebApplicationContextRunner runner() {
    return new ReactiveWebApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                X402jSalesAutoConfiguration.class, X402jReactiveAutoConfiguration.class))
        .withPropertyValues(
            "x402j.facilitator-url=http://127.0.0.1:1",
            "x402j.network=eip155:84532",
            "x402j.pay-to=0x857b06519E91e3A54538791bDbb0E22373e36b66",
            "x402j.sales.db=jdbc:sqlite:" + dir.resolve("sales.db"));
  }

  @Test
  void theSalesDbOpensTheRecordTheReactiveGateIsGiven() {
    runner()
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(JdbcSalesRecord.class);
              assertThat(context.getBean(SalesRecord.class)).isNotNull();
              assertThat(context).hasSingleBean(PaymentGate.class);
            });
  }

  @Test
  void aDashboardOnAWebFluxPortIsRefusedNotIgnored() {
    runner()
        .withPropertyValues("x402j.dashboard.enabled=true", "x402j.dashboard.password=pw")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("x402j.dashboard.enabled is for Spring MVC"));
  }
}
