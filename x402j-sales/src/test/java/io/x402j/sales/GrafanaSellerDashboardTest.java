package io.x402j.sales;

import static io.x402j.sales.Sales.sale;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.x402j.server.SaleState;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/grafana/seller.json asks only for metrics the seller's metrics really export. */
class GrafanaSellerDashboardTest {
  @Test
  void everyMetricTheDashboardQueriesIsExported() throws Exception {
    JsonNode dashboard =
        new ObjectMapper().readTree(Path.of("..", "docs", "grafana", "seller.json").toFile());
    List<String> queries = new ArrayList<>();
    dashboard
        .path("panels")
        .forEach(p -> p.path("targets").forEach(t -> queries.add(t.path("expr").asText())));
    dashboard
        .path("templating")
        .path("list")
        .forEach(v -> queries.add(v.path("query").path("query").asText()));
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("\\bx402j_[a-z0-9_]+\\b").matcher(String.join("\n", queries));
    while (m.find()) {
      names.add(m.group());
    }
    assertThat(names)
        .containsExactlyInAnyOrder(
            "x402j_seller_revenue_atomic_total",
            "x402j_seller_sales_total",
            "x402j_seller_sales_record_failures_total");

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    SalesMetrics metrics = SalesMetrics.only(registry);
    metrics.record(sale(Instant.EPOCH, SaleState.SETTLED, "GET /a", 1, "0xP", "1", "0xt"));
    String scrape = registry.scrape();
    for (String name : names) {
      assertThat(scrape).as(name).containsPattern("(?m)^" + name + "[{ ]");
    }
    // The labels the panels group by exist.
    assertThat(scrape)
        .contains("route=\"GET /a\"")
        .contains("network=\"eip155:84532\"")
        .contains("state=\"settled\"");
  }
}
