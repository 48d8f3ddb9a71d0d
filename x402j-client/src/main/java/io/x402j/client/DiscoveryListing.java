package io.x402j.client;

import io.x402j.core.NetworkRegistry;
import io.x402j.core.discovery.DiscoveredResource;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.PaymentRequirementsV1;
import io.x402j.core.wire.V1Translation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A resource a facilitator's catalog lists, as a buyer sees it: where it is, how to call it, and
 * what each way of paying costs ({@link DiscoveredOffer}). What {@code x402j discover} prints and
 * the {@code x402_discover} tool returns. The catalog's text is the sellers'; quote it before
 * showing it on a terminal.
 *
 * @param resource the catalog entry
 * @param offers its payment requirements, priced
 * @param notes requirements left out and why (a v1 network name the registry does not know)
 */
public record DiscoveryListing(
    DiscoveredResource resource, List<DiscoveredOffer> offers, List<String> notes) {

  /** Checks the fields and copies the lists. */
  public DiscoveryListing {
    Objects.requireNonNull(resource, "resource");
    offers = List.copyOf(offers);
    notes = List.copyOf(notes);
  }

  /**
   * Prices every requirement of {@code resource} with the tokens {@code networks} knows; a v1
   * resource's requirements are translated to the v2 form first.
   */
  public static DiscoveryListing of(DiscoveredResource resource, NetworkRegistry networks) {
    List<DiscoveredOffer> offers = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (PaymentRequirements r : resource.accepts()) {
      offers.add(DiscoveredOffer.of(r, networks));
    }
    V1Translation v1 = new V1Translation(networks);
    for (PaymentRequirementsV1 r : resource.acceptsV1()) {
      try {
        offers.add(DiscoveredOffer.of(v1.requirements(r), networks));
      } catch (IllegalArgumentException e) {
        notes.add(e.getMessage());
      }
    }
    return new DiscoveryListing(resource, offers, notes);
  }

  /** This listing with only the offers {@code keep} accepts. */
  public DiscoveryListing filterOffers(Predicate<DiscoveredOffer> keep) {
    return new DiscoveryListing(resource, offers.stream().filter(keep).toList(), notes);
  }

  /** The HTTP method to request it with: the declared one, else {@code GET}. */
  public String method() {
    return resource.method().orElse("GET");
  }

  /** Whether it is an MCP tool rather than an HTTP resource. */
  public boolean mcp() {
    return "mcp".equals(resource.type()) || resource.toolName().isPresent();
  }

  /** The cheapest offer in dollars, when one is priced in a known USD stablecoin. */
  public Optional<DiscoveredOffer> cheapestInDollars() {
    return offers.stream()
        .filter(o -> o.usd().isPresent())
        .min((a, b) -> a.usd().get().compareTo(b.usd().get()));
  }

  /**
   * The listing as JSON-ready values: {@code resource}, {@code type}, {@code method} or {@code
   * toolName}, the seller's descriptive fields, the declared {@code input} (how to call it), and
   * {@code offers}.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("resource", resource.resource());
    out.put("type", resource.type());
    out.put("x402Version", resource.x402Version());
    if (mcp()) {
      resource.toolName().ifPresent(t -> out.put("toolName", t));
    } else {
      out.put("method", method());
    }
    putIf(out, "description", resource.description());
    putIf(out, "serviceName", resource.serviceName());
    if (!resource.tags().isEmpty()) {
      out.put("tags", resource.tags());
    }
    putIf(out, "mimeType", resource.mimeType());
    putIf(out, "lastUpdated", resource.lastUpdated());
    resource.declaredInput().ifPresent(input -> out.put("input", input));
    List<Map<String, Object>> priced = new ArrayList<>();
    offers.forEach(o -> priced.add(o.toMap()));
    out.put("offers", priced);
    if (!notes.isEmpty()) {
      out.put("notes", notes);
    }
    return out;
  }

  private static void putIf(Map<String, Object> out, String name, String value) {
    if (value != null && !value.isEmpty()) {
      out.put(name, value);
    }
  }
}
