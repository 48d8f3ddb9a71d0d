package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Route patterns and request paths from anywhere: a pattern parses or is refused with {@link
 * IllegalArgumentException}; matching never throws; spelling a path differently never changes the
 * answer; and on short inputs the answer is the regular expression's ({@link RegexRouteOracle}).
 *
 * <p>An input is the pattern, a newline, the method, a newline, and the path. The committed inputs
 * are in {@code src/test/resources/io/x402j/server/RouteFuzzTestInputs}; {@code JAZZER_FUZZ=1}
 * fuzzes.
 */
class RouteFuzzTest {
  @FuzzTest
  void matchingNeverThrowsAndIgnoresSpelling(byte[] input) {
    String[] parts = new String(input, StandardCharsets.UTF_8).split("\n", 3);
    if (parts.length < 3) {
      return;
    }
    String patternText = parts[0];
    String method = parts[1];
    String path = parts[2];
    RoutePattern pattern;
    try {
      pattern = RoutePattern.parse(patternText);
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }
    boolean matched = pattern.matches(method, path);

    assertThat(pattern.matches(method.toLowerCase(java.util.Locale.ROOT), path))
        .as("method case")
        .isEqualTo(pattern.matches(method.toUpperCase(java.util.Locale.ROOT), path));
    if (path.startsWith("/")) {
      assertThat(pattern.matches(method, "/elsewhere/.." + path)).as("dot-dot").isEqualTo(matched);
      assertThat(pattern.matches(method, path.replace("/", "//"))).as("slashes").isEqualTo(matched);
    }
    String trimmed = patternText.strip();
    boolean pathOnly = trimmed.indexOf(' ') < 0 && trimmed.indexOf('\t') < 0;
    if (pathOnly
        && trimmed.length() <= 24
        // the oracle backtracks: exponential in the number of wildcards, which is why it went
        && trimmed.chars().filter(c -> c == '*').count() <= 4
        && path.length() <= 48) {
      assertThat(matched)
          .as("the regular expression's answer")
          .isEqualTo(RegexRouteOracle.matches(trimmed, path));
    }
  }
}
