package io.x402j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Where the seller dashboard may not go on the application's port. */
class SpringDashboardPathTest {
  @Test
  void theDashboardCannotTakeOverTheWholeApplication() {
    // Under "/" its servlet would be mapped to /*, ahead of the DispatcherServlet: every paid
    // route would answer the dashboard's 401 instead of its 402 and content.
    for (String path : new String[] {"/", ""}) {
      SpringSellerDashboardTest.dashboardApp()
          .withPropertyValues(
              "x402j.dashboard.password=correct-horse-battery", "x402j.dashboard.path=" + path)
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
