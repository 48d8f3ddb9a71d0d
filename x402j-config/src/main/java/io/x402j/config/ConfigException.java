package io.x402j.config;

import io.x402j.core.support.Text;
import java.util.List;
import java.util.Objects;

/**
 * A setting that is missing, unknown or invalid. The message names the setting — its dotted path in
 * a file ({@code networks[0].maxFeePerGasGwei}) or its flag ({@code --max-fee-gwei}) — and quotes
 * the offending text with control characters escaped; it never carries a stack trace worth showing
 * to a user.
 *
 * <p>It is an {@link IllegalArgumentException} so that code catching bad input keeps working.
 */
public final class ConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The setting's path or flag. */
  private final String setting;

  /** The text refused, or {@code null} when no value is at fault (a missing setting). */
  private final String value;

  /** What the value must be, e.g. {@code a whole number in 0..65535}, or {@code null}. */
  private final String expectation;

  /** Whether the value shown is a URL with its user-info and query redacted. */
  private boolean redacted;

  /**
   * A value that is not what the setting needs: {@code SETTING must be EXPECTATION, got 'VALUE'}.
   *
   * @param setting the setting's path or flag
   * @param value the text refused
   * @param expectation what it must be, e.g. {@code a whole number in 0..65535}
   */
  public ConfigException(String setting, String value, String expectation) {
    this(setting, value, expectation, null);
  }

  /**
   * A value that is not what the setting needs, with why: {@code SETTING must be EXPECTATION, got
   * 'VALUE' (DETAIL)}.
   *
   * @param setting the setting's path or flag
   * @param value the text refused
   * @param expectation what it must be, e.g. {@code a token address}
   * @param detail why this value is not, or {@code null}
   */
  public ConfigException(String setting, String value, String expectation, String detail) {
    super(
        Objects.requireNonNull(setting, "setting")
            + " must be "
            + Objects.requireNonNull(expectation, "expectation")
            + ", got "
            + Text.quote(value)
            + (detail == null ? "" : " (" + detail + ")"));
    this.setting = setting;
    this.value = value;
    this.expectation = expectation;
  }

  /**
   * A URL that is not what the setting needs, quoted without its user-info and query (where
   * credentials and API keys live).
   */
  static ConfigException redacted(String setting, String url, String expectation) {
    ConfigException e = new ConfigException(setting, Redaction.url(url), expectation);
    e.redacted = true;
    return e;
  }

  /**
   * Any other problem with a setting (missing, unknown, a file that is not YAML).
   *
   * @param setting the setting's path or flag
   * @param message the whole message; it must name the setting and quote any value it shows
   */
  public ConfigException(String setting, String message) {
    super(Objects.requireNonNull(message, "message"));
    this.setting = Objects.requireNonNull(setting, "setting");
    this.value = null;
    this.expectation = null;
  }

  /** The setting's dotted path in a file, or its flag. */
  public String setting() {
    return setting;
  }

  /** The text refused, or {@code null} when the problem is not a value. */
  public String value() {
    return value;
  }

  /** What the value must be, or {@code null} when the problem is not a value. */
  public String expectation() {
    return expectation;
  }

  /**
   * The same problem showing {@code shown} instead of the value: a value with {@code ${NAME}}
   * references is reported as written, never with the environment's text, which may be a secret.
   * The detail is dropped, as it may repeat the value. A problem without an expectation keeps its
   * message only when it repeats none of {@code secrets} (the environment's values substituted).
   */
  ConfigException showing(String shown, List<String> secrets) {
    if (expectation == null) {
      for (String secret : secrets) {
        if (!secret.isEmpty() && getMessage().contains(secret)) {
          return new ConfigException(setting, setting + " is refused, got " + Text.quote(shown));
        }
      }
      return this;
    }
    if (redacted) {
      return redacted(setting, shown, expectation);
    }
    return new ConfigException(setting, shown, expectation);
  }
}
