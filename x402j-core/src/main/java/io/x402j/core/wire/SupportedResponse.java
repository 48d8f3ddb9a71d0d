package io.x402j.core.wire;

import io.x402j.core.internal.Checks;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A facilitator's answer to {@code GET /supported}.
 *
 * @param kinds the payment kinds handled
 * @param extensions the extension identifiers implemented
 * @param signers the addresses that broadcast settlements, per network pattern ({@code eip155:*})
 * @param additionalFields fields this version of x402j does not model
 */
public record SupportedResponse(
    List<SupportedKind> kinds,
    List<String> extensions,
    Map<String, List<String>> signers,
    Map<String, Object> additionalFields) {

  static final Set<String> FIELDS = Set.of("kinds", "extensions", "signers");

  /** Makes immutable copies. */
  public SupportedResponse {
    kinds = List.copyOf(Objects.requireNonNull(kinds, "kinds"));
    extensions = List.copyOf(extensions == null ? List.of() : extensions);
    Map<String, List<String>> copy = new LinkedHashMap<>();
    if (signers != null) {
      signers.forEach((pattern, addresses) -> copy.put(pattern, List.copyOf(addresses)));
    }
    signers = Collections.unmodifiableMap(copy);
    additionalFields = Checks.additionalFields(additionalFields, FIELDS, "SupportedResponse");
  }

  /** Whether a kind matches this version, scheme and network exactly. */
  public boolean supports(int x402Version, String scheme, String network) {
    for (SupportedKind kind : kinds) {
      if (kind.x402Version() == x402Version
          && kind.scheme().equals(scheme)
          && kind.network().equals(network)) {
        return true;
      }
    }
    return false;
  }
}
