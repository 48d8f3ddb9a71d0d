package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RoutePatternTest {
  @Test
  void aMethodAndAPath() {
    RoutePattern p = RoutePattern.parse("GET /weather");
    assertThat(p.matches("GET", "/weather")).isTrue();
    assertThat(p.matches("get", "/weather")).isTrue();
    assertThat(p.matches("POST", "/weather")).isFalse();
    assertThat(p.matches("GET", "/weather/today")).isFalse();
    assertThat(p.matches("GET", "/weathers")).isFalse();
  }

  @Test
  void spellingsOfTheSamePathCannotSlipPast() {
    RoutePattern p = RoutePattern.parse("GET /premium/report");
    for (String path :
        new String[] {
          "/premium/report/",
          "//premium//report",
          "/PREMIUM/Report",
          "/premium/./report",
          "/free/../premium/report",
          "/premium/report;jsessionid=abc",
          "/premium;x=1/report"
        }) {
      assertThat(p.matches("GET", path)).as(path).isTrue();
    }
  }

  @Test
  void parametersAndWildcards() {
    assertThat(RoutePattern.parse("/users/:id").matches("GET", "/users/42")).isTrue();
    assertThat(RoutePattern.parse("/users/:id").matches("GET", "/users/42/avatar")).isFalse();
    assertThat(RoutePattern.parse("/users/[id]/avatar").matches("PUT", "/users/7/avatar")).isTrue();
    assertThat(RoutePattern.parse("/files/*.pdf").matches("GET", "/files/a/b.pdf")).isTrue();
    RoutePattern subtree = RoutePattern.parse("GET /api/*");
    assertThat(subtree.matches("GET", "/api")).isTrue();
    assertThat(subtree.matches("GET", "/api/x/y")).isTrue();
    assertThat(subtree.matches("GET", "/apix")).isFalse();
    assertThat(RoutePattern.parse("/*").matches("DELETE", "/anything/at/all")).isTrue();
    assertThat(RoutePattern.parse("/a.b").matches("GET", "/aXb")).as("dots are literal").isFalse();
  }

  @Test
  void withoutAMethodEverythingButPreflightIsPaid() {
    RoutePattern p = RoutePattern.parse("/weather");
    assertThat(p.method()).isNull();
    assertThat(p.matches("GET", "/weather")).isTrue();
    assertThat(p.matches("POST", "/weather")).isTrue();
    assertThat(p.matches("OPTIONS", "/weather")).isFalse();
    assertThat(RoutePattern.parse("OPTIONS /weather").matches("OPTIONS", "/weather")).isTrue();
  }

  @Test
  void badPatternsAreRefusedByName() {
    assertThatThrownBy(() -> RoutePattern.parse("weather"))
        .hasMessageContaining("\"weather\"")
        .hasMessageContaining("starting with /");
    assertThatThrownBy(() -> RoutePattern.parse("GET /a /b")).hasMessageContaining("[METHOD]");
    assertThatThrownBy(() -> RoutePattern.parse("G3T /a")).hasMessageContaining("invalid method");
  }
}
