package io.x402j.facilitator;

/** The discovery catalog on a real PostgreSQL, as several facilitator instances share it. */
class PostgresDiscoveryCatalogIT extends DiscoveryCatalogContract {
  @Override
  String newDatabase() {
    return TestPostgres.newDatabase();
  }

  @Override
  String newMigratedDatabase() {
    return TestPostgres.newMigratedDatabase();
  }
}
