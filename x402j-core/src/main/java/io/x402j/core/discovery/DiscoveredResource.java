package io.x402j.core.discovery;

import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.PaymentRequirementsV1;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One resource a facilitator's discovery catalog lists: what it is, how to pay for it, and what its
 * seller declared about it. Fields are the wire names of the Bazaar {@code DiscoveryResource}; all
 * text is the facilitator's and the seller's, so quote it before showing it.
 *
 * @param resource the resource URL (for MCP tools, the MCP server's URL)
 * @param type the resource type, e.g. {@code http} or {@code mcp}
 * @param x402Version the protocol version the resource speaks, 1 or 2
 * @param accepts the payment requirements of a v2 resource; empty for a v1 resource
 * @param acceptsV1 the payment requirements of a v1 resource; empty for a v2 resource
 * @param lastUpdated when the facilitator last saw the resource paid for (ISO-8601), or {@code
 *     null} when not given
 * @param description what the resource is, or {@code null}
 * @param mimeType the MIME type of its responses, or {@code null}
 * @param serviceName the name of the service that hosts it, or {@code null}
 * @param tags topical tags, possibly empty
 * @param iconUrl an icon URL, or {@code null}
 * @param extensions extension data echoed by the facilitator, e.g. the {@code bazaar} declaration
 *     ({@code info}, {@code schema}); empty when none
 * @param other fields this version does not know (hosted facilitators add {@code metadata}), kept
 *     as read
 */
public record DiscoveredResource(
    String resource,
    String type,
    int x402Version,
    List<PaymentRequirements> accepts,
    List<PaymentRequirementsV1> acceptsV1,
    String lastUpdated,
    String description,
    String mimeType,
    String serviceName,
    List<String> tags,
    String iconUrl,
    Map<String, Object> extensions,
    Map<String, Object> other) {

  /** Checks the fields and copies the collections. */
  public DiscoveredResource {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(type, "type");
    accepts = List.copyOf(accepts);
    acceptsV1 = List.copyOf(acceptsV1);
    tags = List.copyOf(tags);
    extensions = Map.copyOf(extensions);
    other = Map.copyOf(other);
  }

  /** {@link #lastUpdated()} read as an instant, when it is a valid ISO-8601 instant. */
  public Optional<Instant> lastUpdatedInstant() {
    if (lastUpdated == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(lastUpdated));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /**
   * The declared input ({@code extensions.bazaar.info.input}), or for a v1 resource the {@code
   * outputSchema.input} of its first requirement, where sellers declared it before v2.
   */
  public Optional<Map<String, Object>> declaredInput() {
    Optional<Map<String, Object>> bazaar =
        object(extensions.get("bazaar"))
            .flatMap(b -> object(b.get("info")))
            .flatMap(info -> object(info.get("input")));
    if (bazaar.isPresent() || acceptsV1.isEmpty()) {
      return bazaar;
    }
    Map<String, Object> schema = acceptsV1.get(0).outputSchema();
    return schema == null ? Optional.empty() : object(schema.get("input"));
  }

  /** The HTTP method the seller declared ({@code GET}, {@code POST}, ...), upper case. */
  public Optional<String> method() {
    return declaredInput()
        .map(input -> input.get("method"))
        .filter(String.class::isInstance)
        .map(m -> ((String) m).toUpperCase(java.util.Locale.ROOT))
        .filter(m -> m.matches("[A-Z]{1,16}"));
  }

  /** The MCP tool name the seller declared, for an {@code mcp} resource. */
  public Optional<String> toolName() {
    return declaredInput()
        .filter(input -> "mcp".equals(input.get("type")))
        .map(input -> input.get("toolName"))
        .filter(String.class::isInstance)
        .map(String.class::cast);
  }

  @SuppressWarnings("unchecked")
  private static Optional<Map<String, Object>> object(Object value) {
    return value instanceof Map ? Optional.of((Map<String, Object>) value) : Optional.empty();
  }
}
