package io.x402j.server;

import io.x402j.core.extensions.bazaar.BazaarDeclaration;
import io.x402j.core.extensions.bazaar.RouteTemplate;
import io.x402j.server.RouteResolver.ResolvedRoute;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code bazaar} discovery extension of the gate: a route whose {@link PaidRoute#discovery} is
 * set declares it in every 402, enriched for the request as the official server extension does —
 * {@code method} pinned to the request's, and for a pattern with parameters the {@code
 * routeTemplate} (parameters written {@code :name}; {@code [name]}, {@code {name}} and a {@code *}
 * segment become {@code :name}, {@code :name}, {@code :varN}) with the request's {@code
 * pathParams}. A template that breaks the spec's rules is left out (the facilitator then catalogues
 * the concrete path). When the application is mounted under a prefix (a servlet context path, so
 * that the request's URL path is longer than the path the routes match), the template starts with
 * that prefix, so that it names the URL a buyer calls. {@code HEAD} and {@code OPTIONS} requests
 * (and any method other than GET, DELETE, POST, PUT, PATCH) declare nothing: nobody buys a HEAD or
 * a preflight, and a catalogue entry under that method would be useless. Every gate has one unless
 * another extension with the key {@code bazaar} is registered. Immutable.
 */
public final class BazaarDiscovery implements GateExtension {
  private static final Pattern SEGMENT_PARAM =
      Pattern.compile(
          "^(?::([a-zA-Z_][a-zA-Z0-9_]*)|\\[([a-zA-Z_][a-zA-Z0-9_]*)]"
              + "|\\{([a-zA-Z_][a-zA-Z0-9_]*)(?::[^}]*)?})$");

  private static final Pattern COLON_PARAM = Pattern.compile(":([a-zA-Z_][a-zA-Z0-9_]*)");
  private static final Pattern BRACKET_PARAM = Pattern.compile("\\[([a-zA-Z_][a-zA-Z0-9_]*)]");

  /** The extension. */
  public BazaarDiscovery() {}

  @Override
  public String key() {
    return BazaarDeclaration.KEY;
  }

  @Override
  public Optional<Object> declare(ResolvedRoute route, GateRequest request) {
    Optional<BazaarDeclaration> discovery = route.route().discovery();
    if (discovery.isEmpty()) {
      return Optional.empty();
    }
    BazaarDeclaration declaration = discovery.get();
    if (declaration.isMcp()) {
      return Optional.of(declaration.toExtension());
    }
    String method = request.method().toUpperCase(Locale.ROOT);
    if (method.equals("HEAD")
        || !BazaarDeclaration.QUERY_METHODS.contains(method)
            && !BazaarDeclaration.BODY_METHODS.contains(method)) {
      return Optional.empty();
    }
    String template = declaration.routeTemplate();
    if (template == null) {
      template =
          template(route.pattern())
              .map(t -> mounted(t, request))
              .filter(RouteTemplate::isValid)
              .orElse(null);
    }
    Map<String, String> params = Map.of();
    if (template != null) {
      params = pathParams(template, urlPath(request));
      if (params.isEmpty()) {
        params = pathParams(template, request.path()); // an explicit template, without the prefix
      }
    }
    return Optional.of(declaration.forRequest(method, template, params));
  }

  /** {@code template} under the prefix the application is mounted at (none: as it is). */
  static String mounted(String template, GateRequest request) {
    String full = urlPath(request);
    String path = request.path();
    if (full.length() > path.length() && full.endsWith(path) && path.startsWith("/")) {
      return full.substring(0, full.length() - path.length()) + template;
    }
    return template;
  }

  /** The decoded path of the request's URL (the application's path when it has none). */
  private static String urlPath(GateRequest request) {
    try {
      String p = URI.create(request.url()).getPath();
      return p == null || p.isEmpty() ? request.path() : p;
    } catch (IllegalArgumentException e) {
      return request.path();
    }
  }

  /**
   * The route template of {@code pattern} ({@code [METHOD] /path}): its path with each parameter
   * segment written {@code :name}; empty for a static path, a wildcard-only path, a pattern listing
   * several paths, or a template the spec's rules refuse.
   */
  static Optional<String> template(String pattern) {
    String[] parts = pattern.strip().split("\\s+");
    if (parts.length > 2) {
      return Optional.empty(); // several paths (a Spring mapping "GET /a | /b"): no single template
    }
    String path = parts[parts.length - 1];
    if (!path.startsWith("/")) {
      return Optional.empty();
    }
    String[] segments = path.split("/", -1);
    boolean dynamic = false;
    boolean onlyWildcards = true;
    int wildcards = 0;
    List<String> out = new ArrayList<>();
    for (String segment : segments) {
      if (segment.isEmpty()) {
        out.add(segment);
        continue;
      }
      if (segment.equals("*")) {
        out.add(":var" + ++wildcards);
        dynamic = true;
        continue;
      }
      onlyWildcards = false;
      Matcher m = SEGMENT_PARAM.matcher(segment);
      if (m.matches()) {
        String name =
            m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
        out.add(":" + name);
        dynamic = true;
      } else {
        // A parameter with literal text around it in its segment (/users/:id.json, /[id].json),
        // which the pattern reads as a parameter too.
        String written = BRACKET_PARAM.matcher(segment).replaceAll(":$1");
        out.add(written);
        dynamic |= COLON_PARAM.matcher(written).find();
      }
    }
    if (!dynamic || onlyWildcards) {
      return Optional.empty();
    }
    String template = String.join("/", out);
    return RouteTemplate.isValid(template) ? Optional.of(template) : Optional.empty();
  }

  /**
   * The values of {@code template}'s parameters in {@code path}; empty when it does not match. A
   * segment holds at most one parameter, {@code :name} with any literal text around it ({@code
   * /users/:id.json} reads {@code id} = {@code 42} from {@code /users/42.json}, as the official
   * server extension does); a segment with several is not guessed at (no parameters).
   */
  static Map<String, String> pathParams(String template, String path) {
    String[] t = template.split("/", -1);
    String[] p = path.split("/", -1);
    if (t.length != p.length) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < t.length; i++) {
      Matcher m = COLON_PARAM.matcher(t[i]);
      if (!m.find()) {
        if (!t[i].equalsIgnoreCase(p[i])) {
          return Map.of();
        }
        continue;
      }
      String prefix = t[i].substring(0, m.start());
      String suffix = t[i].substring(m.end());
      if (COLON_PARAM.matcher(suffix).find()) {
        return Map.of();
      }
      String segment = p[i];
      int end = segment.length() - suffix.length();
      if (end <= prefix.length()
          || !segment.regionMatches(true, 0, prefix, 0, prefix.length())
          || !segment.regionMatches(true, end, suffix, 0, suffix.length())) {
        return Map.of();
      }
      out.put(m.group(1), segment.substring(prefix.length(), end));
    }
    return out;
  }
}
