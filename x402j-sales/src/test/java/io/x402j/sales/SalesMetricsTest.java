package io.x402j.sales;

import static io.x402j.sales.Sales.sale;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.x402j.server.SaleState;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SalesMetricsTest {
  static final Instant T = Instant.parse("2030-01-01T00:00:00Z");

  @Test
  void revenueIsCountedPerRouteNetworkAndAssetAndSalesPerState() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    SalesMetrics metrics = SalesMetrics.only(registry);

    metrics.record(sale(T, SaleState.ADMITTED, "GET /a", 10_000, "0xP", "1", null));
    metrics.record(sale(T, SaleState.SETTLED, "GET /a", 10_000, "0xP", "1", "0xt"));
    metrics.record(sale(T, SaleState.SETTLED, "GET /a", 2_500, "0xP", "2", "0xt"));
    metrics.record(sale(T, SaleState.REFUSED, "GET /a", 2_500, "0xP", "3", null));

    String scrape = registry.scrape();
    assertThat(scrape)
        .contains(
            "x402j_seller_revenue_atomic_total{asset=\""
                + Sales.USDC
                + "\",network=\"eip155:84532\",route=\"GET /a\"} 12500.0")
        .contains("x402j_seller_sales_total{state=\"settled\"} 2.0")
        .contains("x402j_seller_sales_total{state=\"refused\"} 1.0")
        .contains("x402j_seller_sales_total{state=\"pending\"} 0.0")
        .contains("x402j_seller_sales_record_failures_total 0.0");
  }

  @Test
  void aFailingRecordIsCountedAndItsFailurePassedOn() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    SalesMetrics metrics =
        SalesMetrics.wrapping(
            s -> {
              throw new IllegalStateException("down");
            },
            registry);

    assertThatThrownBy(
            () -> metrics.record(sale(T, SaleState.SETTLED, "GET /a", 1, "0xP", "1", "0xt")))
        .hasMessage("down");
    assertThat(registry.scrape()).contains("x402j_seller_sales_record_failures_total 1.0");
  }

  @Test
  void unverifiedRefusalsAreCountedApartAndDroppedEventsAsFailuresWithTheirRevenue() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    java.util.List<io.x402j.server.SalesRecord.Unrecorded> passedOn = new java.util.ArrayList<>();
    SalesMetrics metrics =
        SalesMetrics.wrapping(
            new io.x402j.server.SalesRecord() {
              @Override
              public void record(io.x402j.server.Sale sale) {}

              @Override
              public void unrecorded(
                  io.x402j.server.Sale sale, io.x402j.server.SalesRecord.Unrecorded why) {
                passedOn.add(why);
              }
            },
            registry);

    for (int i = 0; i < 3; i++) {
      metrics.unrecorded(
          sale(T, SaleState.REFUSED, "GET /a", 1, "0xP", null, null),
          io.x402j.server.SalesRecord.Unrecorded.UNVERIFIED);
    }
    metrics.unrecorded(
        sale(T, SaleState.SETTLED, "GET /a", 7, "0xP", "1", "0xt"),
        io.x402j.server.SalesRecord.Unrecorded.BACKING_OFF);

    assertThat(registry.scrape())
        .contains("x402j_seller_unverified_refusals_total 3.0")
        .contains("x402j_seller_sales_total{state=\"refused\"} 0.0")
        .contains("x402j_seller_sales_total{state=\"settled\"} 1.0")
        .contains("route=\"GET /a\"} 7.0")
        .contains("x402j_seller_sales_record_failures_total 1.0");
    assertThat(passedOn).hasSize(4);
  }
}
