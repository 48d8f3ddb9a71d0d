package io.x402j.server;

import java.util.Optional;

/**
 * Finds the paid route a request falls under, if any. {@link RouteTable} matches patterns; a
 * framework adapter may resolve routes from its own handler mappings instead.
 */
@FunctionalInterface
public interface RouteResolver {
  /** The route {@code request} falls under, or empty when it is free. */
  Optional<ResolvedRoute> resolve(GateRequest request);

  /**
   * A route found for a request.
   *
   * @param pattern how the route was written, for logs and hooks
   * @param route the route
   */
  record ResolvedRoute(String pattern, PaidRoute route) {
    /** Validates the fields. */
    public ResolvedRoute {
      java.util.Objects.requireNonNull(pattern, "pattern");
      java.util.Objects.requireNonNull(route, "route");
    }
  }
}
