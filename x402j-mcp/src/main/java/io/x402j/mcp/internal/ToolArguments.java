package io.x402j.mcp.internal;

import io.x402j.core.support.Text;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a tool call's arguments strictly: every problem is a {@link BadArgument} naming the
 * argument and what is wrong, which the tool answers with an {@code isError} result.
 */
public final class ToolArguments {
  /** The methods {@code x402_fetch} sends. */
  public static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  /** The methods that may carry a body. */
  static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH", "DELETE");

  private final Map<String, Object> arguments;

  /** An argument the caller got wrong. */
  public static final class BadArgument extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    BadArgument(String message) {
      super(message);
    }
  }

  private ToolArguments(Map<String, Object> arguments) {
    this.arguments = arguments == null ? Map.of() : arguments;
  }

  /** The arguments of a call, checked against the names a tool knows. */
  public static ToolArguments of(Map<String, Object> arguments, Set<String> known) {
    ToolArguments args = new ToolArguments(arguments);
    for (String name : args.arguments.keySet()) {
      if (!known.contains(name)) {
        throw new BadArgument(
            "unknown argument "
                + Text.quote(name)
                + "; this tool takes "
                + String.join(", ", known));
      }
    }
    return args;
  }

  /** An http(s) URL with a host. */
  public URI url(String name) {
    String text = optionalString(name);
    if (text == null || text.isBlank()) {
      throw new BadArgument(name + " is required: the http:// or https:// URL to request");
    }
    URI uri;
    try {
      uri = new URI(text.strip());
    } catch (URISyntaxException e) {
      throw new BadArgument(name + " " + Text.quote(text) + " is not a URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new BadArgument(name + " " + Text.quote(text) + " must start with http:// or https://");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new BadArgument(name + " " + Text.quote(text) + " has no host");
    }
    return uri;
  }

  /** A string, or {@code null} when absent. */
  public String optionalString(String name) {
    Object value = arguments.get(name);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s)) {
      throw new BadArgument(name + " must be a string, got " + kind(value));
    }
    return s;
  }

  /** A whole number from {@code min} to {@code max}, or {@code fallback} when absent. */
  public int optionalInt(String name, int min, int max, int fallback) {
    Object value = arguments.get(name);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number n)) {
      throw new BadArgument(name + " must be a whole number, got " + kind(value));
    }
    java.math.BigDecimal number;
    try {
      number = new java.math.BigDecimal(n.toString());
    } catch (NumberFormatException e) {
      throw new BadArgument(name + " must be a whole number, got " + Text.quote(n.toString()));
    }
    if (number.stripTrailingZeros().scale() > 0
        || number.compareTo(java.math.BigDecimal.valueOf(min)) < 0
        || number.compareTo(java.math.BigDecimal.valueOf(max)) > 0) {
      throw new BadArgument(
          name + " must be a whole number from " + min + " to " + max + ", got " + n);
    }
    return number.intValueExact();
  }

  /** The method, upper case; {@code POST} with a body and {@code GET} without when absent. */
  public String method(String name, boolean hasBody) {
    String text = optionalString(name);
    if (text == null) {
      return hasBody ? "POST" : "GET";
    }
    String method = text.strip().toUpperCase(Locale.ROOT);
    if (!METHODS.contains(method)) {
      throw new BadArgument(
          name
              + " "
              + Text.quote(text)
              + " is not one of "
              + String.join(", ", METHODS.stream().sorted().toList()));
    }
    if (hasBody && !BODY_METHODS.contains(method)) {
      throw new BadArgument("a body is not sent with " + method + "; use POST, PUT or PATCH");
    }
    return method;
  }

  /** An object of header names to string values; empty when absent. */
  public Map<String, String> headers(String name) {
    Object value = arguments.get(name);
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new BadArgument(
          name + " must be an object of header names to values, got " + kind(value));
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String header = String.valueOf(e.getKey());
      if (!header.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
        throw new BadArgument(name + ": " + Text.quote(header) + " is not a header name");
      }
      if (!(e.getValue() instanceof String v)) {
        throw new BadArgument(name + "." + header + " must be a string, got " + kind(e.getValue()));
      }
      if (v.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
        throw new BadArgument(name + "." + header + " must not hold line breaks");
      }
      headers.put(header, v);
    }
    return headers;
  }

  private static String kind(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Map) {
      return "an object";
    }
    if (value instanceof java.util.List) {
      return "an array";
    }
    if (value instanceof Number) {
      return "a number";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    return "a string";
  }
}
