package io.x402j.server;

import io.x402j.server.internal.Paths;
import java.util.regex.Pattern;

/**
 * How route paths were matched before {@link io.x402j.server.internal.PathGlob}: as a regular
 * expression, which is easy to read and therefore a good oracle, but backtracks without bound on
 * long paths. Only ever given short inputs.
 */
final class RegexRouteOracle {
  private RegexRouteOracle() {}

  static boolean matches(String patternPath, String requestPath) {
    boolean subtree = patternPath.endsWith("/*");
    String body =
        Paths.normalize(subtree ? patternPath.substring(0, patternPath.length() - 2) : patternPath);
    if (body.equals("/") && subtree) {
      body = "";
    }
    StringBuilder regex = new StringBuilder("^");
    int i = 0;
    while (i < body.length()) {
      char c = body.charAt(i);
      if (c == '*') {
        regex.append(".*?");
        i++;
      } else if (c == ':' && i + 1 < body.length() && nameStart(body.charAt(i + 1))) {
        int end = i + 1;
        while (end < body.length() && namePart(body.charAt(end))) {
          end++;
        }
        regex.append("[^/]+");
        i = end;
      } else if (c == '[' && body.indexOf(']', i) > i + 1) {
        regex.append("[^/]+");
        i = body.indexOf(']', i) + 1;
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
        i++;
      }
    }
    if (subtree) {
      regex.append("(?:/.*)?");
    }
    regex.append('$');
    return Pattern.compile(
            regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL)
        .matcher(Paths.normalize(requestPath))
        .matches();
  }

  private static boolean nameStart(char c) {
    return Character.isLetter(c) || c == '_';
  }

  private static boolean namePart(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }
}
