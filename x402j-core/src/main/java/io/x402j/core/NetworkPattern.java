package io.x402j.core;

import io.x402j.core.support.Text;
import java.util.Objects;

/**
 * A set of networks for registering scheme implementations and signers: one network ({@code
 * eip155:8453}), every network of a namespace ({@code eip155:*}, the form {@code /supported} uses
 * for signers), or every network ({@code *}).
 */
public final class NetworkPattern {
  private static final NetworkPattern ANY = new NetworkPattern(null, null);

  private final String namespace;
  private final String reference;

  private NetworkPattern(String namespace, String reference) {
    this.namespace = namespace;
    this.reference = reference;
  }

  /**
   * Parses {@code *}, {@code namespace:*} or a CAIP-2 identifier.
   *
   * @throws IllegalArgumentException naming the input
   */
  public static NetworkPattern parse(String pattern) {
    Objects.requireNonNull(pattern, "pattern");
    if ("*".equals(pattern)) {
      return ANY;
    }
    if (pattern.endsWith(":*")) {
      String ns = pattern.substring(0, pattern.length() - 2);
      // Validate the namespace with a dummy reference.
      try {
        new Network(ns, "1");
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "network pattern " + Text.quote(pattern) + " has an invalid namespace", e);
      }
      return new NetworkPattern(ns, null);
    }
    Network exact = Network.parse(pattern);
    return new NetworkPattern(exact.namespace(), exact.reference());
  }

  /** The pattern matching exactly {@code network}. */
  public static NetworkPattern of(Network network) {
    return new NetworkPattern(network.namespace(), network.reference());
  }

  /** The pattern matching every network of {@code namespace}, e.g. {@code eip155:*}. */
  public static NetworkPattern namespace(String namespace) {
    return parse(namespace + ":*");
  }

  /** The pattern matching every network. */
  public static NetworkPattern any() {
    return ANY;
  }

  /** Whether {@code network} belongs to this pattern. */
  public boolean matches(Network network) {
    if (namespace == null) {
      return true;
    }
    if (!namespace.equals(network.namespace())) {
      return false;
    }
    return reference == null || reference.equals(network.reference());
  }

  /**
   * How specific the pattern is: 2 for one network, 1 for a namespace, 0 for everything. Lookups
   * prefer the most specific registration.
   */
  public int specificity() {
    return namespace == null ? 0 : reference == null ? 1 : 2;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof NetworkPattern)) {
      return false;
    }
    NetworkPattern other = (NetworkPattern) o;
    return Objects.equals(namespace, other.namespace) && Objects.equals(reference, other.reference);
  }

  @Override
  public int hashCode() {
    return Objects.hash(namespace, reference);
  }

  /** The textual form: {@code *}, {@code namespace:*} or {@code namespace:reference}. */
  @Override
  public String toString() {
    if (namespace == null) {
      return "*";
    }
    return namespace + ":" + (reference == null ? "*" : reference);
  }
}
