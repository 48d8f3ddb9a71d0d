package io.x402j.bench;

import io.x402j.sales.JdbcSalesRecord;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A fresh sales record for a benchmark: a SQLite file (WAL) or an embedded PostgreSQL (zonky) in a
 * temporary directory, removed on close.
 */
final class SalesDatabase implements AutoCloseable {
  final JdbcSalesRecord record;
  private final EmbeddedPostgres postgres;
  private final Path dir;

  private SalesDatabase(JdbcSalesRecord record, EmbeddedPostgres postgres, Path dir) {
    this.record = record;
    this.postgres = postgres;
    this.dir = dir;
  }

  /** Opens {@code database}: {@code sqlite} or {@code postgres}. */
  static SalesDatabase open(String database) throws IOException {
    Path dir = Files.createTempDirectory("x402j-sales-bench");
    if (database.equals("postgres")) {
      EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).start();
      return new SalesDatabase(
          JdbcSalesRecord.open(pg.getJdbcUrl("postgres", "postgres")), pg, dir);
    }
    if (database.equals("sqlite")) {
      return new SalesDatabase(
          JdbcSalesRecord.open("jdbc:sqlite:" + dir.resolve("sales.db")), null, dir);
    }
    throw new IllegalArgumentException("database must be sqlite or postgres, got " + database);
  }

  @Override
  public void close() throws IOException {
    record.close();
    if (postgres != null) {
      postgres.close();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
