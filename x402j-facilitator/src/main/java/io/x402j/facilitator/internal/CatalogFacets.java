package io.x402j.facilitator.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The filter keys ("facets") of a catalog entry, one row each in {@code discovery_facets} with the
 * entry's last payment time, so that a listing filter is one range of one index: its page read in
 * order and its exact total counted without touching the entries themselves.
 *
 * <p>The low-cardinality filters (type, scheme, network) are stored in every combination an entry
 * matches ({@code t=http}, {@code n=eip155:8453}, {@code t=http&s=exact&n=eip155:8453}, …), so any
 * mix of them is one key. The recipient ({@code p=…}) and each extension key ({@code e=…}) are keys
 * of their own; a filter that mixes them with others is the intersection of a few ranges, driven by
 * the smallest. The {@code bazaar} extension is no key: every entry has it. Not part of the x402j
 * API.
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
    Set<String> out = new LinkedHashSet<>();
    out.add(ALL);
    for (String t : new String[] {null, type}) {
      if (t != null) {
        out.add(combination(t, null, null));
      }
      for (String[] kind : kinds) {
        out.add(combination(t, kind[0], null));
        out.add(combination(t, null, kind[1]));
        out.add(combination(t, kind[0], kind[1]));
      }
    }
    out.add("p=" + payTo);
    for (String key : extensionKeys) {
      if (!key.equals(BAZAAR)) {
        out.add("e=" + key);
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
    List<String> out = new ArrayList<>(3);
    if (filter.type() != null || filter.scheme() != null || filter.network() != null) {
      out.add(combination(filter.type(), filter.scheme(), filter.network()));
    }
    if (filter.payTo() != null) {
      out.add("p=" + filter.payTo());
    }
    if (filter.extension() != null && !filter.extension().equals(BAZAAR)) {
      out.add("e=" + filter.extension());
    }
    return out;
  }

  private static String combination(String type, String scheme, String network) {
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
    return key.toString();
  }
}
