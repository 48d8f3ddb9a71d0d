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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The catalog's tables ({@code V4__discovery_catalog.sql}) on SQLite or PostgreSQL, in portable
 * SQL: an upsert is {@code INSERT … ON CONFLICT … DO UPDATE}, so instances sharing one database
 * never duplicate an entry. Expiry is a filter on every read ({@code last_seen} at or after the
 * cutoff), so an expired entry disappears at once, and {@link #purge} reclaims the rows later. Not
 * part of the x402j API.
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
          if (count(c, "SELECT COUNT(*) FROM discovery_resources WHERE last_seen >= ?", cutoff)
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
        trimAccepts(c, entry.id());
        try (PreparedStatement s =
            c.prepareStatement("DELETE FROM discovery_terms WHERE resource_id = ?")) {
          s.setString(1, entry.id());
          s.executeUpdate();
        }
        if (!terms.isEmpty()) {
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO discovery_terms (term, resource_id, weight) VALUES (?, ?, ?)"
                      + " ON CONFLICT (term, resource_id) DO NOTHING")) {
            for (Map.Entry<String, Integer> term : terms) {
              s.setString(1, term.getKey());
              s.setString(2, entry.id());
              s.setInt(3, term.getValue());
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

  private static void trimAccepts(Connection c, String id) throws SQLException {
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
    if (kinds.size() <= MAX_ACCEPTS) {
      return;
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
  }

  /** A page of live entries, newest payment first, and the number matching. */
  public Page list(Filter filter, Instant cutoff, int limit, int offset) throws SQLException {
    List<Object> parameters = new ArrayList<>();
    String where = where(filter, cutoff, parameters);
    try (Connection c = dataSource.getConnection()) {
      long total;
      try (PreparedStatement s =
          c.prepareStatement("SELECT COUNT(*) FROM discovery_resources r WHERE " + where)) {
        bind(s, parameters);
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          total = rs.getLong(1);
        }
      }
      List<Object> paged = new ArrayList<>(parameters);
      paged.add(limit);
      paged.add(offset);
      List<ObjectNode> items =
          items(
              c,
              "SELECT "
                  + COLUMNS
                  + " FROM discovery_resources r WHERE "
                  + where
                  + " ORDER BY r.last_seen DESC, r.id DESC LIMIT ? OFFSET ?",
              paged,
              cutoff);
      return new Page(items, total);
    }
  }

  /**
   * Live entries matching any of {@code terms}, best first: most query words matched, then the
   * highest weight (words from the service name and tags weigh most), then the latest payment.
   * Reads {@code limit + 1} rows so the caller can tell whether more follow.
   */
  public List<ObjectNode> search(
      List<String> terms, Filter filter, Instant cutoff, int limit, int offset)
      throws SQLException {
    List<Object> parameters = new ArrayList<>(terms);
    String where = where(filter, cutoff, parameters);
    parameters.add(limit + 1);
    parameters.add(offset);
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM (SELECT t.resource_id, COUNT(*) AS matched, SUM(t.weight) AS score"
            + " FROM discovery_terms t WHERE t.term IN ("
            + String.join(", ", java.util.Collections.nCopies(terms.size(), "?"))
            + ") GROUP BY t.resource_id) m JOIN discovery_resources r ON r.id = m.resource_id"
            + " WHERE "
            + where
            + " ORDER BY m.matched DESC, m.score DESC, r.last_seen DESC, r.id DESC"
            + " LIMIT ? OFFSET ?";
    try (Connection c = dataSource.getConnection()) {
      return items(c, sql, parameters, cutoff);
    }
  }

  /** Deletes entries last paid for before {@code cutoff}; returns how many. */
  public int purge(Instant cutoff) throws SQLException {
    long at = cutoff.toEpochMilli();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        String stale = "SELECT id FROM discovery_resources WHERE last_seen < ?";
        for (String table : List.of("discovery_terms", "discovery_accepts")) {
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

  private static String where(Filter filter, Instant cutoff, List<Object> parameters) {
    StringBuilder where = new StringBuilder("r.last_seen >= ?");
    parameters.add(cutoff.toEpochMilli());
    if (filter.type() != null) {
      where.append(" AND r.type = ?");
      parameters.add(filter.type());
    }
    if (filter.payTo() != null) {
      where.append(" AND r.pay_to = ?");
      parameters.add(filter.payTo());
    }
    if (filter.extension() != null) {
      // The key's characters are [A-Za-z0-9._-]; '_' is a LIKE wildcard, so it is escaped.
      where.append(" AND r.extension_keys LIKE ? ESCAPE '!'");
      parameters.add("%," + filter.extension().replace("_", "!_") + ",%");
    }
    if (filter.scheme() != null || filter.network() != null) {
      where.append(" AND EXISTS (SELECT 1 FROM discovery_accepts a WHERE a.resource_id = r.id");
      if (filter.scheme() != null) {
        where.append(" AND a.scheme = ?");
        parameters.add(filter.scheme());
      }
      if (filter.network() != null) {
        where.append(" AND a.network = ?");
        parameters.add(filter.network());
      }
      where.append(")");
    }
    return where.toString();
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

  private static long count(Connection c, String sql, Instant cutoff) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setLong(1, cutoff.toEpochMilli());
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private List<ObjectNode> items(Connection c, String sql, List<Object> parameters, Instant cutoff)
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
        }
      }
    }
    if (items.isEmpty()) {
      return List.of();
    }
    String marks = String.join(", ", java.util.Collections.nCopies(items.size(), "?"));
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
