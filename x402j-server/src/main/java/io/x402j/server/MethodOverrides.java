package io.x402j.server;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Finds the ways a request can ask its server to run another method than the one on its request
 * line: headers ({@code X-HTTP-Method-Override} and kin, honoured by ASP.NET Core, Google APIs and
 * others) and a {@code _method} parameter in the query, a form or a JSON body (Rails, Laravel,
 * Symfony). A gate prices the request-line method, so a proxy in front of such a server must not
 * forward them; adapters that forward requests use this.
 */
public final class MethodOverrides {
  /** Header names that override the method, lower case with {@code -}. */
  public static final Set<String> HEADERS =
      Set.of("x-http-method-override", "x-http-method", "x-method-override");

  /**
   * A parameter name that some framework reads as {@code _method}: {@code _method} itself, or with
   * its first character as PHP rewrites it to {@code _} ({@code .}, {@code [}, a space), in a
   * query, a form (typed or not: Rack reads an untyped POST body as one), a multipart part name
   * (quoted or not) or a JSON key — at a name boundary, and not a longer word ({@code _methods}).
   */
  private static final Pattern NAME =
      Pattern.compile("(?:^|[\\s&;?\"'{,=(\\[])[._\\[ ]method(?![a-z0-9_])");

  private MethodOverrides() {}

  /**
   * The first method override the request carries, described for an error message, or empty.
   *
   * @param header the value of a header by its lower-case, {@code -}-separated name, or null
   * @param query the raw query string, or null
   * @param contentType the Content-Type header, or null (not consulted: every body is searched)
   * @param body the request body
   */
  public static Optional<String> find(
      Function<String, String> header, String query, String contentType, byte[] body) {
    for (String name : HEADERS) {
      if (header.apply(name) != null) {
        return Optional.of("the header " + name);
      }
    }
    if (query != null && names(query)) {
      return Optional.of("a _method query parameter");
    }
    if (body.length > 0 && names(new String(body, StandardCharsets.ISO_8859_1))) {
      return Optional.of("a _method field in the body");
    }
    return Optional.empty();
  }

  /** Whether {@code text}, as sent or percent-decoded, names the parameter anywhere. */
  private static boolean names(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    if (NAME.matcher(lower).find() || lower.contains("\\u005fmethod")) {
      return true;
    }
    String decoded;
    try {
      decoded = URLDecoder.decode(lower, StandardCharsets.ISO_8859_1);
    } catch (IllegalArgumentException e) {
      decoded = lower.replace("%5f", "_").replace("%2e", ".").replace("%5b", "[");
    }
    return !decoded.equals(lower) && NAME.matcher(decoded.toLowerCase(Locale.ROOT)).find();
  }
}
