package io.x402j.config.internal;

import io.x402j.config.ConfigException;
import io.x402j.config.ValueParser;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Duration syntax of settings: a whole number and a unit. Not part of the x402j API. */
public final class Durations {
  private static final Pattern DURATION = Pattern.compile("([0-9]{1,18})\\s*(ms|s|m|h)");
  private static final String SYNTAX = "a duration such as 500ms, 30s, 2m or 1h";

  private Durations() {}

  /** A parser of durations from {@code min} (zero or more) to {@code max} (whole hours). */
  public static ValueParser<Duration> parser(Duration min, Duration max) {
    String range =
        (min.isZero() ? "a duration" : "a positive duration")
            + " of at most "
            + max.toHours()
            + "h";
    return (setting, text) -> {
      Matcher m = DURATION.matcher(Objects.requireNonNull(text, setting).strip());
      if (!m.matches()) {
        throw new ConfigException(setting, text, SYNTAX);
      }
      Duration value;
      try {
        long amount = Long.parseLong(m.group(1));
        switch (m.group(2)) {
          case "ms":
            value = Duration.ofMillis(amount);
            break;
          case "s":
            value = Duration.ofSeconds(amount);
            break;
          case "m":
            value = Duration.ofMinutes(amount);
            break;
          default:
            value = Duration.ofHours(amount);
        }
      } catch (ArithmeticException e) { // more hours than a Duration holds
        throw new ConfigException(setting, text, range);
      }
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new ConfigException(setting, text, range);
      }
      return value;
    };
  }
}
