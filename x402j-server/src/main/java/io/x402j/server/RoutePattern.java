package io.x402j.server;

import io.x402j.server.internal.PathGlob;
import io.x402j.server.internal.Paths;
import java.util.Locale;
import java.util.Objects;

/**
 * A route pattern as the official SDK writes them: an optional method, then a path in which {@code
 * :name} or {@code [name]} stands for one segment, {@code *} for any characters, and a trailing
 * {@code /*} for the path itself or anything below it. Paths compare case-insensitively after
 * normalisation (repeated and trailing slashes, {@code .} and {@code ..} segments). Braces are
 * refused: a Spring-style {@code {id}} would otherwise be literal text that no request matches.
 *
 * <p>Methods are matched as servers dispatch them: without a method the pattern matches every
 * method; {@code GET} also matches {@code HEAD}, which servers answer by running the {@code GET}
 * handler; and every pattern matches {@code OPTIONS} on its path, which an upstream may answer with
 * whatever it likes. CORS preflights are not priced at all: {@link PaymentGate} lets them through
 * before it looks at routes, as a pattern cannot see headers.
 *
 * <p>Examples: {@code GET /weather}, {@code /api/*}, {@code POST /users/:id/avatar}.
 */
public final class RoutePattern {
  private final String text;
  private final String method;
  private final PathGlob glob;

  private RoutePattern(String text, String method, PathGlob glob) {
    this.text = text;
    this.method = method;
    this.glob = glob;
  }

  /**
   * Parses a pattern.
   *
   * @throws IllegalArgumentException quoting a pattern that has no path starting with {@code /}
   */
  public static RoutePattern parse(String text) {
    Objects.requireNonNull(text, "pattern");
    String trimmed = text.strip();
    String[] parts = trimmed.split("\\s+");
    String method;
    String path;
    if (parts.length == 1) {
      method = null;
      path = parts[0];
    } else if (parts.length == 2) {
      method = parts[0].toUpperCase(Locale.ROOT);
      path = parts[1];
      if (!method.matches("[A-Z]+") && !method.equals("*")) {
        throw new IllegalArgumentException(
            "route " + quote(text) + " has an invalid method " + quote(parts[0]));
      }
      if (method.equals("*")) {
        method = null;
      }
    } else {
      throw new IllegalArgumentException(
          "route " + quote(text) + " must be \"[METHOD] /path\", e.g. \"GET /weather\"");
    }
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException(
          "route " + quote(text) + " needs a path starting with /, e.g. \"GET /weather\"");
    }
    if (path.indexOf('{') >= 0 || path.indexOf('}') >= 0) {
      // A Spring-style {id} here would be literal text, matching no real request: refused, so
      // that /users/42 is not served free under a pattern meant to price it.
      throw new IllegalArgumentException(
          "route "
              + quote(text)
              + " has a brace in its path: write a parameter as :name or [name] (e.g."
              + " \"GET /users/:id\" for /users/{id}); braces are not pattern syntax here");
    }
    return new RoutePattern(trimmed, method, compile(path));
  }

  private static PathGlob compile(String path) {
    boolean subtree = path.endsWith("/*");
    String body = Paths.normalize(subtree ? path.substring(0, path.length() - 2) : path);
    if (body.equals("/") && subtree) {
      body = "";
    }
    return PathGlob.compile(body, subtree);
  }

  /** Whether a request with {@code method} and (decoded) {@code path} falls under the pattern. */
  public boolean matches(String method, String path) {
    String m = method.toUpperCase(Locale.ROOT);
    boolean methodMatches =
        this.method == null
            || this.method.equals(m)
            || m.equals("HEAD") && this.method.equals("GET")
            || m.equals("OPTIONS");
    return methodMatches && glob.matches(Paths.normalize(path));
  }

  /**
   * The method the pattern is written for, or {@code null} for all. {@code GET} patterns also match
   * {@code HEAD}, and every pattern matches {@code OPTIONS}.
   */
  public String method() {
    return method;
  }

  @Override
  public String toString() {
    return text;
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }
}
