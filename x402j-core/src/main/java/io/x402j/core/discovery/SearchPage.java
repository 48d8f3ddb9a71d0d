package io.x402j.core.discovery;

import java.util.List;
import java.util.Optional;

/**
 * One page of {@code GET /discovery/search}.
 *
 * @param x402Version the protocol version of the answer
 * @param resources the matching resources that could be read, best first
 * @param partialResults whether the facilitator says further matches were cut off
 * @param limit the page size the facilitator reports, or -1 when the answer has no pagination
 * @param nextCursor the cursor of the next page, or {@code null} when there is none
 * @param skipped what was left out of {@code resources} and why, as in {@link ResourcePage}
 * @param entries how many entries the page held, read or skipped (offsets count them all)
 */
public record SearchPage(
    int x402Version,
    List<DiscoveredResource> resources,
    boolean partialResults,
    long limit,
    String nextCursor,
    List<String> skipped,
    int entries) {

  /** Copies the lists. */
  public SearchPage {
    resources = List.copyOf(resources);
    skipped = List.copyOf(skipped);
  }

  /** The cursor of the next page. */
  public Optional<String> next() {
    return Optional.ofNullable(nextCursor);
  }
}
