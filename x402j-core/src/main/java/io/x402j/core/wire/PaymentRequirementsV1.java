package io.x402j.core.wire;

import io.x402j.core.TokenAmount;
import io.x402j.core.internal.Checks;
import io.x402j.core.support.JsonValues;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One way to pay for a resource in protocol v1: an entry of {@code accepts} in the JSON body of a
 * 402. Differs from {@link PaymentRequirements} in naming the network by name ({@code
 * base-sepolia}), calling the amount {@code maxAmountRequired}, and describing the resource inline.
 *
 * @param scheme the payment scheme, e.g. {@code exact}
 * @param network the v1 network name, e.g. {@code base-sepolia}
 * @param maxAmountRequired the price in atomic units of {@code asset}
 * @param resource the URL of the resource
 * @param description what the resource is (required by v1; may be empty)
 * @param mimeType the media type of the resource, or {@code null}
 * @param outputSchema a JSON schema of the response, or {@code null}
 * @param payTo the recipient
 * @param maxTimeoutSeconds how long the payment may take
 * @param asset the token address
 * @param extra scheme-specific data (EIP-712 {@code name} and {@code version}), or {@code null}
 * @param additionalFields fields this version of x402j does not model
 */
public record PaymentRequirementsV1(
    String scheme,
    String network,
    TokenAmount maxAmountRequired,
    String resource,
    String description,
    String mimeType,
    Map<String, Object> outputSchema,
    String payTo,
    int maxTimeoutSeconds,
    String asset,
    Map<String, Object> extra,
    Map<String, Object> additionalFields) {

  static final Set<String> FIELDS =
      Set.of(
          "scheme",
          "network",
          "maxAmountRequired",
          "resource",
          "description",
          "mimeType",
          "outputSchema",
          "payTo",
          "maxTimeoutSeconds",
          "asset",
          "extra");

  /** Validates the fields and makes canonical immutable copies of the maps. */
  public PaymentRequirementsV1 {
    Checks.nonEmpty(scheme, "scheme");
    Checks.nonEmpty(network, "network");
    Objects.requireNonNull(maxAmountRequired, "maxAmountRequired");
    Checks.nonEmpty(resource, "resource");
    Objects.requireNonNull(description, "description (v1 requires it; use \"\" for none)");
    Checks.nonEmpty(payTo, "payTo");
    Checks.positive(maxTimeoutSeconds, "maxTimeoutSeconds");
    Checks.nonEmpty(asset, "asset");
    outputSchema = JsonValues.canonicalObject(outputSchema, "outputSchema");
    extra = JsonValues.canonicalObject(extra, "extra");
    additionalFields = Checks.additionalFields(additionalFields, FIELDS, "PaymentRequirementsV1");
  }

  /** The string value of {@code extra.<key>}, or {@code null} when absent or not a string. */
  public String extraString(String key) {
    if (extra == null) {
      return null;
    }
    Object value = extra.get(key);
    return value instanceof String ? (String) value : null;
  }

  /** Starts building v1 requirements. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link PaymentRequirementsV1}. */
  public static final class Builder {
    private String scheme = "exact";
    private String network;
    private TokenAmount maxAmountRequired;
    private String resource;
    private String description = "";
    private String mimeType;
    private Map<String, Object> outputSchema;
    private String payTo;
    private int maxTimeoutSeconds = 60;
    private String asset;
    private Map<String, Object> extra;

    private Builder() {}

    /** The scheme; {@code exact} by default. */
    public Builder scheme(String scheme) {
      this.scheme = scheme;
      return this;
    }

    /** The v1 network name. */
    public Builder network(String network) {
      this.network = network;
      return this;
    }

    /** The amount in atomic units. */
    public Builder maxAmountRequired(TokenAmount maxAmountRequired) {
      this.maxAmountRequired = maxAmountRequired;
      return this;
    }

    /** The resource URL. */
    public Builder resource(String resource) {
      this.resource = resource;
      return this;
    }

    /** The description; empty by default. */
    public Builder description(String description) {
      this.description = description;
      return this;
    }

    /** The media type. */
    public Builder mimeType(String mimeType) {
      this.mimeType = mimeType;
      return this;
    }

    /** The output schema. */
    public Builder outputSchema(Map<String, ?> outputSchema) {
      this.outputSchema = outputSchema == null ? null : new LinkedHashMap<>(outputSchema);
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

    /** The token address. */
    public Builder asset(String asset) {
      this.asset = asset;
      return this;
    }

    /** Sets one {@code extra} entry. */
    public Builder extra(String key, Object value) {
      if (this.extra == null) {
        this.extra = new LinkedHashMap<>();
      }
      this.extra.put(key, value);
      return this;
    }

    /** Builds the requirements. */
    public PaymentRequirementsV1 build() {
      return new PaymentRequirementsV1(
          scheme,
          network,
          maxAmountRequired,
          resource,
          description,
          mimeType,
          outputSchema,
          payTo,
          maxTimeoutSeconds,
          asset,
          extra,
          Map.of());
    }
  }
}
