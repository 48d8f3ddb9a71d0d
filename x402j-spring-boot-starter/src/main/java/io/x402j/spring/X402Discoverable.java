package io.x402j.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes an {@link X402Price} handler discoverable: its 402s declare the {@code bazaar} extension,
 * so that a facilitator that catalogues resources lists it once a payment echoes it. What the
 * handler takes is derived from its signature:
 *
 * <ul>
 *   <li>the method is the request's (pinned in each 402); the resource's description and media type
 *       are {@link X402Price#description} and {@link X402Price#mimeType};
 *   <li>a mapping with variables ({@code /users/{id}}) declares the route template {@code
 *       /users/:id} (with the servlet context path before it) and the request's path parameters;
 *       the {@code @PathVariable} parameters give their schema;
 *   <li>{@code @RequestParam} parameters give the query parameters' schema (their names, JSON types
 *       and which are required; a default value is the example);
 *   <li>for POST, PUT and PATCH, a {@code @RequestBody} parameter gives the body: {@code text} for
 *       a {@code String}, else {@code json} with a schema built from the type — a record's
 *       components or a bean's getters, three levels deep, each {@code string}, {@code integer},
 *       {@code number}, {@code boolean}, {@code array} or {@code object} (no formats, no {@code
 *       required}, nothing from Jackson or validation annotations: a modest description, not a
 *       contract);
 *   <li>the response's schema comes from the return type the same way, when it is a record or a
 *       bean (see {@link #deriveOutputSchema}); {@link #outputSchema} and {@link #outputExample}
 *       replace it.
 * </ul>
 *
 * <p>JSON attributes are JSON text; schemas may only refer within themselves. A value that breaks
 * the spec's rules (a route template, JSON that does not parse, service metadata) stops the
 * application's start with an error naming the handler and the attribute.
 *
 * <pre>{@code
 * @GetMapping("/weather/{city}")
 * @X402Price(value = "$0.001", description = "Weather by city", mimeType = "application/json")
 * @X402Discoverable(outputExample = "{\"temperature\": 21}", tags = "weather")
 * Weather weather(@PathVariable String city, @RequestParam(defaultValue = "metric") String units)
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface X402Discoverable {
  /** An example response, JSON text (e.g. {@code {"temperature": 21}}); none by default. */
  String outputExample() default "";

  /**
   * JSON Schema keywords describing the response, a JSON object (with {@link #outputExample}, the
   * example's); without either, derived from the return type (see {@link #deriveOutputSchema}).
   */
  String outputSchema() default "";

  /**
   * Whether, without an {@link #outputSchema} or {@link #outputExample}, the response's schema is
   * derived from the handler's return type (default {@code true}). Only records and beans are
   * described (a record's components, a bean's getters, three levels deep, as for request bodies),
   * also inside an array or collection and after unwrapping {@code ResponseEntity}, {@code
   * HttpEntity}, {@code Optional}, {@code CompletableFuture}/{@code CompletionStage}, {@code
   * Callable}, {@code DeferredResult} and {@code WebAsyncTask}; text, numbers, maps, {@code Object}
   * and {@code void} declare no output. Jackson annotations ({@code @JsonProperty},
   * {@code @JsonIgnore}, naming strategies) are not read: the names are the Java names.
   */
  boolean deriveOutputSchema() default true;

  /** The route template to declare instead of the derived one, e.g. {@code /users/:id}. */
  String routeTemplate() default "";

  /** The service's name; default {@code x402j.discovery.service-name}. */
  String serviceName() default "";

  /** Topical tags (at most 5); default {@code x402j.discovery.tags}. */
  String[] tags() default {};

  /** An icon's URL; default {@code x402j.discovery.icon-url}. */
  String iconUrl() default "";
}
