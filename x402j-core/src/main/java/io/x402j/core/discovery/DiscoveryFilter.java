package io.x402j.core.discovery;

import io.x402j.core.support.Text;

/**
 * The filters both discovery endpoints take; each {@code null} when not sent. Facilitators apply
 * them; the client only passes them on.
 *
 * @param type the resource type, e.g. {@code http} or {@code mcp}
 * @param payTo the payment recipient address
 * @param scheme the payment scheme, e.g. {@code exact}
 * @param network the payment network, e.g. {@code eip155:8453}
 * @param extensions an extension key each resource must carry, e.g. {@code bazaar}
 */
public record DiscoveryFilter(
    String type, String payTo, String scheme, String network, String extensions) {

  private static final int MAX_LENGTH = 256;

  /** Checks the values: when given, non-blank, short and free of control characters. */
  public DiscoveryFilter {
    check("type", type);
    check("payTo", payTo);
    check("scheme", scheme);
    check("network", network);
    check("extensions", extensions);
  }

  /** No filter: everything the facilitator lists. */
  public static DiscoveryFilter none() {
    return new DiscoveryFilter(null, null, null, null, null);
  }

  /** This filter with {@code type}. */
  public DiscoveryFilter withType(String type) {
    return new DiscoveryFilter(type, payTo, scheme, network, extensions);
  }

  /** This filter with {@code payTo}. */
  public DiscoveryFilter withPayTo(String payTo) {
    return new DiscoveryFilter(type, payTo, scheme, network, extensions);
  }

  /** This filter with {@code scheme}. */
  public DiscoveryFilter withScheme(String scheme) {
    return new DiscoveryFilter(type, payTo, scheme, network, extensions);
  }

  /** This filter with {@code network}. */
  public DiscoveryFilter withNetwork(String network) {
    return new DiscoveryFilter(type, payTo, scheme, network, extensions);
  }

  /** This filter with {@code extensions}. */
  public DiscoveryFilter withExtensions(String extensions) {
    return new DiscoveryFilter(type, payTo, scheme, network, extensions);
  }

  static void check(String name, String value) {
    if (value == null) {
      return;
    }
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    if (value.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          name + " is " + value.length() + " characters; the limit is " + MAX_LENGTH);
    }
    if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException(
          name + " " + Text.quote(value) + " holds control characters");
    }
  }
}
