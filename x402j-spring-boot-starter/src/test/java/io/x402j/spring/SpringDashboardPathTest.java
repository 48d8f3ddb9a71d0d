package io.x402j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.spring.shop.ShopApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.http.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.DispatcherServletAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/** Where the seller dashboard may not go on the application's port. */
class SpringDashboardPathTest {
  @Test
  void theDashboardCannotTakeOverTheWholeApplication() {
    // Under "/" its servlet would be mapped to /*, ahead of the DispatcherServlet: every paid
    // route would answer the dashboard's 401 instead of its 402 and content.
    for (String path : new String[] {"/", ""}) {
      new WebApplicationContextRunner()
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
              "x402j.dashboard.enabled=true",
              "x402j.dashboard.password=correct-horse-battery",
              "x402j.dashboard.path=" + path)
          .run(
              context ->
                  assertThat(context)
                      .as(path)
                      .getFailure()
                      .rootCause()
                      .hasMessageContaining("x402j.dashboard.path"));
    }
  }
}
