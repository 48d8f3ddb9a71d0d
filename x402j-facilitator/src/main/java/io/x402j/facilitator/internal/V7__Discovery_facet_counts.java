package io.x402j.facilitator.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Flyway migration 7, on SQLite and PostgreSQL alike, so that every listing filter is one index
 * range with a cheap exact total, and a search filtered by type needs no probe per word:
 *
 * <ul>
 *   <li>the facets of existing entries are derived again ({@link CatalogFacets}: the extension keys
 *       now also combined with type, scheme and network);
 *   <li>{@code discovery_facet_counts} (facet, hour of the last payment, entries) is created and
 *       counted from the facets; {@link CatalogStore} keeps it in step from then on;
 *   <li>the search words carry their entry's type ({@code discovery_terms.type}), the last column
 *       of the rank index.
 * </ul>
 *
 * Not part of the x402j API.
 */
public final class V7__Discovery_facet_counts extends BaseJavaMigration {
  @Override
  public void migrate(Context context) throws SQLException {
    Connection c = context.getConnection();
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE discovery_facet_counts ("
              + " facet VARCHAR(200) NOT NULL,"
              + " bucket BIGINT NOT NULL,"
              + " entries BIGINT NOT NULL,"
              + " PRIMARY KEY (facet, bucket))");
      s.execute("ALTER TABLE discovery_terms ADD COLUMN type VARCHAR(8) NOT NULL DEFAULT ''");
      s.execute(
          "UPDATE discovery_terms SET type = COALESCE((SELECT r.type FROM discovery_resources r"
              + " WHERE r.id = discovery_terms.resource_id), '')");
      s.execute("DROP INDEX discovery_terms_rank");
      s.execute(
          "CREATE INDEX discovery_terms_rank ON discovery_terms"
              + " (term, weight, last_seen, resource_id, type)");
      s.execute("DELETE FROM discovery_facets");
    }
    V6__Discovery_facets.fill(c);
    CatalogStore.recount(c);
  }
}
