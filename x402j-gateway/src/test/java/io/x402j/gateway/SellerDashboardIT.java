package io.x402j.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.x402j.config.ConfigSection;
import io.x402j.jetty.AdminAssets;
import io.x402j.testkit.RawHttp;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seller dashboard end to end: a gateway configured from YAML with a sales record (SQLite) and
 * an admin listener, real payments on the devnet through the x402j facilitator over HTTP, then
 * headless Chromium loads the dashboard and what a person sees is checked; a screenshot goes to
 * {@code target/seller-dashboard.png}. Chromium: {@code /usr/bin/chromium} or {@code
 * X402J_CHROMIUM}; with {@code X402J_REQUIRE_BROWSER} a missing browser fails the test.
 */
class SellerDashboardIT {
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final String UPSTREAM_BODY = "{\"weather\":\"sunny\"}";

  @TempDir static Path temp;
  static TestMarket market;
  static HttpServer upstream;
  static SellerConsole.Running running;
  static String admin;
  static BigInteger sellerBefore;
  static LocalDate paidOn;

  static String yaml(String extraAdmin) {
    return String.join(
        "\n",
        "upstream: http://127.0.0.1:" + upstream.getAddress().getPort(),
        "facilitator:",
        "  url: " + market.facilitatorUrl(),
        "network: " + market.network(),
        "v1Name: x402j-devnet",
        "payTo: " + market.seller(),
        "asset:",
        "  address: " + market.info().token(),
        "  name: " + market.info().tokenName(),
        "  version: \"" + market.info().tokenVersion() + "\"",
        "  decimals: 6",
        "  symbol: TUSD",
        "port: 0",
        "routes:",
        "  - route: GET /weather",
        "    price: $0.01",
        "  - route: GET /forecast",
        "    price: $0.02",
        "sales:",
        "  db: jdbc:sqlite:" + temp.resolve("sales.db"),
        "admin:",
        "  port: 0",
        extraAdmin,
        "");
  }

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.start();
    upstream = DevnetSellers.upstream(UPSTREAM_BODY, Map.of());
    String text =
        yaml(
            "  rpc:\n    - network: "
                + market.network()
                + "\n      url: "
                + market.info().rpcUrl());
    ConfigSection root = ConfigSection.parse(text, "test.yaml", Map.of());
    running = SellerConsole.read(root).start(GatewayConfig.read(root), Map.of());
    admin = running.adminUrl().orElseThrow();
    sellerBefore = market.sellerBalance();
    paidOn = LocalDate.now(ZoneOffset.UTC);
    // Real payments: two of /weather, one of /forecast, then a replay that is refused.
    String again = null;
    for (String path : List.of("/weather", "/weather", "/forecast")) {
      again = pay(path);
    }
    HttpResponse<String> replay = get(running.gateway().url() + "/forecast", again);
    assertThat(replay.statusCode()).isEqualTo(402);
  }

  @AfterAll
  static void stop() {
    if (running != null) {
      running.close();
    }
    DevnetSellers.close(null, upstream, market);
  }

  static HttpResponse<String> get(String url, String payment) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (payment != null) {
      b.header("PAYMENT-SIGNATURE", payment);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Pays for {@code path}; returns the payment used. */
  static String pay(String path) throws Exception {
    String url = running.gateway().url() + path;
    HttpResponse<String> unpaid = get(url, null);
    assertThat(unpaid.statusCode()).isEqualTo(402);
    String payment = market.payV2(unpaid.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
    HttpResponse<String> paid = get(url, payment);
    assertThat(paid.statusCode()).as(paid.body()).isEqualTo(200);
    return payment;
  }

  @Test
  void theSalesWereRecordedAndTheJsonTotalsMatchTheChain() throws Exception {
    assertThat(market.sellerBalance().subtract(sellerBefore)).isEqualTo(BigInteger.valueOf(40_000));
    JsonNode summary = new ObjectMapper().readTree(get(admin + "/api/summary", null).body());
    JsonNode total = summary.get("totals").get(0);
    assertThat(total.get("token").asText()).isEqualTo("TUSD");
    assertThat(total.get("weekAtomic").asText()).isEqualTo("40000");
    assertThat(total.get("week").asText()).isEqualTo("0.04 TUSD");
    // "Today" is the UTC day: a run that crosses midnight between the first payment and this read
    // sold some of it yesterday, so the day's total is only checked when no midnight came between.
    if (paidOn.equals(LocalDate.now(ZoneOffset.UTC))) {
      assertThat(total.get("todayAtomic").asText()).isEqualTo("40000");
      assertThat(total.get("today").asText()).isEqualTo("0.04 TUSD");
    }
    assertThat(summary.at("/states/settled").asLong()).isEqualTo(3);
    // Admitted is written by the gate's background writer: it may land a moment after settled,
    // and the summary is reused for one poll interval (AdminSnapshot.POLL) after it was computed.
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        new ObjectMapper()
                            .readTree(get(admin + "/api/summary", null).body())
                            .at("/states/admitted")
                            .asLong())
                    .isEqualTo(3));
    // The replay was refused unverified: counted in the metrics, never a row.
    assertThat(summary.at("/states/refused").asLong()).isEqualTo(0);
    // The replay was refused, but the payment it replayed stays settled.
    assertThat(summary.get("latest")).hasSize(3);
    assertThat(summary.get("latest").get(0).get("route").asText()).isEqualTo("GET /forecast");
    assertThat(summary.get("latest").get(0).get("state").asText()).isEqualTo("settled");
    // The devnet has no explorer: transactions are shown, never linked.
    assertThat(summary.get("latest").get(1).get("tx").asText()).matches("0x[0-9a-f]{64}");
    assertThat(summary.get("latest").get(1).get("txUrl").isNull()).isTrue();
    // The payTo balance, read with balanceOf from the devnet.
    JsonNode balance = summary.get("balances").get(0);
    assertThat(balance.get("payTo").asText()).isEqualToIgnoringCase(market.seller().toString());
    assertThat(balance.get("balance").asText())
        .isEqualTo(
            new java.math.BigDecimal(market.sellerBalance())
                    .movePointLeft(6)
                    .stripTrailingZeros()
                    .toPlainString()
                + " TUSD");

    String metrics = get(admin + "/metrics", null).body();
    assertThat(metrics)
        .contains("x402j_seller_sales_total{state=\"settled\"} 3.0")
        .containsPattern(
            "x402j_seller_revenue_atomic_total\\{[^}]*route=\"GET /weather\"[^}]*\\} 20000\\.0");

    HttpResponse<String> csv = get(admin + "/sales.csv?days=1", null);
    assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
    assertThat(csv.body().lines().filter(l -> l.contains(",settled,"))).hasSize(3);
    assertThat(csv.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(csv.headers().firstValue("Content-Security-Policy")).isPresent();
  }

  @Test
  void theAdminListenerSendsTheSharedHeadersAndAssetsByteForByte() throws Exception {
    for (String path : List.of("/", "/api/summary", "/sales.csv?days=0", "/nothing")) {
      HttpResponse<String> answer = get(admin + path, null);
      AdminAssets.SECURITY_HEADERS.forEach(
          (name, value) ->
              assertThat(answer.headers().allValues(name))
                  .as(path + " " + name)
                  .containsExactly(value));
    }
    for (String name : List.of("x402j.css", "x402j.js", "uPlot.iife.min.js", "uPlot.min.css")) {
      HttpResponse<byte[]> asset =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(admin + AdminAssets.PATH + name)).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(asset.statusCode()).as(name).isEqualTo(200);
      assertThat(asset.body()).as(name).isEqualTo(AdminAssets.asset(name).orElseThrow().body());
      AdminAssets.SECURITY_HEADERS.forEach(
          (header, value) ->
              assertThat(asset.headers().allValues(header)).as(name).containsExactly(value));
    }
  }

  @Test
  void nothingOfTheDashboardIsOnThePublicPort() throws Exception {
    RawHttp raw = new RawHttp("127.0.0.1", running.gateway().port());
    for (String path : List.of("/", "/api/summary", "/sales.csv", "/metrics", "/assets/x402j.js")) {
      String answer =
          raw.exchangeWhole(
              ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      // Unpriced paths go to the upstream, which knows nothing of sales.
      assertThat(answer)
          .as(path)
          .contains(UPSTREAM_BODY)
          .doesNotContain("x402j seller")
          .doesNotContain("x402j_seller")
          .doesNotContain("totals");
    }
  }

  @Test
  void beyondLoopbackTheAdminListenerNeedsItsPassword() throws Exception {
    // The refusal needs no network interface: any address but loopback, the wildcard included.
    for (String host : new String[] {"0.0.0.0", nonLoopbackAddress().orElse("0.0.0.0")}) {
      ConfigSection noPassword =
          ConfigSection.parse(yaml("  host: " + host), "nopw.yaml", Map.of());
      assertThatThrownBy(
              () -> SellerConsole.read(noPassword).start(GatewayConfig.read(noPassword), Map.of()))
          .as(host)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("--admin-password-env");
    }
    String other = nonLoopbackAddress().orElse(null);
    Assumptions.assumeTrue(other != null, "this machine has no non-loopback IPv4 address");

    ConfigSection withPassword =
        ConfigSection.parse(
            yaml("  host: " + other + "\n  passwordEnv: SELLER_ADMIN_PW"), "pw.yaml", Map.of());
    try (SellerConsole.Running open =
        SellerConsole.read(withPassword)
            .start(
                GatewayConfig.read(withPassword), Map.of("SELLER_ADMIN_PW", "s3cret-passphrase"))) {
      String url = open.adminUrl().orElseThrow();
      assertThat(url).contains(other);
      HttpResponse<String> refused = get(url + "/api/summary", null);
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.body()).doesNotContain("totals");
      HttpResponse<String> wrong =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url + "/api/summary"))
                  .header("Authorization", basic("wrong"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(wrong.statusCode()).isEqualTo(401);
      HttpResponse<String> allowed =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url + "/api/summary"))
                  .header("Authorization", basic("s3cret-passphrase"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(allowed.statusCode()).isEqualTo(200);
      assertThat(allowed.body()).contains("\"totals\"");
    }
  }

  static String basic(String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
  }

  static Optional<String> nonLoopbackAddress() throws Exception {
    for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!n.isUp() || n.isLoopback()) {
        continue;
      }
      for (InetAddress a : Collections.list(n.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
          return Optional.of(a.getHostAddress());
        }
      }
    }
    return Optional.empty();
  }

  @Test
  void chromiumShowsRoutesTotalsAndStatesAndTakesAScreenshot() throws Exception {
    String configured = System.getenv("X402J_CHROMIUM");
    String chromium =
        configured != null && !configured.isBlank() ? configured : "/usr/bin/chromium";
    boolean present = Files.isExecutable(Path.of(chromium));
    if (!present && System.getenv("X402J_REQUIRE_BROWSER") != null) {
      throw new AssertionError("Chromium is required but " + chromium + " is missing");
    }
    Assumptions.assumeTrue(present, "Chromium not found at " + chromium);

    String dom = chromium(chromium, "--dump-dom", admin + "/");
    assertThat(dom).contains("GET /weather").contains("GET /forecast");
    assertThat(dom).contains("0.04 TUSD").contains("refused");
    assertThat(dom).contains("settled");
    // The live update ran in the browser: the script fetched /api/summary and marked the section.
    assertThat(dom).contains("data-loaded=\"true\"");
    assertThat(dom).contains("updated ");
    // The chart library drew the revenue charts.
    assertThat(dom).contains("uplot");

    Path png = Path.of("target", "seller-dashboard.png").toAbsolutePath();
    Files.createDirectories(png.getParent());
    Files.deleteIfExists(png);
    chromium(chromium, "--screenshot=" + png, admin + "/");
    assertThat(png).exists();
    byte[] head = Files.readAllBytes(png);
    assertThat(head.length).isGreaterThan(10_000);
    assertThat(new String(head, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
  }

  static String chromium(String chromium, String action, String url) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                chromium,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                "--window-size=1280,2200",
                "--virtual-time-budget=8000",
                // A profile of its own: another Chromium using the default one (a developer's, or
                // a run still exiting) would otherwise take over the request or refuse the lock.
                "--user-data-dir=" + temp.resolve("chromium-profile"),
                action,
                url));
    Path out = temp.resolve("chromium-" + System.nanoTime() + ".out");
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(temp.resolve("chromium.err").toFile())
            .start();
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
    return Files.readString(out);
  }
}
