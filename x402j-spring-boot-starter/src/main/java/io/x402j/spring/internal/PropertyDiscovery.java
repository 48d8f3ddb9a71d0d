package io.x402j.spring.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.core.extensions.bazaar.BazaarDeclaration;
import io.x402j.core.extensions.bazaar.ServiceMetadata;
import io.x402j.core.support.JsonValues;
import io.x402j.core.support.Text;
import io.x402j.spring.X402jProperties;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code bazaar} declaration of a configured route ({@code x402j.routes[i].discovery.*}). Not
 * part of the x402j API.
 */
public final class PropertyDiscovery {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> QUERY_METHODS = List.of("GET", "HEAD", "DELETE");

  private PropertyDiscovery() {}

  /**
   * The declaration {@code d} describes for the route {@code pattern}.
   *
   * @param where the route's properties prefix, e.g. {@code x402j.routes[0]}, for errors
   * @throws IllegalArgumentException naming the property that is unusable
   */
  public static BazaarDeclaration declaration(
      String where, String pattern, X402jProperties.RouteDiscovery d) {
    String prefix = where + ".discovery.";
    String method = method(pattern);
    BazaarDeclaration.Builder b = BazaarDeclaration.http();
    Map<String, Object> queryExample = object(prefix + "query-example", d.getQueryExample());
    Map<String, Object> querySchema = object(prefix + "query-schema", d.getQuerySchema());
    boolean body =
        d.getBodyType() != null || d.getBodyExample() != null || d.getBodySchema() != null;
    if (body && method != null && QUERY_METHODS.contains(method)) {
      throw new IllegalArgumentException(
          prefix
              + "body-*: "
              + method
              + " has no body; describe POST, PUT or PATCH routes' bodies");
    }
    if ((queryExample != null || querySchema != null)
        && method != null
        && !QUERY_METHODS.contains(method)) {
      throw new IllegalArgumentException(
          prefix
              + "query-*: "
              + method
              + " routes declare a body, not query parameters (body-type, body-example,"
              + " body-schema)");
    }
    try {
      if (queryExample != null || querySchema != null) {
        b.queryParams(queryExample == null ? Map.of() : queryExample, querySchema);
      }
      if (body) {
        BazaarDeclaration.BodyType type;
        try {
          type =
              BazaarDeclaration.BodyType.parse(
                  d.getBodyType() == null ? "json" : d.getBodyType().strip());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              prefix
                  + "body-type must be json, form-data or text, got "
                  + Text.quote(d.getBodyType()),
              e);
        }
        b.body(
            type,
            value(prefix + "body-example", d.getBodyExample()),
            object(prefix + "body-schema", d.getBodySchema()));
      }
      if (d.getRouteTemplate() != null && !d.getRouteTemplate().isBlank()) {
        try {
          b.routeTemplate(d.getRouteTemplate().strip());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(prefix + "route-template: " + e.getMessage(), e);
        }
      }
      Object outputExample = value(prefix + "output-example", d.getOutputExample());
      if (outputExample != null) {
        b.output(outputExample);
      }
      Map<String, Object> outputSchema = object(prefix + "output-schema", d.getOutputSchema());
      if (outputSchema != null) {
        b.outputSchema(outputSchema);
      }
      return b.build();
    } catch (IllegalArgumentException e) {
      throw e.getMessage() != null && e.getMessage().startsWith(prefix)
          ? e
          : new IllegalArgumentException(prefix + " " + e.getMessage(), e);
    }
  }

  /**
   * The service metadata of {@code x402j.discovery.*}.
   *
   * @throws IllegalArgumentException naming the field that breaks the spec's rules
   */
  public static ServiceMetadata service(String where, X402jProperties.Discovery defaults) {
    ServiceMetadata.Sanitized s =
        ServiceMetadata.sanitize(
            blankToNull(defaults.getServiceName()),
            defaults.getTags() == null ? List.of() : defaults.getTags(),
            blankToNull(defaults.getIconUrl()));
    if (!s.dropped().isEmpty()) {
      throw new IllegalArgumentException(
          where + ": " + s.dropped().get(0) + " (x402j.discovery.*, used by discoverable routes)");
    }
    return s.metadata();
  }

  private static String method(String pattern) {
    String p = pattern.strip();
    int space = p.indexOf(' ');
    return space > 0 ? p.substring(0, space).toUpperCase(Locale.ROOT) : null;
  }

  private static Object value(String property, String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(
          property + " is not JSON text, e.g. {\"temperature\": 21}", e);
    }
    if (node == null || node.isMissingNode()) {
      throw new IllegalArgumentException(property + " is empty");
    }
    return JsonValues.fromNode(node);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(String property, String text) {
    Object value = value(property, text);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(property + " must be a JSON object");
    }
    return (Map<String, Object>) map;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
