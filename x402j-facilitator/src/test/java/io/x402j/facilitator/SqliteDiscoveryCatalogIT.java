package io.x402j.facilitator;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The discovery catalog on SQLite files. */
class SqliteDiscoveryCatalogIT extends DiscoveryCatalogContract {
  @TempDir Path dir;
  private int databases;

  @Override
  String newDatabase() {
    return "jdbc:sqlite:" + dir.resolve("catalog" + ++databases + ".db");
  }
}
