package io.x402j.facilitator.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Flyway migration 6, in Java because it fills the new table with the same code that keeps it
 * ({@link CatalogFacets}), on SQLite and PostgreSQL alike: the catalog's filter keys get a table of
 * their own ({@code discovery_facets}: facet, entry, last payment), and the search words carry
 * their entry's last payment ({@code discovery_terms.last_seen}), so that listing, counting and
 * ranking read indexes only. Existing entries are migrated. Not part of the x402j API.
 */
public final class V6__Discovery_facets extends BaseJavaMigration {
  @Override
  public void migrate(Context context) throws SQLException {
    Connection c = context.getConnection();
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE discovery_facets ("
              + " facet VARCHAR(200) NOT NULL,"
              + " resource_id VARCHAR(64) NOT NULL,"
              + " last_seen BIGINT NOT NULL,"
              + " PRIMARY KEY (facet, resource_id))");
      s.execute(
          "CREATE INDEX discovery_facets_seen ON discovery_facets (facet, last_seen, resource_id)");
      s.execute("CREATE INDEX discovery_facets_resource ON discovery_facets (resource_id)");
      s.execute("ALTER TABLE discovery_terms ADD COLUMN last_seen BIGINT NOT NULL DEFAULT 0");
      s.execute(
          "UPDATE discovery_terms SET last_seen = COALESCE((SELECT r.last_seen FROM"
              + " discovery_resources r WHERE r.id = discovery_terms.resource_id), 0)");
      s.execute(
          "CREATE INDEX discovery_terms_rank ON discovery_terms"
              + " (term, weight, last_seen, resource_id)");
    }
    fill(c);
  }

  /**
   * Inserts the facets of every entry, as {@link CatalogFacets} derives them now (also used by
   * later migrations that change the facets).
   */
  static void fill(Connection c) throws SQLException {
    String id = null;
    String type = null;
    String payTo = null;
    String keys = null;
    long seen = 0;
    List<String[]> kinds = new ArrayList<>();
    try (PreparedStatement s =
            c.prepareStatement(
                "SELECT r.id, r.type, r.pay_to, r.extension_keys, r.last_seen, a.scheme,"
                    + " a.network FROM discovery_resources r LEFT JOIN discovery_accepts a"
                    + " ON a.resource_id = r.id ORDER BY r.id");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        if (!rs.getString(1).equals(id)) {
          if (id != null) {
            fill(c, id, type, payTo, keys, seen, kinds);
          }
          id = rs.getString(1);
          type = rs.getString(2);
          payTo = rs.getString(3);
          keys = rs.getString(4);
          seen = rs.getLong(5);
          kinds = new ArrayList<>();
        }
        if (rs.getString(6) != null) {
          kinds.add(new String[] {rs.getString(6), rs.getString(7)});
        }
      }
    }
    if (id != null) {
      fill(c, id, type, payTo, keys, seen, kinds);
    }
  }

  private static void fill(
      Connection c,
      String id,
      String type,
      String payTo,
      String keys,
      long seen,
      List<String[]> kinds)
      throws SQLException {
    List<String> extensionKeys = new ArrayList<>();
    for (String key : keys.split(",")) {
      if (!key.isEmpty()) {
        extensionKeys.add(key);
      }
    }
    CatalogStore.insertFacets(c, id, seen, CatalogFacets.of(type, payTo, extensionKeys, kinds));
  }
}
