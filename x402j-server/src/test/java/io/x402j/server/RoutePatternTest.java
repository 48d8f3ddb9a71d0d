package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Random;
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
  void methodsAreMatchedAsServersDispatchThem() {
    RoutePattern get = RoutePattern.parse("GET /download");
    assertThat(get.matches("HEAD", "/download")).as("HEAD runs the GET handler").isTrue();
    assertThat(get.matches("head", "/download")).isTrue();
    assertThat(get.matches("OPTIONS", "/download"))
        .as("an upstream may answer OPTIONS with anything")
        .isTrue();
    assertThat(get.matches("POST", "/download")).isFalse();
    assertThat(get.matches("OPTIONS", "/elsewhere")).isFalse();
    assertThat(RoutePattern.parse("HEAD /x").matches("GET", "/x")).isFalse();
    assertThat(RoutePattern.parse("POST /x").matches("HEAD", "/x")).isFalse();
    assertThat(RoutePattern.parse("POST /x").matches("OPTIONS", "/x")).isTrue();

    RoutePattern any = RoutePattern.parse("/weather");
    assertThat(any.method()).isNull();
    for (String method : new String[] {"GET", "HEAD", "POST", "DELETE", "OPTIONS", "PROPFIND"}) {
      assertThat(any.matches(method, "/weather")).as(method).isTrue();
    }
  }

  @Test
  void caseIsFoldedBeyondAsciiSoNoSpellingIsFree() {
    assertThat(RoutePattern.parse("GET /secret").matches("GET", "/\u017Fecret"))
        .as("long s")
        .isTrue();
    assertThat(RoutePattern.parse("GET /key").matches("GET", "/\u212Aey")).as("Kelvin").isTrue();
    assertThat(RoutePattern.parse("GET /admin").matches("GET", "/adm\u0131n"))
        .as("dotless i")
        .isTrue();
    assertThat(RoutePattern.parse("GET /\u00e9t\u00e9").matches("GET", "/\u00c9T\u00c9")).isTrue();
    assertThat(RoutePattern.parse("GET /secret").matches("GET", "/sacret")).isFalse();
  }

  @Test
  void manyWildcardsAndALongPathMatchWithoutBacktracking() {
    // Found while writing RouteFuzzTest: as a regular expression, "/*a*a*b" against a path of
    // 4,000 letters took 48 s (cubic backtracking); one request could hold a core for minutes.
    RoutePattern p = RoutePattern.parse("/*a*a*b");
    String path = "/" + "a".repeat(8000);

    boolean matched =
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> p.matches("GET", path));

    assertThat(matched).isFalse();
    assertThat(p.matches("GET", path + "b")).isTrue();
  }

  @Test
  void matchesAsTheRegularExpressionDidOnEveryShortCase() {
    String[] pieces = {"a", "B", "/", "*", ":id", "[x]", ".", "-"};
    String[] pathPieces = {"a", "b", "/", "ab", ".", "..", "-", ";p"};
    Random random = new Random(402);
    for (int n = 0; n < 20_000; n++) {
      StringBuilder pattern = new StringBuilder("/");
      for (int k = random.nextInt(6); k > 0; k--) {
        pattern.append(pieces[random.nextInt(pieces.length)]);
      }
      StringBuilder path = new StringBuilder("/");
      for (int k = random.nextInt(8); k > 0; k--) {
        path.append(pathPieces[random.nextInt(pathPieces.length)]);
      }
      assertThat(RoutePattern.parse(pattern.toString()).matches("GET", path.toString()))
          .as("%s against %s", pattern, path)
          .isEqualTo(RegexRouteOracle.matches(pattern.toString(), path.toString()));
    }
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
