package io.x402j.config;

import io.x402j.config.internal.Durations;
import io.x402j.config.internal.Numbers;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * Turns the text of one setting into a typed value, or refuses it with a {@link ConfigException}
 * that names the setting and quotes the text. The same parser serves a key in a configuration file
 * ({@link ConfigSection}) and a command-line flag, so both accept the same text and refuse it with
 * the same message — only the name of the setting differs:
 *
 * <pre>{@code
 * ValueParser<Integer> port = ValueParser.port();
 * port.parse("--port", "4294971318");   // --port must be a whole number in 0..65535, got '4294971318'
 * section.get("port", port, 4022);       // port must be a whole number in 0..65535, got '4294971318'
 * }</pre>
 *
 * <p>Numbers are read from ASCII digits only, never wrap, and are refused before anything large is
 * computed from them ({@code 1e999999999} is refused, not expanded).
 *
 * @param <T> the type of the value
 */
@FunctionalInterface
public interface ValueParser<T> {
  /**
   * The value of {@code text}.
   *
   * @param setting names the setting in errors: a dotted path or a flag
   * @param text the setting's text, not {@code null}
   * @throws ConfigException naming {@code setting} and quoting {@code text}
   */
  T parse(String setting, String text);

  /**
   * The value of {@code text}, or {@code fallback} when it is {@code null} (a flag not given).
   *
   * @throws ConfigException naming {@code setting} and quoting {@code text}
   */
  default T parse(String setting, String text, T fallback) {
    return text == null ? fallback : parse(setting, text);
  }

  /** A parser whose value is {@code convert} applied to this one's (which must not fail). */
  default <R> ValueParser<R> map(Function<? super T, ? extends R> convert) {
    Objects.requireNonNull(convert, "convert");
    return (setting, text) -> convert.apply(parse(setting, text));
  }

  /**
   * This parser with every refusal saying {@code SETTING must be EXPECTATION}, e.g. {@code a number
   * of gwei with at most 9 decimals} for a {@link #decimal} in gwei.
   */
  default ValueParser<T> describedAs(String expectation) {
    Objects.requireNonNull(expectation, "expectation");
    return (setting, text) -> {
      try {
        return parse(setting, text);
      } catch (ConfigException e) {
        throw new ConfigException(setting, text, expectation);
      }
    };
  }

  /** The text as it is. */
  static ValueParser<String> text() {
    return (setting, text) -> Objects.requireNonNull(text, setting);
  }

  /** A whole number from {@code min} to {@code max}. */
  static ValueParser<Integer> integer(int min, int max) {
    return longInteger(min, max).map(Math::toIntExact);
  }

  /** A TCP port, 0 (any free port) to 65535. */
  static ValueParser<Integer> port() {
    return integer(0, 65535);
  }

  /** A whole number from {@code min} to {@code max}. */
  static ValueParser<Long> longInteger(long min, long max) {
    if (min > max) {
      throw new IllegalArgumentException("min " + min + " > max " + max);
    }
    String expectation =
        max == Long.MAX_VALUE || max == Integer.MAX_VALUE
            ? "a whole number of at least " + min
            : "a whole number in " + min + ".." + max;
    return (setting, text) -> {
      String s = Objects.requireNonNull(text, setting).strip();
      // 20 characters hold any long with its sign; anything longer is out of range anyway.
      if (s.length() > 20 || !Numbers.isInteger(s)) {
        throw new ConfigException(setting, text, expectation);
      }
      String digits = s.startsWith("+") || s.startsWith("-") ? s.substring(1) : s;
      if (digits.length() > 1 && digits.startsWith("0")) {
        throw new ConfigException(
            setting, text, expectation, "no leading zeros: YAML 1.1 reads 010 as octal 8");
      }
      if (digits.equals("0") && digits.length() != s.length()) {
        throw new ConfigException(setting, text, expectation, "zero takes no sign");
      }
      long value;
      try {
        value = Long.parseLong(s);
      } catch (NumberFormatException e) {
        throw new ConfigException(setting, text, expectation);
      }
      if (value < min || value > max) {
        throw new ConfigException(setting, text, expectation);
      }
      return value;
    };
  }

  /**
   * A non-negative decimal with at most {@code maxDecimals} digits after the point and at most
   * {@code maxWholeDigits} before it, e.g. {@code 0.25}, {@code 1.5e3}. The bounds are checked on
   * the parsed precision and scale, so {@code 1e999999999} is refused without being expanded.
   */
  static ValueParser<BigDecimal> decimal(int maxDecimals, int maxWholeDigits) {
    String expectation = "a non-negative number with at most " + maxDecimals + " decimals";
    return (setting, text) -> {
      BigDecimal value = Numbers.decimal(text);
      if (value != null
          && value.signum() == 0
          && (value.scale() < 0 || value.scale() > maxDecimals)) {
        value = BigDecimal.ZERO; // 0e-999999999 is 0, not a zero with a 10^9 scale
      }
      if (value == null
          || value.signum() < 0
          || (long) value.precision() - value.scale() > maxWholeDigits
          || value.stripTrailingZeros().scale() > maxDecimals) {
        throw new ConfigException(setting, text, expectation);
      }
      return value;
    };
  }

  /** A finite, non-negative number such as a rate ({@code 2.5}); never money. */
  static ValueParser<Double> nonNegativeNumber() {
    String expectation = "a non-negative number";
    return (setting, text) -> {
      BigDecimal value = Numbers.decimal(text);
      if (value == null
          || value.signum() < 0
          || (long) value.precision() - value.scale() > 300) { // beyond a double
        throw new ConfigException(setting, text, expectation);
      }
      // A positive number must stay positive: 0 often means "no limit".
      double number =
          value.signum() == 0 || (long) value.precision() - value.scale() < -320
              ? 0.0
              : value.doubleValue();
      if (value.signum() > 0 && !(number > 0.0)) {
        throw new ConfigException(
            setting, text, expectation, "too small to tell from 0; write 0 or a larger number");
      }
      return number;
    };
  }

  /** The longest duration any setting takes: ten years (87600h). */
  Duration MAX_DURATION = Duration.ofHours(87_600);

  /** A duration such as {@code 500ms}, {@code 30s}, {@code 2m} or {@code 1h}, zero included. */
  static ValueParser<Duration> duration() {
    return Durations.parser(Duration.ZERO, MAX_DURATION);
  }

  /** A duration such as {@code 500ms}, {@code 30s}, {@code 2m} or {@code 1h}, more than zero. */
  static ValueParser<Duration> positiveDuration() {
    return Durations.parser(Duration.ofMillis(1), MAX_DURATION);
  }

  /** {@code true} or {@code false} (any case). */
  static ValueParser<Boolean> bool() {
    return (setting, text) -> {
      String s = Objects.requireNonNull(text, setting).strip().toLowerCase(Locale.ROOT);
      if (s.equals("true") || s.equals("false")) {
        return s.equals("true");
      }
      throw new ConfigException(setting, text, "true or false");
    };
  }

  /**
   * An absolute URL with a host and one of {@code schemes}, e.g. {@code uri("http", "https")}.
   *
   * @throws IllegalArgumentException without a scheme
   */
  static ValueParser<URI> uri(String... schemes) {
    List<String> allowed = List.of(schemes);
    if (allowed.isEmpty()) {
      throw new IllegalArgumentException("name at least one scheme");
    }
    String expectation =
        allowed.equals(List.of("http", "https"))
            ? "an http(s) URL such as http://127.0.0.1:9000"
            : "a " + String.join(" or ", allowed) + " URL";
    return (setting, text) -> {
      URI uri;
      // A URL's user-info and query may hold credentials or API keys: errors never quote them.
      try {
        uri = new URI(Objects.requireNonNull(text, setting).strip());
      } catch (URISyntaxException e) {
        throw ConfigException.redacted(setting, text, expectation);
      }
      if (uri.getScheme() == null
          || !allowed.contains(uri.getScheme().toLowerCase(Locale.ROOT))
          || uri.getHost() == null) {
        throw ConfigException.redacted(setting, text, expectation);
      }
      return uri;
    };
  }

  /**
   * One of the constants of {@code type}, written in any case with {@code -} or {@code _} ({@code
   * read-only} for {@code READ_ONLY}).
   */
  static <E extends Enum<E>> ValueParser<E> enumeration(Class<E> type) {
    List<String> names = new ArrayList<>();
    for (E constant : type.getEnumConstants()) {
      names.add(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    String expectation = "one of " + String.join(", ", names);
    return (setting, text) -> {
      String s = Objects.requireNonNull(text, setting).strip().replace('-', '_');
      // ASCII only: String.toUpperCase would read 'ſ' as S and 'ı' as I.
      StringBuilder upper = new StringBuilder(s.length());
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c > 0x7f) {
          throw new ConfigException(setting, text, expectation);
        }
        upper.append(c >= 'a' && c <= 'z' ? (char) (c - 'a' + 'A') : c);
      }
      s = upper.toString();
      for (E constant : type.getEnumConstants()) {
        if (constant.name().equals(s)) {
          return constant;
        }
      }
      throw new ConfigException(setting, text, expectation);
    };
  }

  /**
   * A value read by a domain type's own parser, e.g. {@code of("a token address",
   * EvmAddress::parse)}; its {@link IllegalArgumentException} becomes a {@link ConfigException}
   * naming the setting, with the parser's reason in parentheses.
   */
  static <T> ValueParser<T> of(String expectation, Function<String, T> parse) {
    Objects.requireNonNull(expectation, "expectation");
    Objects.requireNonNull(parse, "parse");
    return (setting, text) -> {
      Objects.requireNonNull(text, setting);
      try {
        return parse.apply(text.strip());
      } catch (IllegalArgumentException e) {
        throw new ConfigException(setting, text, expectation, e.getMessage());
      }
    };
  }
}
