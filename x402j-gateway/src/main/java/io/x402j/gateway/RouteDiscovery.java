package io.x402j.gateway;

import io.x402j.config.ConfigException;
import io.x402j.config.ConfigSection;
import io.x402j.config.ValueParser;
import io.x402j.core.extensions.bazaar.BazaarDeclaration;
import io.x402j.core.extensions.bazaar.ServiceMetadata;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Reads a route's {@code discovery} section and the {@code service} metadata of a file. */
final class RouteDiscovery {
  private RouteDiscovery() {}

  /**
   * The declaration of {@code routes[i].discovery} for the route {@code pattern}.
   *
   * @throws ConfigException naming the key that is unknown or breaks the spec's rules
   */
  static BazaarDeclaration read(ConfigSection d, String pattern) {
    d.allowOnly("routeTemplate", "input", "output");
    BazaarDeclaration.Builder b = BazaarDeclaration.http();
    d.find("routeTemplate", ValueParser.text())
        .ifPresent(t -> apply(d.path("routeTemplate"), () -> b.routeTemplate(t)));
    ConfigSection input =
        d.section("input").allowOnly("queryParams", "body", "headers", "pathParams");
    if (input.has("queryParams")) {
      ConfigSection q = input.section("queryParams").allowOnly("example", "schema");
      apply(
          q.path(),
          () ->
              b.queryParams(
                  object(q, "example").orElse(Map.of()), object(q, "schema").orElse(null)));
    }
    if (input.has("body")) {
      ConfigSection body = input.section("body").allowOnly("type", "example", "schema");
      String method = method(pattern);
      if (method != null && !BazaarDeclaration.BODY_METHODS.contains(method)) {
        throw new ConfigException(
            body.path(),
            body.path()
                + ": the route "
                + pattern
                + " takes no body (only POST, PUT and PATCH declare one)");
      }
      BazaarDeclaration.BodyType type =
          body.get(
              "type",
              ValueParser.of("json, form-data or text", BazaarDeclaration.BodyType::parse),
              BazaarDeclaration.BodyType.JSON);
      Object example = body.json("example").orElse(null);
      apply(body.path(), () -> b.body(type, example, object(body, "schema").orElse(null)));
    }
    if (input.has("headers")) {
      Map<String, Object> headers = object(input, "headers").orElseThrow();
      Map<String, String> text = new java.util.LinkedHashMap<>();
      headers.forEach((k, v) -> text.put(k, String.valueOf(v)));
      apply(input.path("headers"), () -> b.headers(text));
    }
    if (input.has("pathParams")) {
      ConfigSection p = input.section("pathParams").allowOnly("schema");
      object(p, "schema").ifPresent(s -> apply(p.path("schema"), () -> b.pathParamsSchema(s)));
    }
    ConfigSection output = d.section("output").allowOnly("example", "schema");
    Optional<Object> example = output.json("example");
    if (example.isPresent()) {
      apply(output.path("example"), () -> b.output(example.get()));
      object(output, "schema")
          .ifPresent(s -> apply(output.path("schema"), () -> b.outputSchema(s)));
    } else if (output.has("schema")) {
      throw new ConfigException(
          output.path("schema"),
          output.path("schema") + " describes output.example, which is not given");
    }
    return b.build();
  }

  /**
   * The {@code service} section ({@code name}, {@code tags}, {@code iconUrl}).
   *
   * @throws ConfigException naming the field that breaks the spec's rules
   */
  static ServiceMetadata service(ConfigSection s) {
    s.allowOnly("name", "tags", "iconUrl");
    return new ServiceMetadata(
        s.get("name", GatewayConfig.SERVICE_NAME, null),
        tags(s.path("tags"), s.list("tags", GatewayConfig.TAG)),
        s.get("iconUrl", GatewayConfig.ICON_URL, null));
  }

  /**
   * {@code tags}, when they are at most 5 distinct ones.
   *
   * @throws ConfigException naming {@code setting} otherwise
   */
  static List<String> tags(String setting, List<String> tags) {
    if (!ServiceMetadata.sanitizeTags(tags).equals(tags)) {
      throw new ConfigException(
          setting,
          setting + ": give at most 5 tags, each once (ignoring case), got " + tags.size());
    }
    return tags;
  }

  /** The upper-case method of {@code pattern} ({@code GET /x}), or null when it names none. */
  static String method(String pattern) {
    String[] parts = pattern.strip().split("\\s+");
    return parts.length > 1 ? parts[0].toUpperCase(Locale.ROOT) : null;
  }

  @SuppressWarnings("unchecked")
  private static Optional<Map<String, Object>> object(ConfigSection s, String key) {
    Optional<Object> value = s.json(key);
    if (value.isPresent() && !(value.get() instanceof Map)) {
      throw new ConfigException(s.path(key), s.path(key) + " must be a mapping");
    }
    return value.map(v -> (Map<String, Object>) v);
  }

  private static void apply(String where, Runnable step) {
    try {
      step.run();
    } catch (IllegalArgumentException | IllegalStateException e) {
      if (e instanceof ConfigException) {
        throw e;
      }
      throw new ConfigException(where, where + ": " + e.getMessage());
    }
  }
}
