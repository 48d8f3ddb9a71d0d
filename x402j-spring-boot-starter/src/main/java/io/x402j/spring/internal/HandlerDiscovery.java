package io.x402j.spring.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.core.extensions.bazaar.BazaarDeclaration;
import io.x402j.core.extensions.bazaar.ServiceMetadata;
import io.x402j.core.support.JsonValues;
import io.x402j.spring.X402Discoverable;
import io.x402j.spring.X402jProperties;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.UUID;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ValueConstants;
import org.springframework.web.method.HandlerMethod;

/**
 * The {@code bazaar} declaration and service metadata of an {@link X402Discoverable} handler,
 * derived from its parameters. Not part of the x402j API.
 */
public final class HandlerDiscovery {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_DEPTH = 3;

  private HandlerDiscovery() {}

  /**
   * The declaration of {@code handler}.
   *
   * @param where names the handler in errors
   * @throws IllegalArgumentException naming the handler and the attribute that is unusable
   */
  public static BazaarDeclaration declaration(
      String where, HandlerMethod handler, X402Discoverable discoverable) {
    BazaarDeclaration.Builder b = BazaarDeclaration.http();
    Map<String, Object> pathProperties = new LinkedHashMap<>();
    List<String> pathRequired = new ArrayList<>();
    Map<String, Object> queryProperties = new LinkedHashMap<>();
    Map<String, Object> queryExample = new LinkedHashMap<>();
    List<String> queryRequired = new ArrayList<>();
    DefaultParameterNameDiscoverer names = new DefaultParameterNameDiscoverer();
    for (MethodParameter parameter : handler.getMethodParameters()) {
      parameter.initParameterNameDiscovery(names);
      PathVariable path = parameter.getParameterAnnotation(PathVariable.class);
      RequestParam query = parameter.getParameterAnnotation(RequestParam.class);
      RequestBody body = parameter.getParameterAnnotation(RequestBody.class);
      if (path != null) {
        String name = name(path.name(), parameter);
        if (name != null && !Map.class.isAssignableFrom(parameter.getParameterType())) {
          pathProperties.put(name, schemaOf(parameter.getGenericParameterType(), 1));
          pathRequired.add(name);
        }
      } else if (query != null) {
        String name = name(query.name(), parameter);
        if (name == null || Map.class.isAssignableFrom(parameter.getParameterType())) {
          continue; // a map of every parameter names none
        }
        queryProperties.put(name, schemaOf(parameter.getGenericParameterType(), 1));
        boolean defaulted = !ValueConstants.DEFAULT_NONE.equals(query.defaultValue());
        if (defaulted) {
          // A default Spring resolves per request (${property}, #{expression}) is no example: its
          // text would publish the seller's configuration, and the value may be a secret.
          if (!placeholder(query.defaultValue())) {
            queryExample.put(name, query.defaultValue());
          }
        } else if (query.required() && !parameter.isOptional()) {
          queryRequired.add(name);
        }
      } else if (body != null) {
        Class<?> type = parameter.getParameterType();
        if (type == String.class) {
          b.body(BazaarDeclaration.BodyType.TEXT, null, null);
        } else {
          b.body(
              BazaarDeclaration.BodyType.JSON,
              null,
              schemaOf(parameter.getGenericParameterType(), 1));
        }
      }
    }
    if (!pathProperties.isEmpty()) {
      b.pathParamsSchema(objectKeywords(pathProperties, pathRequired));
    }
    if (!queryProperties.isEmpty()) {
      b.queryParams(queryExample, objectKeywords(queryProperties, queryRequired));
    }
    try {
      if (!discoverable.routeTemplate().isBlank()) {
        b.routeTemplate(discoverable.routeTemplate().strip());
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": routeTemplate: " + e.getMessage(), e);
    }
    if (!discoverable.outputExample().isBlank()) {
      b.output(json(where, "outputExample", discoverable.outputExample()));
    }
    if (discoverable.outputSchema().isBlank()
        && discoverable.outputExample().isBlank()
        && discoverable.deriveOutputSchema()) {
      Map<String, Object> derived = returnSchema(handler);
      if (derived != null) {
        b.outputSchema(derived);
      }
    }
    if (!discoverable.outputSchema().isBlank()) {
      Object schema = json(where, "outputSchema", discoverable.outputSchema());
      if (!(schema instanceof Map<?, ?> map)) {
        throw new IllegalArgumentException(where + ": outputSchema must be a JSON object");
      }
      try {
        b.outputSchema(castMap(map));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": outputSchema: " + e.getMessage(), e);
      }
    }
    return b.build();
  }

  /**
   * The service metadata of {@code handler}: the annotation's fields, else {@code
   * x402j.discovery.*}.
   *
   * @throws IllegalArgumentException naming the field that breaks the spec's rules
   */
  public static ServiceMetadata service(
      String where, X402Discoverable discoverable, X402jProperties.Discovery defaults) {
    String name =
        !discoverable.serviceName().isBlank()
            ? discoverable.serviceName()
            : blankToNull(defaults.getServiceName());
    List<String> tags =
        discoverable.tags().length > 0
            ? Arrays.asList(discoverable.tags())
            : defaults.getTags() == null ? List.of() : defaults.getTags();
    String icon =
        !discoverable.iconUrl().isBlank()
            ? discoverable.iconUrl()
            : blankToNull(defaults.getIconUrl());
    ServiceMetadata.Sanitized s = ServiceMetadata.sanitize(name, tags, icon);
    if (!s.dropped().isEmpty()) {
      throw new IllegalArgumentException(
          where
              + ": "
              + s.dropped().get(0)
              + " (from @X402Discoverable, or x402j.discovery.* when the annotation gives none)");
    }
    return s.metadata();
  }

  private static boolean placeholder(String value) {
    return value.contains("${") || value.contains("#{");
  }

  /** Types whose first type argument is what the handler really returns. */
  private static final List<String> WRAPPERS =
      List.of(
          "org.springframework.http.ResponseEntity",
          "org.springframework.http.HttpEntity",
          "java.util.Optional",
          "java.util.concurrent.CompletableFuture",
          "java.util.concurrent.CompletionStage",
          "java.util.concurrent.Callable",
          "org.springframework.web.context.request.async.DeferredResult",
          "org.springframework.web.context.request.async.WebAsyncTask");

  /**
   * The schema of what {@code handler} returns, when that is a record or a bean (an object with
   * properties) or an array or collection of them, after unwrapping {@link #WRAPPERS}; {@code null}
   * for anything else (void, text, numbers, maps, {@code Object}, raw types), which declares no
   * output.
   */
  static Map<String, Object> returnSchema(HandlerMethod handler) {
    ResolvableType type = ResolvableType.forMethodReturnType(handler.getMethod());
    for (int i = 0; i < 4; i++) {
      Class<?> raw = type.resolve();
      if (raw == null || !WRAPPERS.contains(raw.getName())) {
        break;
      }
      type = type.as(raw).getGeneric(0);
    }
    Class<?> raw = type.resolve();
    if (raw == null || raw == void.class || raw == Void.class) {
      return null;
    }
    Map<String, Object> schema = schemaOf(type.getType(), 1);
    Object items = schema.get("items");
    boolean described =
        schema.containsKey("properties")
            || (items instanceof Map<?, ?> item && item.containsKey("properties"));
    return described ? schema : null;
  }

  private static String name(String declared, MethodParameter parameter) {
    return !declared.isEmpty() ? declared : parameter.getParameterName();
  }

  private static Map<String, Object> objectKeywords(
      Map<String, Object> properties, List<String> required) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("properties", properties);
    if (!required.isEmpty()) {
      out.put("required", required);
    }
    return out;
  }

  /** A JSON Schema for {@code type}: its JSON type, and for objects their properties. */
  static Map<String, Object> schemaOf(Type type, int depth) {
    ResolvableType resolvable = ResolvableType.forType(type);
    Class<?> raw = resolvable.resolve(Object.class);
    Map<String, Object> out = new LinkedHashMap<>();
    if (raw == Optional.class) {
      return schemaOf(resolvable.getGeneric(0).getType(), depth);
    }
    if (raw == OptionalInt.class || raw == OptionalLong.class) {
      out.put("type", "integer");
    } else if (raw == String.class
        || raw == Character.class
        || raw == char.class
        || raw == UUID.class
        || raw.isEnum()
        || raw.getName().startsWith("java.time.")) {
      out.put("type", "string");
    } else if (raw == boolean.class || raw == Boolean.class) {
      out.put("type", "boolean");
    } else if (raw == int.class
        || raw == long.class
        || raw == short.class
        || raw == byte.class
        || raw == Integer.class
        || raw == Long.class
        || raw == Short.class
        || raw == Byte.class
        || raw == BigInteger.class) {
      out.put("type", "integer");
    } else if (Number.class.isAssignableFrom(raw)
        || raw == double.class
        || raw == float.class
        || raw == BigDecimal.class) {
      out.put("type", "number");
    } else if (raw.isArray() || Collection.class.isAssignableFrom(raw)) {
      out.put("type", "array");
      Type item =
          raw.isArray()
              ? raw.getComponentType()
              : resolvable.asCollection().getGeneric(0).resolve(Object.class);
      if (depth < MAX_DEPTH && item != Object.class) {
        out.put("items", schemaOf(item, depth + 1));
      }
    } else {
      out.put("type", "object");
      if (depth < MAX_DEPTH && !Map.class.isAssignableFrom(raw) && raw != Object.class) {
        Map<String, Object> properties = properties(raw, depth);
        if (!properties.isEmpty()) {
          out.put("properties", properties);
        }
      }
    }
    return out;
  }

  private static Map<String, Object> properties(Class<?> raw, int depth) {
    Map<String, Object> properties = new LinkedHashMap<>();
    if (raw.isRecord()) {
      for (RecordComponent c : raw.getRecordComponents()) {
        properties.put(c.getName(), schemaOf(c.getGenericType(), depth + 1));
      }
      return properties;
    }
    if (raw.getName().startsWith("java.")) {
      return properties;
    }
    try {
      for (PropertyDescriptor p :
          Introspector.getBeanInfo(raw, Object.class).getPropertyDescriptors()) {
        Method read = p.getReadMethod();
        if (read != null) {
          properties.put(p.getName(), schemaOf(read.getGenericReturnType(), depth + 1));
        }
      }
    } catch (java.beans.IntrospectionException e) {
      return properties; // not a bean: an object without a description of its fields
    }
    return properties;
  }

  private static Object json(String where, String attribute, String text) {
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(
          where + ": " + attribute + " is not JSON text, e.g. {\"temperature\": 21}", e);
    }
    if (node == null || node.isMissingNode()) {
      throw new IllegalArgumentException(where + ": " + attribute + " is empty");
    }
    return JsonValues.fromNode(node);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
