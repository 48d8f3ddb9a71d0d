package io.x402j.core.wire;

import io.x402j.core.internal.Checks;
import java.util.Map;
import java.util.Set;

/**
 * The resource a payment buys (protocol v2).
 *
 * @param url the resource's URL
 * @param description what the resource is, or {@code null}
 * @param mimeType the media type of the resource, or {@code null}
 * @param additionalFields fields this version of x402j does not model (the official SDK adds {@code
 *     serviceName}, {@code tags} and {@code iconUrl}), kept for the round trip
 */
public record ResourceInfo(
    String url, String description, String mimeType, Map<String, Object> additionalFields) {

  static final Set<String> FIELDS = Set.of("url", "description", "mimeType");

  /** Validates the URL and copies the unknown fields. */
  public ResourceInfo {
    Checks.nonEmpty(url, "resource.url");
    additionalFields = Checks.additionalFields(additionalFields, FIELDS, "ResourceInfo");
  }

  /** A resource with only a URL. */
  public static ResourceInfo of(String url) {
    return new ResourceInfo(url, null, null, Map.of());
  }

  /** A resource with a URL, a description and a media type. */
  public static ResourceInfo of(String url, String description, String mimeType) {
    return new ResourceInfo(url, description, mimeType, Map.of());
  }
}
