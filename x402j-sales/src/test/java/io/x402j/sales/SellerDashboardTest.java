package io.x402j.sales;

import static io.x402j.sales.Sales.sale;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.jetty.AdminRequest;
import io.x402j.jetty.AdminResponse;
import io.x402j.server.Sale;
import io.x402j.server.SaleState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SellerDashboardTest {
  static final Instant NOW = Instant.parse("2030-01-10T12:30:00Z");
  static final String TX = "0x" + "ab".repeat(32);

  @TempDir Path temp;
  JdbcSalesRecord record;
  SellerDashboard dashboard;

  @BeforeEach
  void open() {
    record = JdbcSalesRecord.open("jdbc:sqlite:" + temp.resolve("sales.db"));
    dashboard = SellerDashboard.builder(record).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
  }

  @AfterEach
  void close() {
    record.close();
  }

  static String body(AdminResponse r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  AdminResponse get(String path, Map<String, List<String>> query) {
    return dashboard.handle(new AdminRequest(path, query));
  }

  @Test
  void thePageShowsRoutesTotalsStatesAndExplorerLinksEscaped() throws Exception {
    record.record(
        sale(NOW.minusSeconds(60), SaleState.SETTLED, "GET /weather", 10_000, "0xP1", "a", TX));
    record.record(
        sale(NOW.minusSeconds(50), SaleState.SETTLED, "GET /weather", 10_000, "0xP2", "b", TX));
    record.record(
        sale(
            NOW.minus(java.time.Duration.ofDays(3)),
            SaleState.SETTLED,
            "GET /<b>x</b>",
            5_000,
            "0xP1",
            "c",
            TX));
    record.record(
        sale(NOW.minusSeconds(10), SaleState.REFUSED, "GET /weather", 10_000, "0xP3", "d", null));
    // A local devnet has no explorer: no link.
    record.record(
        new Sale(
            NOW.minusSeconds(5),
            SaleState.SETTLED,
            "GET",
            "GET /local",
            "exact",
            Network.evm(31337),
            Sales.USDC,
            TokenAmount.of(1),
            Sales.SELLER,
            "0xP4",
            "e",
            TX,
            null,
            2));

    String page = body(get("/", Map.of()));
    assertThat(page).contains("GET /weather").contains("0.02 USDC").contains("0.025 USDC");
    assertThat(page).contains("GET /&lt;b&gt;x&lt;/b&gt;").doesNotContain("<b>x</b>");
    assertThat(page).contains("href=\"https://sepolia.basescan.org/tx/" + TX + "\"");
    // Three Base Sepolia sales link out; the devnet sale (same hash) does not.
    assertThat(page.split("basescan", -1)).hasSize(4);
    assertThat(page).contains("data-src=\"/api/summary\"");
    assertThat(page).contains("refused");

    JsonNode summary = new ObjectMapper().readTree(body(get("/api/summary", Map.of())));
    assertThat(summary.at("/states/settled").asLong()).isEqualTo(4);
    assertThat(summary.at("/states/refused").asLong()).isEqualTo(1);
    JsonNode usdc = null;
    for (JsonNode t : summary.get("totals")) {
      if (t.get("network").asText().equals("eip155:84532")) {
        usdc = t;
      }
    }
    assertThat(usdc).isNotNull();
    assertThat(usdc.get("today").asText()).isEqualTo("0.02 USDC");
    assertThat(usdc.get("week").asText()).isEqualTo("0.025 USDC");
    assertThat(usdc.get("monthAtomic").asText()).isEqualTo("25000");
    assertThat(summary.at("/byRoute/series/0/label").asText()).isNotBlank();
    assertThat(summary.at("/byRoute/t").size()).isEqualTo(168);
    assertThat(summary.at("/latest/0/route").asText()).isEqualTo("GET /local");
    assertThat(summary.at("/latest/0/txUrl").isNull()).isTrue();
    assertThat(summary.at("/balances/0/balance").asText()).isEqualTo("no RPC configured");
  }

  @Test
  void theCsvExportDefusesFormulasAndQuotes() {
    record.record(
        sale(
            NOW.minusSeconds(60),
            SaleState.SETTLED,
            "=HYPERLINK(\"http://x\",\"y\")",
            1,
            "+0xP1",
            "a",
            TX));
    record.record(sale(NOW.minusSeconds(50), SaleState.SETTLED, "@SUM(A1)", 1, "-1", "b", TX));

    AdminResponse csv = get("/sales.csv", Map.of("days", List.of("7")));

    assertThat(csv.contentType()).startsWith("text/csv");
    String text = body(csv);
    assertThat(text).startsWith("at,state,method,route,");
    assertThat(text).contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",");
    assertThat(text).contains(",'+0xP1,").contains(",'@SUM(A1),").contains(",'-1,");
    assertThat(text.lines().filter(l -> l.contains("=") || l.contains("@")))
        .allSatisfy(l -> assertThat(l).doesNotContain(",=").doesNotContain(",@"));
  }

  @Test
  void badParametersAreNamedAndUnderAPrefixEverythingMovesBelowIt() {
    assertThatThrownBy(() -> get("/sales.csv", Map.of("days", List.of("0"))))
        .isInstanceOf(AdminRequest.BadParameter.class)
        .hasMessageContaining("days");
    assertThatThrownBy(() -> get("/api/sales", Map.of("limit", List.of("x"))))
        .isInstanceOf(AdminRequest.BadParameter.class);

    SellerDashboard prefixed = SellerDashboard.builder(record).base("/x402j/dashboard/").build();
    String page = body(prefixed.handle(new AdminRequest("/", Map.of())));
    assertThat(page)
        .contains("href=\"/x402j/dashboard/assets/x402j.css\"")
        .contains("src=\"/x402j/dashboard/assets/x402j.js\"")
        .contains("data-src=\"/x402j/dashboard/api/summary\"")
        .doesNotContain("\"/assets/");
    assertThatThrownBy(() -> SellerDashboard.builder(record).base("javascript:x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aCsvExportOfMoreEventsThanTheLimitIsRefusedNamingDaysAndTheCount() {
    SellerDashboard capped =
        SellerDashboard.builder(record)
            .clock(Clock.fixed(NOW, ZoneOffset.UTC))
            .exportLimit(1_000)
            .build();
    // Unpaid junk: every refused payment is a row, however many an attacker sends.
    for (int i = 0; i < 1_000; i++) {
      record.record(
          sale(NOW.minusSeconds(i + 1), SaleState.REFUSED, "GET /a", 1, "0xJ", "j" + i, null));
    }
    AdminResponse full = capped.handle(new AdminRequest("/sales.csv", Map.of()));
    assertThat(body(full).lines()).hasSize(1 + 1_000);

    record.record(
        sale(NOW.minusSeconds(2 * 86_400), SaleState.REFUSED, "GET /a", 1, "0xJ", "x", null));
    assertThatThrownBy(
            () -> capped.handle(new AdminRequest("/sales.csv", Map.of("days", List.of("366")))))
        .isInstanceOf(AdminRequest.BadParameter.class)
        .hasMessageContaining("days")
        .hasMessageContaining("1001 events")
        .hasMessageContaining("1000");
    // A shorter range that fits is still served.
    assertThat(body(capped.handle(new AdminRequest("/sales.csv", Map.of("days", List.of("1"))))))
        .startsWith("at,state,");
    assertThatThrownBy(() -> SellerDashboard.builder(record).exportLimit(0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
