package io.x402j.facilitator.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The filter keys ("facets") of a catalog entry, one row each in {@code discovery_facets} with the
 * entry's last payment time, so that a listing filter is one range of one index: its page read in
 * order, and its exact total from the maintained counts ({@code discovery_facet_counts}) without
 * touching the entries themselves.
 *
 * <p>The low-cardinality filters (type, scheme, network) and each extension key ({@code e=…}) are
 * stored in every combination an entry matches ({@code t=http}, {@code n=eip155:8453}, {@code
 * t=http&s=exact&n=eip155:8453&e=payment-identifier}, …), so any mix of them is one key. An entry
 * has at most {@code 2 × (1 + 3 × 8)} type/scheme/network combinations (8 payment kinds), each once
 * alone and once per extension key (at most 16): the worst case is a few hundred rows, a usual
 * entry (one kind, one extension besides bazaar) has 16. The recipient ({@code p=…}) is a key of
 * its own; a filter that mixes it with others is the intersection of two ranges, driven by the
 * smaller. The {@code bazaar} extension is no key: every entry has it. Not part of the x402j API.
 */
public final class CatalogFacets {
  private CatalogFacets() {}

  /** The facet every entry has: the unfiltered listing counts its range. */
  public static final String ALL = "*";

  /** The key of the bazaar extension, present on every entry. */
  static final String BAZAAR = "bazaar";

  /**
   * The facets of an entry of {@code type}, paid to {@code payTo}, carrying {@code extensionKeys},
   * payable as each {scheme, network} of {@code kinds}.
   */
  public static List<String> of(
      String type, String payTo, List<String> extensionKeys, List<String[]> kinds) {
    Set<String> combinations = new LinkedHashSet<>();
    for (String t : new String[] {null, type}) {
      if (t != null) {
        combinations.add(combination(t, null, null, null));
      }
      for (String[] kind : kinds) {
        combinations.add(combination(t, kind[0], null, null));
        combinations.add(combination(t, null, kind[1], null));
        combinations.add(combination(t, kind[0], kind[1], null));
      }
    }
    Set<String> out = new LinkedHashSet<>();
    out.add(ALL);
    out.addAll(combinations);
    out.add("p=" + payTo);
    for (String key : extensionKeys) {
      if (!key.equals(BAZAAR)) {
        out.add("e=" + key);
        for (String combination : combinations) {
          out.add(combination + "&e=" + key);
        }
      }
    }
    return List.copyOf(out);
  }

  /** The facets a listing with {@code filter} reads: those of the filter, else {@link #ALL}. */
  public static List<String> listing(CatalogStore.Filter filter) {
    List<String> facets = of(filter);
    return facets.isEmpty() ? List.of(ALL) : facets;
  }

  /**
   * The facets a filter needs, all of which an entry must have; empty for a filter that every entry
   * passes.
   */
  public static List<String> of(CatalogStore.Filter filter) {
    List<String> out = new ArrayList<>(2);
    String extension =
        filter.extension() == null || filter.extension().equals(BAZAAR) ? null : filter.extension();
    if (filter.type() != null
        || filter.scheme() != null
        || filter.network() != null
        || extension != null) {
      out.add(combination(filter.type(), filter.scheme(), filter.network(), extension));
    }
    if (filter.payTo() != null) {
      out.add("p=" + filter.payTo());
    }
    return out;
  }

  private static String combination(String type, String scheme, String network, String extension) {
    StringBuilder key = new StringBuilder();
    if (type != null) {
      key.append("t=").append(type);
    }
    if (scheme != null) {
      key.append(key.length() == 0 ? "" : "&").append("s=").append(scheme);
    }
    if (network != null) {
      key.append(key.length() == 0 ? "" : "&").append("n=").append(network);
    }
    if (extension != null) {
      key.append(key.length() == 0 ? "" : "&").append("e=").append(extension);
    }
    return key.toString();
  }
}
