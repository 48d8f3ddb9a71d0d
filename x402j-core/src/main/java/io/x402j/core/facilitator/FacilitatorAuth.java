package io.x402j.core.facilitator;

import java.util.Map;
import java.util.Objects;

/**
 * Supplies authentication headers for each facilitator call; called before every request, so
 * short-lived tokens can be refreshed. Header values are never logged or put in messages.
 */
@FunctionalInterface
public interface FacilitatorAuth {
  /** The headers to add to a call of {@code operation}; empty for none. */
  Map<String, String> headers(FacilitatorOperation operation);

  /** No authentication. */
  static FacilitatorAuth none() {
    return operation -> Map.of();
  }

  /** {@code Authorization: Bearer <token>} on every call. */
  static FacilitatorAuth bearer(String token) {
    Objects.requireNonNull(token, "token");
    Map<String, String> headers = Map.of("Authorization", "Bearer " + token);
    return operation -> headers;
  }
}
