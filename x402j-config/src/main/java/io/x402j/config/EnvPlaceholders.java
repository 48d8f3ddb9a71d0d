package io.x402j.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} in a setting with the environment variable {@code NAME}, so secrets (an
 * RPC URL's API key, a database password) stay out of files and command lines.
 */
public final class EnvPlaceholders {
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

  private EnvPlaceholders() {}

  /**
   * Replaces every {@code ${NAME}} in {@code text} with that variable from {@code env}.
   *
   * @param setting names the setting in the error (a dotted path or a flag)
   * @throws ConfigException naming the setting and the variable if it is not set; the text around
   *     it, which may hold other secrets, is not repeated
   */
  public static String resolve(String text, Map<String, String> env, String setting) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = env.get(m.group(1));
      if (value == null) {
        throw new ConfigException(
            setting,
            setting + " refers to the environment variable " + m.group(1) + ", which is not set");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The values {@link #resolve} puts into {@code text}: secrets, maybe, never to be echoed. */
  static List<String> values(String text, Map<String, String> env) {
    List<String> values = new ArrayList<>();
    Matcher m = VARIABLE.matcher(text);
    while (m.find()) {
      String value = env.get(m.group(1));
      if (value != null) {
        values.add(value);
      }
    }
    return values;
  }

  /** Whether {@code text} refers to any environment variable. */
  public static boolean refersToEnvironment(String text) {
    return VARIABLE.matcher(text).find();
  }
}
