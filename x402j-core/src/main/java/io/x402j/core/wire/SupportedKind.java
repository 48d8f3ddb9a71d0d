package io.x402j.core.wire;

import io.x402j.core.internal.Checks;
import io.x402j.core.support.JsonValues;
import java.util.Map;
import java.util.Set;

/**
 * One payment kind a facilitator handles: a protocol version, a scheme and a network.
 *
 * @param x402Version the protocol version, 1 or 2
 * @param scheme the scheme, e.g. {@code exact}
 * @param network the network: CAIP-2 for version 2, a v1 name for version 1
 * @param extra scheme-specific data, or {@code null}
 * @param additionalFields fields this version of x402j does not model
 */
public record SupportedKind(
    int x402Version,
    String scheme,
    String network,
    Map<String, Object> extra,
    Map<String, Object> additionalFields) {

  static final Set<String> FIELDS = Set.of("x402Version", "scheme", "network", "extra");

  /** Validates the fields. */
  public SupportedKind {
    Checks.nonEmpty(scheme, "scheme");
    Checks.nonEmpty(network, "network");
    extra = JsonValues.canonicalObject(extra, "extra");
    additionalFields = Checks.additionalFields(additionalFields, FIELDS, "SupportedKind");
  }

  /** A kind without extra data. */
  public static SupportedKind of(int x402Version, String scheme, String network) {
    return new SupportedKind(x402Version, scheme, network, null, Map.of());
  }
}
