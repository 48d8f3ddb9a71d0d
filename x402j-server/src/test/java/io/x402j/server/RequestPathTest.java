package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestPathTest {
  @Test
  void aPlainPathIsDecodedForPricingAndEncodedCanonicallyForForwarding() {
    assertThat(RequestPath.parse("/")).isEqualTo(new RequestPath.Canonical("/", "/"));
    assertThat(RequestPath.parse("/weather")).isEqualTo(canonical("/weather", "/weather"));
    assertThat(RequestPath.parse("/%77eather/")).isEqualTo(canonical("/weather/", "/weather/"));
    assertThat(RequestPath.parse("/a%20b/%C3%A9t%c3%a9"))
        .isEqualTo(canonical("/a b/été", "/a%20b/%C3%A9t%C3%A9"));
    assertThat(RequestPath.parse("/users/:id@x,y=z"))
        .isEqualTo(canonical("/users/:id@x,y=z", "/users/:id@x,y=z"));
    assertThat(RequestPath.parse("/a|b")).isEqualTo(canonical("/a|b", "/a%7Cb"));
  }

  @Test
  void everySpellingThatServersReadDifferentlyIsRefusedByName() {
    assertThat(problem("/premium/x/../../free")).contains("dot segment (..)");
    assertThat(problem("/premium/./x")).contains("dot segment (.)");
    assertThat(problem("/premium/%2e%2E/free")).contains("dot segment (..)");
    assertThat(problem("/free/.%2e/premium")).contains("dot segment (..)");
    assertThat(problem("//premium")).contains("empty segment");
    assertThat(problem("/premium//x")).contains("empty segment");
    assertThat(problem("/premium;x=1")).contains("path parameter");
    assertThat(problem("/free/..;/premium")).contains("path parameter");
    assertThat(problem("/premium%3bx")).contains("encoded semicolon");
    assertThat(problem("/premium%2fx")).contains("encoded slash");
    assertThat(problem("/premium%5Cx")).contains("encoded backslash");
    assertThat(problem("/premium\\x")).contains("backslash");
    assertThat(problem("/premium%00x")).contains("control character");
    assertThat(problem("/premium%0ax")).contains("control character");
    assertThat(problem("/premium/%252e%252e/free")).contains("encoded percent sign");
    assertThat(problem("/premium/%u002e")).contains("malformed percent-encoding");
    assertThat(problem("/premium%2")).contains("malformed percent-encoding");
    assertThat(problem("/free/%C0%AE%C0%AE/premium")).contains("not percent-encoded UTF-8");
    assertThat(problem("/caf\u00e9")).contains("must be percent-encoded");
    assertThat(problem("/a b")).contains("must be percent-encoded");
    assertThat(problem("premium")).contains("must start with /");
    assertThat(problem("*")).contains("must start with /");
    assertThat(problem("")).contains("must start with /");
  }

  @Test
  void theProblemNeverRepeatsThePath() {
    String hostile = "/" + "x".repeat(10_000) + "/\u0000../";
    assertThat(problem(hostile)).hasSizeLessThan(100);
  }

  private static RequestPath.Canonical canonical(String decoded, String encoded) {
    return new RequestPath.Canonical(decoded, encoded);
  }

  private static String problem(String raw) {
    RequestPath parsed = RequestPath.parse(raw);
    assertThat(parsed).as(raw).isInstanceOf(RequestPath.Ambiguous.class);
    return ((RequestPath.Ambiguous) parsed).problem();
  }
}
