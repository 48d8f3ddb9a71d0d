package io.x402j.core.extensions.offerreceipt;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The signed part of an offer (spec §4.2): the terms of one {@code accepts[]} entry.
 *
 * @param version the payload version, 1
 * @param resourceUrl the paid resource
 * @param scheme e.g. {@code exact}
 * @param network CAIP-2, e.g. {@code eip155:8453}
 * @param asset the token
 * @param payTo the recipient
 * @param amount the amount in the token's smallest unit, as a decimal string
 * @param validUntil when the offer expires (Unix seconds), 0 for never
 */
public record OfferPayload(
    long version,
    String resourceUrl,
    String scheme,
    String network,
    String asset,
    String payTo,
    String amount,
    long validUntil) {
  /** Requires every field. */
  public OfferPayload {
    Objects.requireNonNull(resourceUrl, "resourceUrl");
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(asset, "asset");
    Objects.requireNonNull(payTo, "payTo");
    Objects.requireNonNull(amount, "amount");
    if (version < 0 || validUntil < 0) {
      throw new IllegalArgumentException("version and validUntil must not be negative");
    }
  }

  /** The payload as JSON, {@code validUntil} left out when 0. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", version);
    m.put("resourceUrl", resourceUrl);
    m.put("scheme", scheme);
    m.put("network", network);
    m.put("asset", asset);
    m.put("payTo", payTo);
    m.put("amount", amount);
    if (validUntil != 0) {
      m.put("validUntil", validUntil);
    }
    return m;
  }

  /**
   * Reads a payload as transmitted.
   *
   * @throws IllegalArgumentException naming the field that is missing or of the wrong type
   */
  public static OfferPayload fromMap(Object value) {
    Map<String, Object> m = Fields.object(value, "offer payload");
    return new OfferPayload(
        Fields.uint(m, "version", true),
        Fields.string(m, "resourceUrl"),
        Fields.string(m, "scheme"),
        Fields.string(m, "network"),
        Fields.string(m, "asset"),
        Fields.string(m, "payTo"),
        Fields.string(m, "amount"),
        Fields.uint(m, "validUntil", false));
  }
}
