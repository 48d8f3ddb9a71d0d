package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The request options shared by {@code pay} and {@code inspect}. */
class HttpOptionsTest {
  private static HttpOptions http(String... args) {
    CommandLine.ParseResult result = X402j.commandLine().parseArgs(args);
    return ((InspectCommand) result.subcommand().commandSpec().userObject()).http;
  }

  @Test
  void theTimeoutIsAPositiveNumberOfSecondsNamedWhenRefused() throws Exception {
    assertThat(http("inspect", "https://x").request().timeout()).contains(Duration.ofSeconds(60));
    assertThat(http("inspect", "--timeout", "5", "https://x").request().timeout())
        .contains(Duration.ofSeconds(5));
    // A zero or negative timeout was refused by the JDK as "Invalid duration: PT0S", unnamed.
    assertThatThrownBy(() -> http("inspect", "--timeout", "0", "https://x").request())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--timeout must be a whole number in 1..86400, got '0'");
    assertThatThrownBy(() -> http("inspect", "--timeout", "-5", "https://x").request())
        .hasMessage("--timeout must be a whole number in 1..86400, got '-5'");
  }
}
