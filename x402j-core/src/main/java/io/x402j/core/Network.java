package io.x402j.core;

import io.x402j.core.support.Text;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A blockchain identified by CAIP-2, {@code namespace:reference}: {@code eip155:8453} is Base,
 * {@code solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp} is Solana mainnet. Protocol v2 names networks
 * this way; v1 used names such as {@code base-sepolia}, which {@link NetworkRegistry} translates.
 *
 * @param namespace the CAIP-2 namespace, 3–8 characters of {@code [-a-z0-9]}
 * @param reference the CAIP-2 reference, 1–32 characters of {@code [-_a-zA-Z0-9]}; for {@code
 *     eip155} the decimal chain ID
 */
public record Network(String namespace, String reference) implements Comparable<Network> {
  /** The EVM namespace. */
  public static final String EIP155 = "eip155";

  /** The Solana namespace. */
  public static final String SOLANA = "solana";

  private static final Pattern NAMESPACE = Pattern.compile("[-a-z0-9]{3,8}");
  private static final Pattern REFERENCE = Pattern.compile("[-_a-zA-Z0-9]{1,32}");
  private static final Pattern CHAIN_ID = Pattern.compile("[1-9][0-9]{0,18}");

  /**
   * Validates both parts.
   *
   * @throws IllegalArgumentException naming the bad part
   */
  public Network {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(reference, "reference");
    if (!NAMESPACE.matcher(namespace).matches()) {
      throw new IllegalArgumentException(
          "CAIP-2 namespace " + Text.quote(namespace) + " must be 3-8 characters of [-a-z0-9]");
    }
    if (!REFERENCE.matcher(reference).matches()) {
      String nonAscii = Text.nonAscii(reference);
      throw new IllegalArgumentException(
          "CAIP-2 reference "
              + Text.quote(reference)
              + (nonAscii == null ? "" : " " + nonAscii + ";")
              + " must be 1-32 characters of [-_a-zA-Z0-9]");
    }
    if (EIP155.equals(namespace) && !isChainId(reference)) {
      throw new IllegalArgumentException(
          "eip155 reference " + Text.quote(reference) + " must be a positive decimal chain ID");
    }
  }

  private static boolean isChainId(String reference) {
    if (!CHAIN_ID.matcher(reference).matches()) {
      return false;
    }
    try {
      Long.parseLong(reference);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * Parses a CAIP-2 identifier such as {@code eip155:84532}.
   *
   * @throws IllegalArgumentException naming the input and what a valid identifier looks like
   */
  public static Network parse(String caip2) {
    if (caip2 == null) {
      throw new IllegalArgumentException("network is missing");
    }
    int colon = caip2.indexOf(':');
    if (colon < 0 || caip2.indexOf(':', colon + 1) >= 0) {
      throw new IllegalArgumentException(
          "network "
              + Text.quote(caip2)
              + " is not a CAIP-2 identifier (namespace:reference, e.g. eip155:8453)");
    }
    return new Network(caip2.substring(0, colon), caip2.substring(colon + 1));
  }

  /** The EVM network with the given chain ID. */
  public static Network evm(long chainId) {
    if (chainId <= 0) {
      throw new IllegalArgumentException("chain ID must be positive, got " + chainId);
    }
    return new Network(EIP155, Long.toString(chainId));
  }

  /** Whether this is an EVM ({@code eip155}) network. */
  public boolean isEvm() {
    return EIP155.equals(namespace);
  }

  /**
   * The EVM chain ID.
   *
   * @throws IllegalStateException if this is not an EVM network
   */
  public long chainId() {
    if (!isEvm()) {
      throw new IllegalStateException(this + " is not an EVM network and has no chain ID");
    }
    return Long.parseLong(reference);
  }

  @Override
  public int compareTo(Network other) {
    int byNamespace = namespace.compareTo(other.namespace);
    if (byNamespace != 0) {
      return byNamespace;
    }
    if (isEvm()) {
      return Long.compare(chainId(), other.chainId());
    }
    return reference.compareTo(other.reference);
  }

  /** The CAIP-2 form, {@code namespace:reference}. */
  @Override
  public String toString() {
    return namespace + ":" + reference;
  }
}
