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
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The catalog's tables ({@code V4__discovery_catalog.sql}, {@link V6__Discovery_facets}) on SQLite
 * or PostgreSQL, in portable SQL: an upsert is {@code INSERT … ON CONFLICT … DO UPDATE}, so
 * instances sharing one database never duplicate an entry. Expiry is a filter on every read ({@code
 * last_seen} at or after the cutoff), so an expired entry disappears at once, and {@link #purge}
 * reclaims the rows later.
 *
 * <p>How many live entries each facet has is kept in {@code discovery_facet_counts} (facet, hour of
 * the last payment, entries), changed in the same transaction as the facet rows, so that a
 * listing's exact {@code total} is the sum of the hours after the cutoff's hour plus an index count
 * of the cutoff's hour alone: an entry whose last payment is older than the cutoff is never
 * counted, whether or not it was purged yet. Not part of the x402j API.
 */
public final class CatalogStore {
  /** The most payment kinds (scheme, network, asset) kept per entry. */
  public static final int MAX_ACCEPTS = 8;

  private static final String COLUMNS =
      "r.id, r.resource, r.tool_name, r.pay_to, r.type, r.x402_version, r.description,"
          + " r.mime_type, r.service_name, r.tags, r.icon_url, r.bazaar, r.metadata, r.last_seen";

  /** The width of a count bucket: an hour of last payments, in milliseconds. */
  static final long BUCKET_MS = 3_600_000L;

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
          if (total(c, CatalogFacets.ALL, cutoff.toEpochMilli()) >= maxEntries) {
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
        Map<Count, Long> counts = new TreeMap<>();
        try (PreparedStatement s =
            c.prepareStatement(
                "SELECT facet, last_seen FROM discovery_facets WHERE resource_id = ?")) {
          s.setString(1, entry.id());
          try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
              counts.merge(new Count(rs.getString(1), bucket(rs.getLong(2))), -1L, Long::sum);
            }
          }
        }
        for (String table : List.of("discovery_terms", "discovery_facets")) {
          try (PreparedStatement s =
              c.prepareStatement("DELETE FROM " + table + " WHERE resource_id = ?")) {
            s.setString(1, entry.id());
            s.executeUpdate();
          }
        }
        List<String> facets =
            CatalogFacets.of(entry.type(), entry.payTo(), entry.extensionKeys(), kinds);
        insertFacets(c, entry.id(), seen, facets);
        for (String facet : facets) {
          counts.merge(new Count(facet, bucket(seen)), 1L, Long::sum);
        }
        adjust(c, counts);
        if (!terms.isEmpty()) {
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO discovery_terms (term, resource_id, weight, last_seen, type)"
                      + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (term, resource_id) DO NOTHING")) {
            for (Map.Entry<String, Integer> term : terms) {
              s.setString(1, term.getKey());
              s.setString(2, entry.id());
              s.setInt(3, term.getValue());
              s.setLong(4, seen);
              s.setString(5, entry.type());
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

  /** One row of {@code discovery_facet_counts}; ordered, so that writers lock rows alike. */
  private record Count(String facet, long bucket) implements Comparable<Count> {
    @Override
    public int compareTo(Count o) {
      int byFacet = facet.compareTo(o.facet);
      return byFacet != 0 ? byFacet : Long.compare(bucket, o.bucket);
    }
  }

  /** The count bucket of a last payment at {@code seen} (epoch milliseconds). */
  static long bucket(long seen) {
    return Math.floorDiv(seen, BUCKET_MS);
  }

  /**
   * Adds {@code deltas} to the facet counts, in their order (every writer takes the rows' locks in
   * the same order, so two never wait on each other), and drops the counts that reach zero.
   */
  private static void adjust(Connection c, Map<Count, Long> deltas) throws SQLException {
    List<Count> emptied = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO discovery_facet_counts (facet, bucket, entries) VALUES (?, ?, ?)"
                + " ON CONFLICT (facet, bucket) DO UPDATE SET"
                + " entries = discovery_facet_counts.entries + excluded.entries")) {
      for (Map.Entry<Count, Long> delta : deltas.entrySet()) {
        if (delta.getValue() == 0) {
          continue;
        }
        s.setString(1, delta.getKey().facet());
        s.setLong(2, delta.getKey().bucket());
        s.setLong(3, delta.getValue());
        s.addBatch();
        if (delta.getValue() < 0) {
          emptied.add(delta.getKey());
        }
      }
      s.executeBatch();
    }
    if (emptied.isEmpty()) {
      return;
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "DELETE FROM discovery_facet_counts WHERE facet = ? AND bucket = ? AND entries <= 0")) {
      for (Count count : emptied) {
        s.setString(1, count.facet());
        s.setLong(2, count.bucket());
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  /**
   * Recounts {@code discovery_facet_counts} from {@code discovery_facets} (after a migration or a
   * bulk load that wrote the facets directly).
   */
  public static void recount(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("DELETE FROM discovery_facet_counts");
      s.execute(
          "INSERT INTO discovery_facet_counts (facet, bucket, entries)"
              + " SELECT facet, last_seen / "
              + BUCKET_MS
              + ", COUNT(*) FROM discovery_facets WHERE last_seen >= 0"
              + " GROUP BY facet, last_seen / "
              + BUCKET_MS);
    }
  }

  /**
   * The exact number of live entries (last paid for at or after {@code at}) with {@code facet}: the
   * maintained counts of the hours after {@code at}'s hour, and the entries of that hour from the
   * index.
   */
  static long total(Connection c, String facet, long at) throws SQLException {
    long hour = bucket(at);
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT (SELECT COALESCE(SUM(entries), 0) FROM discovery_facet_counts"
                + " WHERE facet = ? AND bucket > ?)"
                + " + (SELECT COUNT(*) FROM discovery_facets WHERE facet = ?"
                + " AND last_seen >= ? AND last_seen < ?)")) {
      s.setString(1, facet);
      s.setLong(2, hour);
      s.setString(3, facet);
      s.setLong(4, at);
      s.setLong(5, (hour + 1) * BUCKET_MS);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
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
   * A page of live entries, newest payment first, and the exact number matching. A filter (or none:
   * {@link CatalogFacets#ALL}) of type, scheme, network and extension is one facet: its page is one
   * range of {@code discovery_facets} read in order (index only) and its total comes from the
   * maintained counts ({@link #total}). With a recipient as well, the smaller of the two ranges is
   * read, each of its entries checked for the other facet, and counted.
   */
  public Page list(Filter filter, Instant cutoff, int limit, int offset) throws SQLException {
    long at = cutoff.toEpochMilli();
    List<String> facets = CatalogFacets.listing(filter);
    try (Connection c = dataSource.getConnection()) {
      long total;
      List<Object> parameters = new ArrayList<>();
      if (facets.size() == 1) {
        total = total(c, facets.get(0), at);
      } else {
        facets = bySize(c, facets, at);
        if (facets.isEmpty()) {
          return new Page(List.of(), 0);
        }
        total = -1;
      }
      if (total == 0) {
        return new Page(List.of(), 0);
      }
      String matching = matching(facets, parameters, at);
      if (total < 0) {
        try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM " + matching)) {
          bind(s, parameters);
          try (ResultSet rs = s.executeQuery()) {
            rs.next();
            total = rs.getLong(1);
          }
        }
      }
      if (offset >= total) {
        return new Page(List.of(), total);
      }
      long skip = offset;
      if (facets.size() == 1 && offset > 0) {
        // A deep offset skips whole hours by their counts and walks only within the hour it
        // falls in.
        long[] start = start(c, facets.get(0), at, offset);
        matching += " AND d.last_seen < ?";
        parameters.add(start[0]);
        skip = start[1];
      }
      String ids =
          "SELECT d.resource_id, d.last_seen FROM "
              + matching
              + " ORDER BY d.last_seen DESC, d.resource_id DESC LIMIT ? OFFSET ?";
      parameters.add(limit);
      parameters.add(skip);
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

  /**
   * Where the live range of {@code facet} is entered to skip {@code offset} entries, newest first:
   * the end (exclusive) of the latest hour that holds the entry at {@code offset}, and how many
   * entries of the range are left to skip from there.
   */
  private static long[] start(Connection c, String facet, long at, long offset)
      throws SQLException {
    long hour = bucket(at);
    long end = Long.MAX_VALUE;
    long skipped = 0;
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT bucket, entries FROM discovery_facet_counts WHERE facet = ? AND bucket > ?"
                + " ORDER BY bucket DESC")) {
      s.setString(1, facet);
      s.setLong(2, hour);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          long entries = rs.getLong(2);
          if (skipped + entries > offset) {
            break;
          }
          skipped += entries;
          end = rs.getLong(1) * BUCKET_MS;
        }
      }
    }
    return new long[] {end, offset - skipped};
  }

  /**
   * {@code facets} smallest live range first (by their exact {@link #total}); empty when one of
   * them has no live entry (so nothing matches).
   */
  private static List<String> bySize(Connection c, List<String> facets, long at)
      throws SQLException {
    Map<String, Long> sizes = new LinkedHashMap<>();
    for (String facet : facets) {
      long size = total(c, facet, at);
      if (size == 0) {
        return List.of();
      }
      sizes.put(facet, size);
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
    if (filter.type() != null) {
      // The words carry their entry's type (in the rank index), so this filter needs no probe.
      where.append(" AND t.type = ?");
      parameters.add(filter.type());
      filter =
          new Filter(null, filter.payTo(), filter.scheme(), filter.network(), filter.extension());
    }
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

  /**
   * Deletes entries last paid for before {@code cutoff}, their payment kinds, words and facets, and
   * takes their facets off the counts; returns how many.
   */
  public int purge(Instant cutoff) throws SQLException {
    long at = cutoff.toEpochMilli();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        // Deleting the entries first takes their rows (an entry paid for meanwhile is no longer
        // stale and stays), in the order an upsert takes them: entry, facets, counts.
        List<String> removed = new ArrayList<>();
        try (PreparedStatement s =
            c.prepareStatement(
                "DELETE FROM discovery_resources WHERE last_seen < ? RETURNING id")) {
          s.setLong(1, at);
          try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
              removed.add(rs.getString(1));
            }
          }
        }
        Map<Count, Long> counts = new TreeMap<>();
        for (int from = 0; from < removed.size(); from += PURGE_CHUNK) {
          List<String> chunk = removed.subList(from, Math.min(removed.size(), from + PURGE_CHUNK));
          String marks = String.join(", ", Collections.nCopies(chunk.size(), "?"));
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT facet, last_seen FROM discovery_facets WHERE resource_id IN ("
                      + marks
                      + ")")) {
            bind(s, new ArrayList<Object>(chunk));
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                counts.merge(new Count(rs.getString(1), bucket(rs.getLong(2))), -1L, Long::sum);
              }
            }
          }
          for (String table : List.of("discovery_terms", "discovery_facets", "discovery_accepts")) {
            try (PreparedStatement s =
                c.prepareStatement(
                    "DELETE FROM " + table + " WHERE resource_id IN (" + marks + ")")) {
              bind(s, new ArrayList<Object>(chunk));
              s.executeUpdate();
            }
          }
        }
        adjust(c, counts);
        c.commit();
        return removed.size();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** How many purged entries one statement deletes the rows of. */
  private static final int PURGE_CHUNK = 500;

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
