package io.x402j.server;

import io.x402j.server.internal.SimpleGateRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the gate needs to know of an HTTP request, whatever framework received it. Implementations
 * are provided by the adapters; {@link #of} builds one from plain values.
 */
public interface GateRequest {
  /** The method in upper case, e.g. {@code GET}. */
  String method();

  /** The path within the application, percent-decoded, without the query: what the routes match. */
  String path();

  /**
   * The absolute URL the client asked for, with the query, as it appears in the 402 answer's {@code
   * resource}.
   */
  String url();

  /** The first value of a request header; names are case-insensitive. */
  Optional<String> header(String name);

  /**
   * Every value of a request header, one per header line as received (not split at commas), in
   * order; empty when the header is absent. Names are case-insensitive.
   *
   * <p>The gate refuses a request to a priced route that carries more than one payment header value
   * ({@code PAYMENT-SIGNATURE} and {@code X-PAYMENT} together), since it reads one copy and the
   * application, or a proxy behind the seller, may read another. An adapter whose framework keeps
   * repeated header lines must therefore list them all; the default, for requests that hold one
   * value per name, lists {@link #header}'s.
   */
  default List<String> headerValues(String name) {
    return header(name).map(List::of).orElse(List.of());
  }

  /**
   * Whether this is a CORS preflight: an {@code OPTIONS} with both {@code Origin} and {@code
   * Access-Control-Request-Method}, which a browser sends on its own before a cross-origin request
   * and to which it adds no payment. Preflights are never priced; any other {@code OPTIONS} is.
   */
  default boolean isCorsPreflight() {
    return method().equalsIgnoreCase("OPTIONS")
        && header("Origin").filter(v -> !v.isBlank()).isPresent()
        && header("Access-Control-Request-Method").filter(v -> !v.isBlank()).isPresent();
  }

  /**
   * The framework's own request object, for route resolvers and price functions that need more than
   * this interface offers.
   */
  default <T> Optional<T> unwrap(Class<T> type) {
    return Optional.empty();
  }

  /**
   * A request from plain values.
   *
   * @param headers header values by name (any case)
   */
  static GateRequest of(String method, String path, String url, Map<String, List<String>> headers) {
    return new SimpleGateRequest(method, path, url, headers);
  }
}
