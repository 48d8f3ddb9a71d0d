package io.x402j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ValueParserTest {
  @Test
  void integersNeverWrapAndNameTheSettingAndValue() {
    ValueParser<Integer> port = ValueParser.port();
    assertThat(port.parse("port", "0")).isZero();
    assertThat(port.parse("port", " 65535 ")).isEqualTo(65535);
    // 4294971318 is 2^32 + 4022: an (int) cast would read it as 4022.
    assertThatThrownBy(() -> port.parse("port", "4294971318"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("port must be a whole number in 0..65535, got '4294971318'");
    assertThatThrownBy(() -> port.parse("port", "99999999999999999999999"))
        .hasMessageContaining("0..65535");
    assertThatThrownBy(() -> port.parse("port", "-1")).hasMessageContaining("0..65535");
    assertThatThrownBy(() -> port.parse("port", "eighty"))
        .hasMessage("port must be a whole number in 0..65535, got 'eighty'");
    assertThatThrownBy(() -> port.parse("port", "１２")) // full-width digits
        .hasMessageContaining("whole number");
    assertThatThrownBy(() -> port.parse("port", "1.0")).hasMessageContaining("whole number");
    assertThat(ValueParser.longInteger(21_000, Long.MAX_VALUE).parse("gas", "9223372036854775807"))
        .isEqualTo(Long.MAX_VALUE);
    assertThatThrownBy(() -> ValueParser.longInteger(21_000, Long.MAX_VALUE).parse("gas", "20999"))
        .hasMessage("gas must be a whole number of at least 21000, got '20999'");
    assertThatThrownBy(
            () -> ValueParser.longInteger(0, Long.MAX_VALUE).parse("n", "9223372036854775808"))
        .hasMessageContaining("n must be a whole number");
  }

  @Test
  void controlCharactersInARefusedValueAreEscaped() {
    assertThatThrownBy(() -> ValueParser.port().parse("port", "80\n[INFO] forged"))
        .hasMessage("port must be a whole number in 0..65535, got '80\\u000a[INFO] forged'");
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.SECONDS)
  void decimalsAreBoundedBeforeTheyAreExpanded() {
    ValueParser<BigDecimal> gwei = ValueParser.decimal(9, 30);
    assertThat(gwei.parse("fee", "0.25")).isEqualByComparingTo("0.25");
    assertThat(gwei.parse("fee", "1.5e3")).isEqualByComparingTo("1500");
    assertThat(gwei.parse("fee", "0.000000001")).isEqualByComparingTo("0.000000001");
    assertThat(gwei.parse("fee", "1.000000000000")).isEqualByComparingTo("1");
    for (String bad :
        new String[] {
          "1e999999999",
          "1e-999999999",
          "1e99999999999",
          "0.0000000001",
          "-1",
          "1e31",
          "NaN",
          "Infinity",
          "0x10",
          "１",
          "1,5",
          ""
        }) {
      assertThatThrownBy(() -> gwei.parse("fee", bad))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("fee must be a non-negative number with at most 9 decimals, got");
    }
    assertThatThrownBy(
            () ->
                gwei.describedAs("a number of gwei with at most 9 decimals")
                    .parse("--max-fee-gwei", "1e999999999"))
        .hasMessage(
            "--max-fee-gwei must be a number of gwei with at most 9 decimals, got '1e999999999'");
  }

  @Test
  void nonNegativeNumbers() {
    ValueParser<Double> rate = ValueParser.nonNegativeNumber();
    assertThat(rate.parse("r", "6.5")).isEqualTo(6.5);
    assertThat(rate.parse("r", "0")).isZero();
    for (String bad : new String[] {"-1", "NaN", "Infinity", "1e400", "x"}) {
      assertThatThrownBy(() -> rate.parse("r", bad))
          .as(bad)
          .hasMessageStartingWith("r must be a non-negative number, got");
    }
  }

  @Test
  void durations() {
    ValueParser<Duration> d = ValueParser.duration();
    assertThat(d.parse("x", "250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(d.parse("x", " 3 s ")).isEqualTo(Duration.ofSeconds(3));
    assertThat(d.parse("x", "2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(d.parse("x", "1h")).isEqualTo(Duration.ofHours(1));
    assertThat(d.parse("x", "0s")).isZero();
    assertThatThrownBy(() -> d.parse("lease", "1.5s"))
        .hasMessage("lease must be a duration such as 500ms, 30s, 2m or 1h, got '1.5s'");
    assertThatThrownBy(() -> d.parse("lease", "-1s")).hasMessageContaining("lease");
    assertThatThrownBy(() -> d.parse("lease", "30 seconds"))
        .hasMessageContaining("lease must be a duration");
    // Neither a NumberFormatException nor an ArithmeticException escapes unnamed.
    assertThatThrownBy(() -> d.parse("lease", "99999999999999999999h"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("lease must be a duration");
    assertThatThrownBy(() -> d.parse("lease", "999999999999999999h"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("lease must be a duration of at most 87600h, got '999999999999999999h'");
    assertThatThrownBy(() -> ValueParser.positiveDuration().parse("for", "0s"))
        .hasMessage("for must be a positive duration of at most 87600h, got '0s'");
  }

  @Test
  void booleansUrisEnumsAndDomainTypes() {
    assertThat(ValueParser.bool().parse("b", "TRUE")).isTrue();
    assertThat(ValueParser.bool().parse("b", "false")).isFalse();
    assertThatThrownBy(() -> ValueParser.bool().parse("b", "yes"))
        .hasMessage("b must be true or false, got 'yes'");

    ValueParser<URI> http = ValueParser.uri("http", "https");
    assertThat(http.parse("upstream", "http://127.0.0.1:9000"))
        .isEqualTo(URI.create("http://127.0.0.1:9000"));
    for (String bad : new String[] {"ftp://x", "127.0.0.1:9000", "http://", "http://a b", "/x"}) {
      assertThatThrownBy(() -> http.parse("upstream", bad))
          .as(bad)
          .hasMessageStartingWith("upstream must be an http(s) URL");
    }

    ValueParser<TimeUnit> unit = ValueParser.enumeration(TimeUnit.class);
    assertThat(unit.parse("u", "milliseconds")).isEqualTo(TimeUnit.MILLISECONDS);
    assertThatThrownBy(() -> unit.parse("u", "fortnights"))
        .hasMessageStartingWith("u must be one of nanoseconds, microseconds,")
        .hasMessageEndingWith("got 'fortnights'");

    ValueParser<Integer> even =
        ValueParser.of(
            "an even number",
            s -> {
              int n = Integer.parseInt(s);
              if (n % 2 != 0) {
                throw new IllegalArgumentException(n + " is odd");
              }
              return n;
            });
    assertThat(even.parse("n", "4")).isEqualTo(4);
    assertThatThrownBy(() -> even.parse("n", "3"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("n must be an even number, got '3' (3 is odd)");
  }

  @Test
  void aMissingFlagTakesTheFallback() {
    assertThat(ValueParser.port().parse("--port", null, 4021)).isEqualTo(4021);
    assertThat(ValueParser.port().parse("--port", "80", 4021)).isEqualTo(80);
  }

  @Test
  void anUnsetVariableIsNamed() {
    assertThat(EnvPlaceholders.resolve("https://x/${K}", java.util.Map.of("K", "v"), "--rpc-url"))
        .isEqualTo("https://x/v");
    assertThatThrownBy(
            () -> EnvPlaceholders.resolve("https://x/${NOPE}", java.util.Map.of(), "--rpc-url"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--rpc-url refers to the environment variable NOPE, which is not set");
  }
}
