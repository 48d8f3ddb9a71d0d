package io.x402j.core.wire;

import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.internal.Checks;
import io.x402j.core.support.JsonValues;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One way to pay for a resource (protocol v2): an entry of {@code accepts} in a 402, and the {@code
 * accepted} entry a client echoes back.
 *
 * <p>Equality is JSON equality (numbers by value, object keys in any order, absent distinct from
 * empty), which is how the official server compares {@code accepted} with what it offered.
 *
 * @param scheme the payment scheme, e.g. {@code exact}
 * @param network the CAIP-2 network
 * @param amount the price in atomic units of {@code asset}
 * @param asset the token address (or another asset identifier the scheme understands)
 * @param payTo the recipient
 * @param maxTimeoutSeconds how long the payment may take
 * @param extra scheme-specific data (for exact/EVM, the token's EIP-712 {@code name} and {@code
 *     version}), or {@code null} when absent
 * @param additionalFields fields this version of x402j does not model, kept for the round trip
 */
public record PaymentRequirements(
    String scheme,
    Network network,
    TokenAmount amount,
    String asset,
    String payTo,
    int maxTimeoutSeconds,
    Map<String, Object> extra,
    Map<String, Object> additionalFields) {

  static final Set<String> FIELDS =
      Set.of("scheme", "network", "amount", "asset", "payTo", "maxTimeoutSeconds", "extra");

  /** Validates the fields and makes canonical immutable copies of the maps. */
  public PaymentRequirements {
    Checks.nonEmpty(scheme, "scheme");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(amount, "amount");
    Checks.nonEmpty(asset, "asset");
    Checks.nonEmpty(payTo, "payTo");
    Checks.positive(maxTimeoutSeconds, "maxTimeoutSeconds");
    extra = JsonValues.canonicalObject(extra, "extra");
    additionalFields = Checks.additionalFields(additionalFields, FIELDS, "PaymentRequirements");
  }

  /** Starts building requirements. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these requirements, to derive modified ones. */
  public Builder toBuilder() {
    Builder b =
        new Builder()
            .scheme(scheme)
            .network(network)
            .amount(amount)
            .asset(asset)
            .payTo(payTo)
            .maxTimeoutSeconds(maxTimeoutSeconds)
            .additionalFields(additionalFields);
    b.extra = extra == null ? null : new LinkedHashMap<>(extra);
    return b;
  }

  /** The string value of {@code extra.<key>}, or {@code null} when absent or not a string. */
  public String extraString(String key) {
    if (extra == null) {
      return null;
    }
    Object value = extra.get(key);
    return value instanceof String ? (String) value : null;
  }

  /** Builds {@link PaymentRequirements}. */
  public static final class Builder {
    private String scheme = "exact";
    private Network network;
    private TokenAmount amount;
    private String asset;
    private String payTo;
    private int maxTimeoutSeconds = 60;
    private Map<String, Object> extra;
    private Map<String, Object> additionalFields = Map.of();

    private Builder() {}

    /** The scheme; {@code exact} by default. */
    public Builder scheme(String scheme) {
      this.scheme = scheme;
      return this;
    }

    /** The network. */
    public Builder network(Network network) {
      this.network = network;
      return this;
    }

    /** The amount in atomic units. */
    public Builder amount(TokenAmount amount) {
      this.amount = amount;
      return this;
    }

    /** The asset. */
    public Builder asset(String asset) {
      this.asset = asset;
      return this;
    }

    /** The recipient. */
    public Builder payTo(String payTo) {
      this.payTo = payTo;
      return this;
    }

    /** The payment timeout; 60 seconds by default. */
    public Builder maxTimeoutSeconds(int maxTimeoutSeconds) {
      this.maxTimeoutSeconds = maxTimeoutSeconds;
      return this;
    }

    /** Replaces {@code extra}; {@code null} leaves it absent. */
    public Builder extra(Map<String, ?> extra) {
      this.extra = extra == null ? null : new LinkedHashMap<>(extra);
      return this;
    }

    /** Sets one {@code extra} entry, creating {@code extra} if absent. */
    public Builder extra(String key, Object value) {
      if (this.extra == null) {
        this.extra = new LinkedHashMap<>();
      }
      this.extra.put(key, value);
      return this;
    }

    /** Fields x402j does not model. */
    public Builder additionalFields(Map<String, ?> additionalFields) {
      this.additionalFields = new LinkedHashMap<>(additionalFields);
      return this;
    }

    /** Builds the requirements. */
    public PaymentRequirements build() {
      return new PaymentRequirements(
          scheme, network, amount, asset, payTo, maxTimeoutSeconds, extra, additionalFields);
    }
  }
}
