package io.x402j.core.discovery;

import java.util.List;

/**
 * What walking the pages of a listing or a search found.
 *
 * @param resources the resources, in the facilitator's order, at most the cap asked for
 * @param truncated whether the facilitator had more than the cap (or said its results were partial)
 * @param pages how many pages were asked for
 * @param skipped entries left out because they could not be read, each with its reason
 */
public record Discovered(
    List<DiscoveredResource> resources, boolean truncated, int pages, List<String> skipped) {

  /** Copies the lists. */
  public Discovered {
    resources = List.copyOf(resources);
    skipped = List.copyOf(skipped);
  }
}
