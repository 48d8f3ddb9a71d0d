package io.x402j.client;

import io.x402j.core.NetworkRegistry;
import io.x402j.core.discovery.Discovered;
import io.x402j.core.discovery.DiscoveredResource;
import io.x402j.core.discovery.DiscoveryClient;
import io.x402j.core.discovery.DiscoveryFilter;
import io.x402j.core.support.Text;
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

  /**
   * What can be bought from the catalog of {@code client}: a search when {@code query} is given,
   * else the listing, page by page up to {@code limit} resources, each priced with {@code
   * networks}. The facilitator applies {@code filter}; its type and network are applied here again,
   * so a facilitator that ignores them cannot show offers that were not asked for.
   *
   * @throws io.x402j.core.discovery.DiscoveryException when the catalog cannot be read
   */
  public static Found find(
      DiscoveryClient client,
      String query,
      DiscoveryFilter filter,
      int limit,
      NetworkRegistry networks) {
    int pageSize = Math.min(limit, 100);
    Discovered found =
        query == null || query.isBlank()
            ? client.listAll(filter, pageSize, limit)
            : client.searchAll(query.strip(), filter, pageSize, limit);
    List<DiscoveryListing> listings = new ArrayList<>();
    List<String> skipped = new ArrayList<>(found.skipped());
    for (DiscoveredResource r : found.resources()) {
      if (filter.type() != null && !filter.type().equals(r.type())) {
        skipped.add(
            Text.quote(r.resource())
                + " left out: its type is "
                + Text.quote(r.type())
                + ", not "
                + filter.type());
        continue;
      }
      DiscoveryListing listing = of(r, networks);
      if (filter.network() != null) {
        listing =
            listing.filterOffers(
                o -> o.requirements().network().toString().equals(filter.network()));
        if (listing.offers().isEmpty()) {
          skipped.add(Text.quote(r.resource()) + " left out: no offer on " + filter.network());
          continue;
        }
      }
      listings.add(listing);
    }
    return new Found(listings, found.truncated(), skipped);
  }

  /**
   * What {@link #find} found.
   *
   * @param listings the resources, in the facilitator's order
   * @param truncated whether the catalog holds more than were asked for
   * @param skipped entries left out, each with its reason
   */
  public record Found(List<DiscoveryListing> listings, boolean truncated, List<String> skipped) {
    /** Copies the lists. */
    public Found {
      listings = List.copyOf(listings);
      skipped = List.copyOf(skipped);
    }
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
