package io.x402j.core.scheme;

import io.x402j.core.Network;
import io.x402j.core.NetworkPattern;
import io.x402j.core.internal.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Scheme implementations of one role, looked up by protocol version, scheme and network. A
 * registration covers one network, a namespace ({@code eip155:*}) or everything ({@code *}); the
 * most specific match wins, and among equals the first registered. Immutable and thread-safe.
 *
 * @param <T> the role: {@link SchemeClient}, {@link SchemeServer} or {@link SchemeFacilitator}
 */
public final class SchemeRegistry<T> {
  private final List<Registration<T>> registrations;

  private SchemeRegistry(List<Registration<T>> registrations) {
    this.registrations = List.copyOf(registrations);
  }

  /** Starts an empty registry. */
  public static <T> Builder<T> builder() {
    return new Builder<>();
  }

  /** One implementation and what it covers. */
  public record Registration<T>(
      int x402Version, String scheme, NetworkPattern networks, T implementation) {
    /** Validates the fields. */
    public Registration {
      if (x402Version != 1 && x402Version != 2) {
        throw new IllegalArgumentException("x402Version must be 1 or 2, got " + x402Version);
      }
      Checks.nonEmpty(scheme, "scheme");
      Objects.requireNonNull(networks, "networks");
      Objects.requireNonNull(implementation, "implementation");
    }

    boolean covers(int version, String schemeName, Network network) {
      return x402Version == version && scheme.equals(schemeName) && networks.matches(network);
    }
  }

  /** The implementation for this version, scheme and network. */
  public Optional<T> find(int x402Version, String scheme, Network network) {
    Registration<T> best = null;
    for (Registration<T> r : registrations) {
      if (r.covers(x402Version, scheme, network)
          && (best == null || r.networks().specificity() > best.networks().specificity())) {
        best = r;
      }
    }
    return best == null ? Optional.empty() : Optional.of(best.implementation());
  }

  /** Whether anything is registered for {@code scheme} on {@code network} in any version. */
  public boolean hasScheme(String scheme, Network network) {
    for (Registration<T> r : registrations) {
      if (r.scheme().equals(scheme) && r.networks().matches(network)) {
        return true;
      }
    }
    return false;
  }

  /** Every registration in order. */
  public List<Registration<T>> registrations() {
    return registrations;
  }

  /** Builds a {@link SchemeRegistry}. */
  public static final class Builder<T> {
    private final List<Registration<T>> registrations = new ArrayList<>();

    private Builder() {}

    /** Registers {@code implementation} for one protocol version. */
    public Builder<T> register(
        int x402Version, String scheme, NetworkPattern networks, T implementation) {
      registrations.add(new Registration<>(x402Version, scheme, networks, implementation));
      return this;
    }

    /** Registers {@code implementation} for both protocol versions. */
    public Builder<T> registerBothVersions(
        String scheme, NetworkPattern networks, T implementation) {
      register(2, scheme, networks, implementation);
      return register(1, scheme, networks, implementation);
    }

    /** Builds the registry. */
    public SchemeRegistry<T> build() {
      return new SchemeRegistry<>(registrations);
    }
  }
}
