package io.x402j.core.discovery;

import java.util.List;

/**
 * One page of {@code GET /discovery/resources}.
 *
 * @param x402Version the protocol version of the answer
 * @param items the resources of this page that could be read
 * @param limit the page size the facilitator applied
 * @param offset how many resources precede this page
 * @param total how many resources match in all
 * @param skipped what was left out of {@code items} and why: entries whose fields are missing or
 *     malformed (one seller's bad entry does not hide the rest), each naming its path, e.g. {@code
 *     items[3].accepts[0].amount}
 * @param entries how many entries the page held, read or skipped (offsets count them all)
 */
public record ResourcePage(
    int x402Version,
    List<DiscoveredResource> items,
    long limit,
    long offset,
    long total,
    List<String> skipped,
    int entries) {

  /** Copies the lists. */
  public ResourcePage {
    items = List.copyOf(items);
    skipped = List.copyOf(skipped);
  }
}
