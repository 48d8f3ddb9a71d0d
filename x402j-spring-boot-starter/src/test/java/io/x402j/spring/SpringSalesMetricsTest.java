package io.x402j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.sales.JdbcSalesRecord;
import io.x402j.sales.SalesMetrics;
import io.x402j.server.Sale;
import io.x402j.server.SaleState;
import io.x402j.server.SalesRecord;
import io.x402j.spring.shop.ShopApplication;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.http.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.DispatcherServletAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/** {@code x402j.sales.db} with a meter registry: the gate's record counts the seller metrics. */
class SpringSalesMetricsTest {
  @TempDir Path dir;

  @Test
  void theGatesRecordIsTheJdbcRecordCountedIntoTheMeterRegistry() {
    new WebApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                DispatcherServletAutoConfiguration.class,
                HttpMessageConvertersAutoConfiguration.class,
                WebMvcAutoConfiguration.class,
                X402jSalesAutoConfiguration.class,
                X402jAutoConfiguration.class))
        .withUserConfiguration(ShopApplication.Shop.class)
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withPropertyValues(
            "x402j.facilitator-url=http://127.0.0.1:1",
            "x402j.network=eip155:84532",
            "x402j.pay-to=0x857b06519E91e3A54538791bDbb0E22373e36b66",
            "x402j.sales.db=jdbc:sqlite:" + dir.resolve("sales.db"))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              SalesRecord gate = context.getBean(SalesRecord.class);
              JdbcSalesRecord jdbc = context.getBean(JdbcSalesRecord.class);
              assertThat(gate).isNotSameAs(jdbc);
              gate.record(
                  new Sale(
                      Instant.now(),
                      SaleState.SETTLED,
                      "GET",
                      "GET /weather",
                      "exact",
                      Network.evm(84532),
                      "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
                      TokenAmount.of(10_000),
                      "0x857b06519E91e3A54538791bDbb0E22373e36b66",
                      "0xP1",
                      "id-1",
                      "0xt",
                      null,
                      2));
              assertThat(jdbc.latest(10)).hasSize(1);
              // Prometheus x402j_seller_sales_total{state="settled"}.
              assertThat(
                      context
                          .getBean(MeterRegistry.class)
                          .get(SalesMetrics.SALES.replace('_', '.'))
                          .tag("state", "settled")
                          .counter()
                          .count())
                  .isEqualTo(1.0);
            });
  }
}
