package io.x402j.server.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Finds the ways a request can ask its server to run another method than the one on its request
 * line: headers ({@code X-HTTP-Method-Override} and kin, honoured by ASP.NET Core, Google APIs and
 * others) and a {@code _method} parameter in the query, a form or a JSON body (Rails, Laravel,
 * Symfony). A gate prices the request-line method, so a proxy in front of such a server must not
 * forward them. Not part of the x402j API.
 */
public final class MethodOverrides {
  /** Header names that override the method, lower case with {@code -}. */
  public static final Set<String> HEADERS =
      Set.of("x-http-method-override", "x-http-method", "x-method-override");

  private static final String PARAMETER = "_method";
  private static final JsonFactory JSON = new JsonFactory();

  private MethodOverrides() {}

  /**
   * The first method override the request carries, described for an error message, or empty.
   *
   * @param header the value of a header by its lower-case, {@code -}-separated name, or null
   * @param query the raw query string, or null
   * @param contentType the Content-Type header, or null
   * @param body the request body
   */
  public static Optional<String> find(
      Function<String, String> header, String query, String contentType, byte[] body) {
    for (String name : HEADERS) {
      if (header.apply(name) != null) {
        return Optional.of("the header " + name);
      }
    }
    if (query != null && hasParameter(query)) {
      return Optional.of("a " + PARAMETER + " query parameter");
    }
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    if (body.length == 0) {
      return Optional.empty();
    }
    if (type.startsWith("application/x-www-form-urlencoded")
        && hasParameter(new String(body, StandardCharsets.ISO_8859_1))) {
      return Optional.of("a " + PARAMETER + " form field");
    }
    if (type.startsWith("multipart/")
        && new String(body, StandardCharsets.ISO_8859_1)
            .toLowerCase(Locale.ROOT)
            .contains("name=\"" + PARAMETER + "\"")) {
      return Optional.of("a " + PARAMETER + " form field");
    }
    if (type.contains("json") && hasTopLevelKey(body)) {
      return Optional.of("a " + PARAMETER + " field in the JSON body");
    }
    return Optional.empty();
  }

  /** Whether a query or form string names the parameter, however it is encoded. */
  private static boolean hasParameter(String encoded) {
    for (String pair : encoded.split("[&;]")) {
      String name = pair.split("=", 2)[0];
      String decoded;
      try {
        decoded = URLDecoder.decode(name, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        decoded = name;
      }
      // Frameworks differ on case and on array spellings such as _method[]: be generous.
      if (decoded.trim().toLowerCase(Locale.ROOT).startsWith(PARAMETER)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a JSON object body has the parameter among its top-level keys. */
  private static boolean hasTopLevelKey(byte[] body) {
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        if (parser.currentName().toLowerCase(Locale.ROOT).startsWith(PARAMETER)) {
          return true;
        }
        parser.nextToken();
        parser.skipChildren();
      }
      return false;
    } catch (IOException e) {
      return false; // not JSON the server could read either
    }
  }
}
