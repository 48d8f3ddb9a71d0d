package io.x402j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.jetty.AdminAssets;
import io.x402j.sales.JdbcSalesRecord;
import io.x402j.server.SalesRecord;
import io.x402j.spring.shop.ShopApplication;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.http.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.DispatcherServletAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code x402j.sales.db} and {@code x402j.dashboard.*} in a Spring Boot application on Tomcat: the
 * dashboard is on the application's port under its path, always behind the password, with the admin
 * listener's security headers.
 */
@SpringBootTest(
    classes = ShopApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "x402j.facilitator-url=http://127.0.0.1:1",
      "x402j.network=eip155:84532",
      "x402j.pay-to=0x857b06519E91e3A54538791bDbb0E22373e36b66",
      "x402j.dashboard.enabled=true",
      "x402j.dashboard.path=/ops/sales",
      "x402j.dashboard.password=correct-horse-battery"
    })
class SpringSellerDashboardTest {
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @DynamicPropertySource
  static void db(DynamicPropertyRegistry registry) throws Exception {
    Path dir = Files.createTempDirectory("x402j-spring-sales");
    registry.add("x402j.sales.db", () -> "jdbc:sqlite:" + dir.resolve("sales.db"));
  }

  @LocalServerPort int port;
  @Autowired SalesRecord gateRecord;
  @Autowired JdbcSalesRecord record;

  HttpResponse<String> get(String path, String password) throws Exception {
    return HTTP.send(request(path, password).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpRequest.Builder request(String path, String password) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    if (password != null) {
      b.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(("me:" + password).getBytes(StandardCharsets.UTF_8)));
    }
    return b;
  }

  @Test
  void theDashboardNeedsThePasswordAndCarriesTheSecurityHeaders() throws Exception {
    assertThat(gateRecord).isNotNull();
    for (String path :
        new String[] {"/ops/sales/", "/ops/sales/api/summary", "/ops/sales/sales.csv"}) {
      HttpResponse<String> refused = get(path, null);
      assertThat(refused.statusCode()).as(path).isEqualTo(401);
      assertThat(refused.body()).doesNotContain("totals");
      assertThat(get(path, "wrong").statusCode()).as(path).isEqualTo(401);
    }

    HttpResponse<String> page = get("/ops/sales/", "correct-horse-battery");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body())
        .contains("x402j seller")
        .contains("src=\"/ops/sales/assets/x402j.js\"")
        .contains("data-src=\"/ops/sales/api/summary\"");
    assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(get("/ops/sales/api/summary", "correct-horse-battery").body())
        .contains("\"totals\"");
    assertThat(get("/ops/sales/sales.csv?days=0", "correct-horse-battery").statusCode())
        .isEqualTo(400);
  }

  @Test
  void everyAnswerCarriesTheAdminListenersHeadersAndTheAssetsAreItsBytes() throws Exception {
    List<HttpResponse<String>> answers =
        List.of(
            get("/ops/sales/", "correct-horse-battery"),
            get("/ops/sales/api/summary", "correct-horse-battery"),
            get("/ops/sales/assets/nothing.js", "correct-horse-battery"),
            get("/ops/sales/sales.csv?days=0", "correct-horse-battery"),
            get("/ops/sales/", null));
    assertThat(answers.stream().map(HttpResponse::statusCode))
        .containsExactly(200, 200, 404, 400, 401);
    for (HttpResponse<String> answer : answers) {
      AdminAssets.SECURITY_HEADERS.forEach(
          (name, value) ->
              assertThat(answer.headers().allValues(name))
                  .as(answer.uri() + " " + name)
                  .containsExactly(value));
    }
    for (String name : List.of("x402j.css", "x402j.js", "uPlot.iife.min.js", "uPlot.min.css")) {
      HttpResponse<byte[]> asset =
          HTTP.send(
              request("/ops/sales/assets/" + name, "correct-horse-battery").build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(asset.statusCode()).as(name).isEqualTo(200);
      assertThat(asset.body()).as(name).isEqualTo(AdminAssets.asset(name).orElseThrow().body());
      // Tomcat writes the type without the space: the same type.
      assertThat(asset.headers().firstValue("Content-Type").map(t -> t.replace(" ", "")))
          .hasValue(AdminAssets.asset(name).orElseThrow().contentType().replace(" ", ""));
      AdminAssets.SECURITY_HEADERS.forEach(
          (header, value) ->
              assertThat(asset.headers().allValues(header)).as(name).containsExactly(value));
    }
    // The bytes are the class path file's, not only what the shared table holds.
    try (InputStream in =
        AdminAssets.class.getResourceAsStream(
            "/META-INF/resources/webjars/uplot/"
                + AdminAssets.UPLOT_VERSION
                + "/dist/uPlot.iife.min.js")) {
      assertThat(AdminAssets.asset("uPlot.iife.min.js").orElseThrow().body())
          .isEqualTo(in.readAllBytes());
    }
  }

  /** A servlet application with the seller dashboard enabled, its password not yet given. */
  static WebApplicationContextRunner dashboardApp() {
    return new WebApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                DispatcherServletAutoConfiguration.class,
                HttpMessageConvertersAutoConfiguration.class,
                WebMvcAutoConfiguration.class,
                X402jSalesAutoConfiguration.class,
                X402jAutoConfiguration.class))
        .withUserConfiguration(ShopApplication.Shop.class)
        .withPropertyValues(
            "x402j.facilitator-url=http://127.0.0.1:1",
            "x402j.network=eip155:84532",
            "x402j.pay-to=0x857b06519E91e3A54538791bDbb0E22373e36b66",
            "x402j.sales.db=jdbc:sqlite::memory:",
            "x402j.dashboard.enabled=true");
  }

  @Test
  void aShortPasswordIsRefusedAtStartWithoutBeingShown() {
    dashboardApp()
        .withPropertyValues("x402j.dashboard.password=hunter2")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("x402j.dashboard")
                    .hasMessageContaining("at least 12 characters")
                    .hasMessageNotContaining("hunter2"));
  }

  @Test
  void withoutAPasswordTheApplicationDoesNotStart() {
    dashboardApp()
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("x402j.dashboard.password-env"));
  }
}
