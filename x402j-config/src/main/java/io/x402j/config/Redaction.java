package io.x402j.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps credentials written in a URL out of messages: a URL's user-info ({@code user:password@})
 * and query ({@code ?apiKey=…}) are where passwords and API keys live. Used by {@link ValueParser}
 * for URL settings and by anything that reports a URL or a driver's message about one.
 */
public final class Redaction {
  private static final Pattern USER_INFO = Pattern.compile("(?<=//)([^/?#@\\s]*)@");
  private static final Pattern QUERY = Pattern.compile("\\?[^#\\s]*");
  private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password=)([^&;\\s]*)");

  private Redaction() {}

  /**
   * {@code url} with its user-info and query replaced by {@code ***}, e.g. {@code
   * https://***@rpc.example/v2?***}.
   */
  public static String url(String url) {
    String s = USER_INFO.matcher(Objects.requireNonNull(url, "url")).replaceAll("***@");
    return QUERY.matcher(s).replaceAll("?***");
  }

  /**
   * The credentials written in {@code url} — its user-info, the password in it, and the values of
   * {@code password=} parameters — to be scrubbed from any message that may repeat them (a JDBC
   * driver's, say). Empty when it has none.
   */
  public static List<String> credentials(String url) {
    List<String> found = new ArrayList<>();
    Matcher user = USER_INFO.matcher(Objects.requireNonNull(url, "url"));
    while (user.find()) {
      String info = user.group(1);
      found.add(info);
      int colon = info.indexOf(':');
      if (colon >= 0 && colon + 1 < info.length()) {
        found.add(info.substring(colon + 1));
      }
    }
    Matcher password = PASSWORD_PARAMETER.matcher(url);
    while (password.find()) {
      found.add(password.group(2));
    }
    found.removeIf(String::isEmpty);
    return found;
  }

  /**
   * {@code message} with every one of {@code secrets} replaced by {@code ***} and any {@code
   * password=} value hidden.
   */
  public static String scrub(String message, List<String> secrets) {
    String s = Objects.requireNonNull(message, "message");
    for (String secret : secrets) {
      if (secret != null && !secret.isEmpty()) {
        s = s.replace(secret, "***");
      }
    }
    return PASSWORD_PARAMETER.matcher(s).replaceAll("$1***");
  }
}
