package io.x402j.mcp.internal;

import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.x402j.client.DiscoveryListing;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.discovery.DiscoveryClient;
import io.x402j.core.discovery.DiscoveryException;
import io.x402j.core.discovery.DiscoveryFilter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code x402_discover}: what a facilitator's Bazaar catalog says can be bought, priced, with how
 * to pay for it through {@code x402_fetch}. Pays nothing. Without a catalog configured every call
 * is an error result saying how to configure one.
 */
public final class DiscoverTool {
  /** The tool's arguments. */
  public static final Set<String> ARGUMENTS = Set.of("query", "network", "type", "limit");

  /** Resources returned when {@code limit} is absent. */
  public static final int DEFAULT_LIMIT = 20;

  /** The most resources one call returns. */
  public static final int MAX_LIMIT = 100;

  static final String HOW_TO_PAY =
      "To buy an http resource, call x402_fetch with url = its resource and method = its method"
          + " (with a body shaped like its input, when it declares one); the 402 is paid within"
          + " the wallet's limits. x402_inspect shows the current price without paying. An mcp"
          + " resource is a tool of the MCP server at its resource URL, called through an"
          + " x402-paying MCP client.";

  private final DiscoveryClient catalog;
  private final NetworkRegistry networks;

  /** A tool reading {@code catalog} (or {@code null}: not configured). */
  public DiscoverTool(DiscoveryClient catalog, NetworkRegistry networks) {
    this.catalog = catalog;
    this.networks = networks;
  }

  /** Runs a call. */
  public CallToolResult call(Map<String, Object> arguments) {
    String query;
    DiscoveryFilter filter = DiscoveryFilter.none();
    int limit;
    try {
      ToolArguments args = ToolArguments.of(arguments, ARGUMENTS);
      query = args.optionalString("query");
      if (query != null && query.isBlank()) {
        query = null;
      }
      if (query != null && query.length() > DiscoveryClient.MAX_QUERY_LENGTH) {
        throw new IllegalArgumentException(
            "query is "
                + query.length()
                + " characters; the limit is "
                + DiscoveryClient.MAX_QUERY_LENGTH);
      }
      String type = args.optionalString("type");
      if (type != null) {
        type = type.strip().toLowerCase(Locale.ROOT);
        if (!type.equals("http") && !type.equals("mcp")) {
          throw new IllegalArgumentException("type must be http or mcp");
        }
        filter = filter.withType(type);
      }
      String network = args.optionalString("network");
      if (network != null) {
        filter = filter.withNetwork(networks.resolve(network.strip()).toString());
      }
      limit = args.optionalInt("limit", 1, MAX_LIMIT, DEFAULT_LIMIT);
    } catch (IllegalArgumentException e) {
      return ToolResults.error(e.getMessage());
    }
    if (catalog == null) {
      return ToolResults.error(
          "x402_discover is not configured: this wallet has no discovery facilitator (start it"
              + " with x402j mcp --discovery-facilitator URL). x402_inspect and x402_fetch work"
              + " without one, given a URL.");
    }
    DiscoveryListing.Found found;
    try {
      found = DiscoveryListing.find(catalog, query, filter, limit, networks);
    } catch (DiscoveryException e) {
      return ToolResults.error(e.getMessage(), Map.of("facilitator", catalog.redactedUrl()));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("facilitator", catalog.redactedUrl());
    if (query != null) {
      out.put("query", query);
    }
    List<Map<String, Object>> resources = new ArrayList<>();
    found.listings().forEach(l -> resources.add(l.toMap()));
    out.put("resources", resources);
    out.put("truncated", found.truncated());
    if (!found.skipped().isEmpty()) {
      out.put("skipped", found.skipped());
    }
    out.put("howToPay", HOW_TO_PAY);
    out.put("note", "nothing was paid; prices are the catalog's and may have changed");
    return ToolResults.ok(out);
  }
}
