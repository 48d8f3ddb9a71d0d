package io.x402j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The contract of one reader for files and flags: a parser given the same text through a YAML key
 * and through a flag accepts it with the same value, or refuses it with the same message, only the
 * setting's name differing.
 */
class FileAndFlagContractTest {
  private record Case(ValueParser<?> parser, String text) {}

  private static final List<Case> CASES =
      List.of(
          new Case(ValueParser.port(), "4294971318"),
          new Case(ValueParser.port(), "abc"),
          new Case(ValueParser.port(), "4021"),
          new Case(ValueParser.port(), "-1"),
          new Case(ValueParser.integer(1, 1000), "0"),
          new Case(ValueParser.longInteger(21_000, Long.MAX_VALUE), "lots"),
          new Case(
              ValueParser.decimal(9, 30).describedAs("a number of gwei with at most 9 decimals"),
              "1e999999999"),
          new Case(ValueParser.decimal(9, 30), "0.0000000001"),
          new Case(ValueParser.decimal(9, 30), "1.5"),
          new Case(ValueParser.nonNegativeNumber(), "-1"),
          new Case(ValueParser.positiveDuration(), "0s"),
          new Case(ValueParser.duration(), "soon"),
          new Case(ValueParser.duration(), "30s"),
          new Case(ValueParser.bool(), "maybe"),
          new Case(ValueParser.uri("http", "https"), "ftp://x"),
          new Case(ValueParser.enumeration(java.util.concurrent.TimeUnit.class), "weeks"));

  @Test
  void theSameTextGetsTheSameAnswerFromAFileAndAFlag() {
    for (Case c : CASES) {
      Object fromFlag = outcome(() -> c.parser().parse("--the-setting", c.text()));
      String yaml = "the:\n  setting: \"" + c.text() + "\"\n";
      Object fromFile =
          outcome(
              () ->
                  ConfigSection.parse(yaml, "f.yaml", Map.of())
                      .section("the")
                      .get("setting", c.parser(), null));
      assertThat(fromFile)
          .as(c.text())
          .isEqualTo(
              fromFlag instanceof String s && s.startsWith("--the-setting ")
                  ? s.replace("--the-setting ", "the.setting ")
                  : fromFlag);
    }
  }

  @Test
  void theContractCoversRefusalsAndValues() {
    assertThat(outcome(() -> ValueParser.duration().parse("x", "30s")))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(outcome(() -> ValueParser.port().parse("--x", "abc")))
        .isEqualTo("--x must be a whole number in 0..65535, got 'abc'");
  }

  /** The value, or the message of the refusal (which must be a ConfigException). */
  private static Object outcome(java.util.function.Supplier<?> parse) {
    Throwable t = catchThrowable(parse::get);
    if (t == null) {
      return parse.get();
    }
    assertThat(t).isInstanceOf(ConfigException.class);
    return t.getMessage();
  }
}
