package io.x402j.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.spring.X402Discoverable;
import io.x402j.spring.X402Price;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;

/**
 * A {@code @RequestParam} default that Spring resolves at request time ({@code ${property}} or
 * {@code #{expression}}) is not a value a buyer can send: the declaration's example leaves it out
 * instead of publishing the placeholder (which names the seller's configuration, e.g. {@code
 * ${internal.partner-token}}); plain defaults are still examples.
 */
class HandlerDiscoveryPlaceholderTest {
  static class Handlers {
    @X402Price("$0.01")
    @X402Discoverable
    @GetMapping("/report")
    public String report(
        @RequestParam(name = "token", defaultValue = "${internal.partner-token}") String token,
        @RequestParam(name = "region", defaultValue = "#{systemProperties['user.region']}")
            String region,
        @RequestParam(name = "units", defaultValue = "metric") String units) {
      return "";
    }
  }

  @Test
  void placeholderDefaultsAreNoExamples() throws Exception {
    Method m = Handlers.class.getMethod("report", String.class, String.class, String.class);
    HandlerMethod handler = new HandlerMethod(new Handlers(), m);

    String declared =
        HandlerDiscovery.declaration("test", handler, m.getAnnotation(X402Discoverable.class))
            .toExtension()
            .toString();

    assertThat(declared)
        .doesNotContain("${")
        .doesNotContain("#{")
        .doesNotContain("partner-token")
        .contains("units=metric")
        .contains("token")
        .contains("region");
  }
}
