package io.x402j.facilitator.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The catalog's tables ({@code V4__discovery_catalog.sql}, {@link V6__Discovery_facets}) on SQLite
 * or PostgreSQL, in portable SQL: an upsert is {@code INSERT … ON CONFLICT … DO UPDATE}, so
 * instances sharing one database never duplicate an entry. Expiry is a filter on every read ({@code
 * last_seen} at or after the cutoff), so an expired entry disappears at once, and {@link #purge}
 * reclaims the rows later. Not part of the x402j API.
 */
public final class CatalogStore {
  /** The most payment kinds (scheme, network, asset) kept per entry. */
  public static final int MAX_ACCEPTS = 8;

  private static final String COLUMNS =
      "r.id, r.resource, r.tool_name, r.pay_to, r.type, r.x402_version, r.description,"
          + " r.mime_type, r.service_name, r.tags, r.icon_url, r.bazaar, r.metadata, r.last_seen";

  private final DataSource dataSource;
  private final ObjectMapper mapper = new ObjectMapper();

  /** A store on a migrated database. */
  public CatalogStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Filters of both endpoints; {@code null} means any. */
  public record Filter(
      String type, String payTo, String scheme, String network, String extension) {}

  /** One page of results, and how many match in all (-1 when not counted). */
  public record Page(List<ObjectNode> items, long total) {}

  /** How bounded storage went: stored, or refused for a reason. */
  public record Stored(Optional<String> refusal) {}

  /**
   * Stores or refreshes {@code entry}. A new entry is refused when the live catalog holds {@code
   * maxEntries}, or {@code payer} already created {@code maxPerPayer} live entries.
   */
  public Stored upsert(
      BazaarExtraction.Entry entry,
      List<Map.Entry<String, Integer>> terms,
      String payer,
      Instant now,
      Instant cutoff,
      long maxEntries,
      long maxPerPayer)
      throws SQLException {
    long at = now.toEpochMilli();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        boolean exists;
        try (PreparedStatement s =
            c.prepareStatement("SELECT 1 FROM discovery_resources WHERE id = ?")) {
          s.setString(1, entry.id());
          try (ResultSet rs = s.executeQuery()) {
            exists = rs.next();
          }
        }
        if (!exists) {
          if (count(
                  c,
                  "SELECT COUNT(*) FROM discovery_facets WHERE facet = '"
                      + CatalogFacets.ALL
                      + "' AND last_seen >= ?",
                  cutoff.toEpochMilli())
              >= maxEntries) {
            c.rollback();
            return new Stored(Optional.of("the catalog is full (" + maxEntries + " entries)"));
          }
          long mine;
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT COUNT(*) FROM discovery_resources WHERE created_by = ? AND last_seen >= ?")) {
            s.setString(1, payer);
            s.setLong(2, cutoff.toEpochMilli());
            try (ResultSet rs = s.executeQuery()) {
              rs.next();
              mine = rs.getLong(1);
            }
          }
          if (mine >= maxPerPayer) {
            c.rollback();
            return new Stored(
                Optional.of(
                    "this payer already has "
                        + mine
                        + " catalog entries; the limit is "
                        + maxPerPayer));
          }
        }
        try (PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO discovery_resources (id, resource, tool_name, pay_to, type,"
                    + " x402_version, description, mime_type, service_name, tags, icon_url,"
                    + " extension_keys, bazaar, metadata, created_by, first_seen, last_seen)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (id) DO UPDATE SET x402_version = excluded.x402_version,"
                    + " description = excluded.description, mime_type = excluded.mime_type,"
                    + " service_name = excluded.service_name, tags = excluded.tags,"
                    + " icon_url = excluded.icon_url, extension_keys = excluded.extension_keys,"
                    + " bazaar = excluded.bazaar, metadata = excluded.metadata,"
                    + " last_seen = CASE WHEN excluded.last_seen > discovery_resources.last_seen"
                    + " THEN excluded.last_seen ELSE discovery_resources.last_seen END")) {
          int i = 1;
          s.setString(i++, entry.id());
          s.setString(i++, entry.resource());
          s.setString(i++, entry.toolName());
          s.setString(i++, entry.payTo());
          s.setString(i++, entry.type());
          s.setInt(i++, entry.x402Version());
          s.setString(i++, entry.description());
          s.setString(i++, entry.mimeType());
          s.setString(i++, entry.serviceName());
          s.setString(i++, entry.tags().isEmpty() ? null : json(entry.tags()));
          s.setString(i++, entry.iconUrl());
          s.setString(i++, "," + String.join(",", entry.extensionKeys()) + ",");
          s.setString(i++, entry.bazaar().toString());
          s.setString(i++, entry.metadata().toString());
          s.setString(i++, payer);
          s.setLong(i++, at);
          s.setLong(i, at);
          s.executeUpdate();
        }
        try (PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO discovery_accepts (resource_id, scheme, network, asset,"
                    + " requirements, paid_at) VALUES (?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (resource_id, scheme, network, asset) DO UPDATE SET"
                    + " requirements = excluded.requirements, paid_at = excluded.paid_at")) {
          s.setString(1, entry.id());
          s.setString(2, entry.scheme());
          s.setString(3, entry.network());
          s.setString(4, entry.asset());
          s.setString(5, entry.requirements());
          s.setLong(6, at);
          s.executeUpdate();
        }
        List<String[]> kinds = trimAccepts(c, entry.id());
        long seen;
        try (PreparedStatement s =
            c.prepareStatement("SELECT last_seen FROM discovery_resources WHERE id = ?")) {
          s.setString(1, entry.id());
          try (ResultSet rs = s.executeQuery()) {
            rs.next();
            seen = rs.getLong(1);
          }
        }
        for (String table : List.of("discovery_terms", "discovery_facets")) {
          try (PreparedStatement s =
              c.prepareStatement("DELETE FROM " + table + " WHERE resource_id = ?")) {
            s.setString(1, entry.id());
            s.executeUpdate();
          }
        }
        insertFacets(
            c,
            entry.id(),
            seen,
            CatalogFacets.of(entry.type(), entry.payTo(), entry.extensionKeys(), kinds));
        if (!terms.isEmpty()) {
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO discovery_terms (term, resource_id, weight, last_seen)"
                      + " VALUES (?, ?, ?, ?) ON CONFLICT (term, resource_id) DO NOTHING")) {
            for (Map.Entry<String, Integer> term : terms) {
              s.setString(1, term.getKey());
              s.setString(2, entry.id());
              s.setInt(3, term.getValue());
              s.setLong(4, seen);
              s.addBatch();
            }
            s.executeBatch();
          }
        }
        c.commit();
        return new Stored(Optional.empty());
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** Inserts the {@code facets} of entry {@code id}, last paid for at {@code seen}. */
  static void insertFacets(Connection c, String id, long seen, List<String> facets)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO discovery_facets (facet, resource_id, last_seen) VALUES (?, ?, ?)")) {
      for (String facet : facets) {
        s.setString(1, facet);
        s.setString(2, id);
        s.setLong(3, seen);
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  /** Keeps the {@link #MAX_ACCEPTS} latest payment kinds; returns their scheme and network. */
  private static List<String[]> trimAccepts(Connection c, String id) throws SQLException {
    List<String[]> kinds = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT scheme, network, asset FROM discovery_accepts WHERE resource_id = ?"
                + " ORDER BY paid_at DESC, scheme, network, asset")) {
      s.setString(1, id);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          kinds.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
        }
      }
    }
    List<String[]> kept = new ArrayList<>();
    for (String[] kind : kinds.subList(0, Math.min(MAX_ACCEPTS, kinds.size()))) {
      kept.add(new String[] {kind[0], kind[1]});
    }
    if (kinds.size() <= MAX_ACCEPTS) {
      return kept;
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "DELETE FROM discovery_accepts WHERE resource_id = ? AND scheme = ? AND network = ?"
                + " AND asset = ?")) {
      for (String[] kind : kinds.subList(MAX_ACCEPTS, kinds.size())) {
        s.setString(1, id);
        s.setString(2, kind[0]);
        s.setString(3, kind[1]);
        s.setString(4, kind[2]);
        s.addBatch();
      }
      s.executeBatch();
    }
    return kept;
  }

  /**
   * A page of live entries, newest payment first, and the exact number matching, both from the
   * range of the filter's facet in {@code discovery_facets} (index only; {@link CatalogFacets#ALL}
   * without a filter), and with several facets, from the smallest of their ranges, each entry of it
   * checked for the other facets.
   */
  public Page list(Filter filter, Instant cutoff, int limit, int offset) throws SQLException {
    long at = cutoff.toEpochMilli();
    List<String> facets = CatalogFacets.listing(filter);
    try (Connection c = dataSource.getConnection()) {
      long total;
      List<Object> parameters = new ArrayList<>();
      facets = bySize(c, facets, at);
      if (facets.isEmpty()) {
        return new Page(List.of(), 0);
      }
      String matching = matching(facets, parameters, at);
      try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM " + matching)) {
        bind(s, parameters);
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          total = rs.getLong(1);
        }
      }
      String ids =
          "SELECT d.resource_id, d.last_seen FROM "
              + matching
              + " ORDER BY d.last_seen DESC, d.resource_id DESC LIMIT ? OFFSET ?";
      parameters.add(limit);
      parameters.add(offset);
      List<ObjectNode> items =
          items(
              c,
              "SELECT "
                  + COLUMNS
                  + " FROM ("
                  + ids
                  + ") m JOIN discovery_resources r ON r.id = m.resource_id"
                  + " ORDER BY m.last_seen DESC, m.resource_id DESC",
              parameters);
      return new Page(items, total);
    }
  }

  /** How far {@link #bySize} counts a facet's range. */
  private static final int SIZE_CAP = 2_000;

  /**
   * {@code facets} smallest range first, each counted from its index up to {@link #SIZE_CAP}
   * (ranges beyond it keep their order); empty when one of them has no live entry (so nothing
   * matches).
   */
  private static List<String> bySize(Connection c, List<String> facets, long at)
      throws SQLException {
    if (facets.size() == 1) {
      return facets;
    }
    Map<String, Long> sizes = new LinkedHashMap<>();
    for (String facet : facets) {
      // Counted up to a cap: enough to pick the smallest range without reading a large one.
      try (PreparedStatement s =
          c.prepareStatement(
              "SELECT COUNT(*) FROM (SELECT 1 FROM discovery_facets WHERE facet = ?"
                  + " AND last_seen >= ? LIMIT "
                  + SIZE_CAP
                  + ") f")) {
        s.setString(1, facet);
        s.setLong(2, at);
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          if (rs.getLong(1) == 0) {
            return List.of();
          }
          sizes.put(facet, rs.getLong(1));
        }
      }
    }
    List<String> ordered = new ArrayList<>(facets);
    ordered.sort(java.util.Comparator.comparing(sizes::get));
    return ordered;
  }

  /**
   * The FROM and WHERE of the live rows of the first of {@code facets} ({@code d}) whose entry has
   * the others too; adds its parameters.
   */
  private static String matching(List<String> facets, List<Object> parameters, long at) {
    StringBuilder sql =
        new StringBuilder("discovery_facets d WHERE d.facet = ? AND d.last_seen >= ?");
    parameters.add(facets.get(0));
    parameters.add(at);
    for (String other : facets.subList(1, facets.size())) {
      sql.append(
          " AND EXISTS (SELECT 1 FROM discovery_facets o WHERE o.facet = ?"
              + " AND o.resource_id = d.resource_id)");
      parameters.add(other);
    }
    return sql.toString();
  }

  /**
   * Where a search page ended in the ranking: the last entry's number of query words matched, its
   * score, its latest payment (epoch milliseconds) and its id (1 to {@link #MAX_ID} printable ASCII
   * characters; SHA-256 hex for every entry x402j stores). The ranking orders by all four,
   * descending, so the order is total and the next page starts strictly after it: entries added or
   * paid again while a client pages rank above it and do not shift the pages that follow.
   */
  public record Position(int matched, long score, long seen, String id) {
    /** The longest id a position holds. */
    public static final int MAX_ID = 64;

    private static final Pattern ID = Pattern.compile("[\\x21-\\x7e]{1," + MAX_ID + "}");

    /** Validates the position. */
    public Position {
      if (matched < 1 || matched > SearchTerms.MAX_QUERY_TERMS) {
        throw new IllegalArgumentException("matched out of range");
      }
      if (score < 0 || seen < 0) {
        throw new IllegalArgumentException("negative score or time");
      }
      if (id == null || !ID.matcher(id).matches()) {
        throw new IllegalArgumentException("id is not 1 to " + MAX_ID + " printable characters");
      }
    }
  }

  /** One page of search results, and where its last entry stands (to resume after it). */
  public record Found(List<ObjectNode> items, List<Position> positions) {}

  /**
   * Live entries matching any of {@code terms}, best first: most query words matched, then the
   * highest weight (words from the service name and tags weigh most), then the latest payment, then
   * the id; only those ranked after {@code after} when it is given. Reads {@code limit + 1} rows so
   * the caller can tell whether more follow. Ranking reads only the words' index ({@code term,
   * weight, last_seen, resource_id}); one word is one range read in rank order.
   */
  public Found search(List<String> terms, Filter filter, Instant cutoff, int limit, Position after)
      throws SQLException {
    long at = cutoff.toEpochMilli();
    List<Object> parameters = new ArrayList<>(terms);
    parameters.add(at);
    StringBuilder where =
        new StringBuilder(
            " FROM discovery_terms t WHERE t.term"
                + (terms.size() == 1
                    ? " = ?"
                    : " IN (" + String.join(", ", Collections.nCopies(terms.size(), "?")) + ")")
                + " AND t.last_seen >= ?");
    for (String facet : CatalogFacets.of(filter)) {
      where.append(
          " AND EXISTS (SELECT 1 FROM discovery_facets f WHERE f.facet = ?"
              + " AND f.resource_id = t.resource_id)");
      parameters.add(facet);
    }
    String ranked;
    if (terms.size() == 1) {
      // One word: every row matches one word, so a position that matched more ranks above all.
      if (after != null && after.matched() == 1) {
        where.append(
            " AND (t.weight < ? OR (t.weight = ? AND (t.last_seen < ? OR (t.last_seen = ?"
                + " AND t.resource_id < ?))))");
        parameters.addAll(
            List.of(after.score(), after.score(), after.seen(), after.seen(), after.id()));
      }
      ranked =
          "SELECT t.resource_id, 1 AS matched, t.weight AS score, t.last_seen AS seen"
              + where
              + " ORDER BY t.weight DESC, t.last_seen DESC, t.resource_id DESC";
    } else {
      StringBuilder having = new StringBuilder();
      if (after != null) {
        having.append(
            " HAVING COUNT(*) < ? OR (COUNT(*) = ? AND (SUM(t.weight) < ? OR (SUM(t.weight) = ?"
                + " AND (MAX(t.last_seen) < ? OR (MAX(t.last_seen) = ?"
                + " AND t.resource_id < ?)))))");
        parameters.addAll(
            List.of(
                (long) after.matched(),
                (long) after.matched(),
                after.score(),
                after.score(),
                after.seen(),
                after.seen(),
                after.id()));
      }
      ranked =
          "SELECT t.resource_id, COUNT(*) AS matched, SUM(t.weight) AS score,"
              + " MAX(t.last_seen) AS seen"
              + where
              + " GROUP BY t.resource_id"
              + having
              + " ORDER BY matched DESC, score DESC, seen DESC, t.resource_id DESC";
    }
    parameters.add(limit + 1);
    String sql =
        "SELECT "
            + COLUMNS
            + ", m.matched AS rank_matched, m.score AS rank_score, m.seen AS rank_seen"
            + " FROM ("
            + ranked
            + " LIMIT ?) m JOIN discovery_resources r ON r.id = m.resource_id"
            + " ORDER BY m.matched DESC, m.score DESC, m.seen DESC, m.resource_id DESC";
    List<Position> positions = new ArrayList<>();
    try (Connection c = dataSource.getConnection()) {
      List<ObjectNode> items = items(c, sql, parameters, positions);
      return new Found(items, List.copyOf(positions));
    }
  }

  /** Deletes entries last paid for before {@code cutoff}; returns how many. */
  public int purge(Instant cutoff) throws SQLException {
    long at = cutoff.toEpochMilli();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        String stale = "SELECT id FROM discovery_resources WHERE last_seen < ?";
        for (String table : List.of("discovery_terms", "discovery_facets", "discovery_accepts")) {
          try (PreparedStatement s =
              c.prepareStatement(
                  "DELETE FROM " + table + " WHERE resource_id IN (" + stale + ")")) {
            s.setLong(1, at);
            s.executeUpdate();
          }
        }
        int removed;
        try (PreparedStatement s =
            c.prepareStatement("DELETE FROM discovery_resources WHERE last_seen < ?")) {
          s.setLong(1, at);
          removed = s.executeUpdate();
        }
        c.commit();
        return removed;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private static void bind(PreparedStatement s, List<Object> parameters) throws SQLException {
    for (int i = 0; i < parameters.size(); i++) {
      Object value = parameters.get(i);
      if (value instanceof Long n) {
        s.setLong(i + 1, n);
      } else if (value instanceof Integer n) {
        s.setInt(i + 1, n);
      } else {
        s.setString(i + 1, (String) value);
      }
    }
  }

  private static long count(Connection c, String sql, long at) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setLong(1, at);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private List<ObjectNode> items(Connection c, String sql, List<Object> parameters)
      throws SQLException {
    return items(c, sql, parameters, null);
  }

  /** The entries {@code sql} selects; with {@code positions}, also their rank ({@code rank_*}). */
  private List<ObjectNode> items(
      Connection c, String sql, List<Object> parameters, List<Position> positions)
      throws SQLException {
    Map<String, ObjectNode> items = new LinkedHashMap<>();
    try (PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, parameters);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          ObjectNode item = mapper.createObjectNode();
          String id = rs.getString("id");
          item.put("resource", rs.getString("resource"));
          item.put("type", rs.getString("type"));
          item.put("x402Version", rs.getInt("x402_version"));
          item.putArray("accepts");
          item.put("lastUpdated", Instant.ofEpochMilli(rs.getLong("last_seen")).toString());
          putText(item, "description", rs.getString("description"));
          putText(item, "mimeType", rs.getString("mime_type"));
          putText(item, "serviceName", rs.getString("service_name"));
          String tags = rs.getString("tags");
          if (tags != null) {
            item.set("tags", parse(tags));
          }
          putText(item, "iconUrl", rs.getString("icon_url"));
          item.putObject("extensions").set(BazaarExtraction.KEY, parse(rs.getString("bazaar")));
          ObjectNode metadata = item.putObject("metadata");
          String stored = rs.getString("metadata");
          if (stored != null && parse(stored) instanceof ObjectNode fields) {
            metadata.setAll(fields);
          }
          metadata.put("payTo", rs.getString("pay_to"));
          items.put(id, item);
          if (positions != null) {
            positions.add(
                new Position(
                    rs.getInt("rank_matched"),
                    rs.getLong("rank_score"),
                    rs.getLong("rank_seen"),
                    id));
          }
        }
      }
    }
    if (items.isEmpty()) {
      return List.of();
    }
    String marks = String.join(", ", Collections.nCopies(items.size(), "?"));
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT resource_id, requirements FROM discovery_accepts WHERE resource_id IN ("
                + marks
                + ") ORDER BY paid_at DESC, scheme, network, asset")) {
      int i = 1;
      for (String id : items.keySet()) {
        s.setString(i++, id);
      }
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          ((ArrayNode) items.get(rs.getString(1)).get("accepts")).add(parse(rs.getString(2)));
        }
      }
    }
    return List.copyOf(items.values());
  }

  private static void putText(ObjectNode item, String name, String value) {
    if (value != null) {
      item.put(name, value);
    }
  }

  private JsonNode parse(String json) {
    try {
      return mapper.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the catalog holds JSON it cannot read", e);
    }
  }

  private String json(Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
