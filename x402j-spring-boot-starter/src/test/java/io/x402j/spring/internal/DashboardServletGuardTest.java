package io.x402j.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.jetty.AdminAssets;
import io.x402j.jetty.BasicAuthGuard;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The dashboard on the application's port throttles password guessing like the admin listener. */
class DashboardServletGuardTest {
  private static final String PASSWORD = "correct-horse-battery";

  private Instant now = Instant.parse("2026-11-29T12:00:00Z");
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now;
        }
      };

  private MockHttpServletResponse get(DashboardServlet servlet, String client, String password)
      throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/ops/assets/x402j.css");
    request.setPathInfo("/assets/x402j.css");
    request.setRemoteAddr(client);
    if (password != null) {
      request.addHeader(
          "Authorization",
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(("me:" + password).getBytes(StandardCharsets.UTF_8)));
    }
    MockHttpServletResponse response = new MockHttpServletResponse();
    servlet.service(request, response);
    return response;
  }

  @Test
  void tenWrongPasswordsLockThatClientOutUntilTheWindowEnds() throws Exception {
    DashboardServlet servlet = new DashboardServlet(null, PASSWORD, clock);
    assertThat(get(servlet, "203.0.113.9", PASSWORD).getStatus()).isEqualTo(200);
    for (int i = 0; i < BasicAuthGuard.MAX_FAILURES; i++) {
      assertThat(get(servlet, "203.0.113.9", "guess" + i).getStatus()).isEqualTo(401);
    }

    MockHttpServletResponse refused = get(servlet, "203.0.113.9", PASSWORD);
    assertThat(refused.getStatus()).isEqualTo(429);
    assertThat(refused.getHeader("Retry-After")).isEqualTo("900");
    AdminAssets.SECURITY_HEADERS.forEach(
        (name, value) -> assertThat(refused.getHeaders(name)).as(name).containsExactly(value));
    assertThat(get(servlet, "198.51.100.4", PASSWORD).getStatus()).isEqualTo(200);

    now = now.plus(BasicAuthGuard.WINDOW);
    assertThat(get(servlet, "203.0.113.9", PASSWORD).getStatus()).isEqualTo(200);
  }
}
