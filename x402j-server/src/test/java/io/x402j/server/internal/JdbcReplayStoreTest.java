package io.x402j.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.TokenAmount;
import io.x402j.server.ReplayStore;
import io.x402j.server.ReplayStore.Acquired;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** The shared store on SQLite: the contract, and what only a shared store must do. */
class JdbcReplayStoreTest extends ReplayStoreContract {
  @TempDir Path temp;
  private int databases;

  SQLiteDataSource sqlite(String name) {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setBusyTimeout(10_000);
    SQLiteDataSource source = new SQLiteDataSource(config);
    source.setUrl("jdbc:sqlite:" + temp.resolve(name));
    return source;
  }

  @Override
  ReplayStore store(Clock clock) {
    return JdbcReplayStore.open(sqlite("store-" + (++databases) + ".db"), clock);
  }

  @Test
  void twoInstancesOnOneDatabaseShareWhatTheyKnow() {
    SQLiteDataSource shared = sqlite("shared.db");
    ReplayStore a = JdbcReplayStore.open(shared, clock);
    ReplayStore b = JdbcReplayStore.open(shared, clock);

    assertThat(a.acquire("p", inAMinute).state()).isEqualTo(Acquired.NEW);
    assertThat(b.acquire("p", inAMinute).state())
        .as("in use on the other instance")
        .isEqualTo(Acquired.BUSY);
    a.settled("p");
    assertThat(b.acquire("p", inAMinute).state()).isEqualTo(Acquired.USED);
    b.pending("q", "attempt-of-q-0123456789", clock.now.plus(Duration.ofHours(1)));
    assertThat(a.acquire("q", inAMinute).state()).isEqualTo(Acquired.RESUMED);
  }

  @Test
  void expiredEntriesAreSwept() {
    JdbcReplayStore store = JdbcReplayStore.open(sqlite("sweep.db"), clock);
    for (int i = 0; i < 20; i++) {
      store.acquire("p" + i, inAMinute);
    }
    clock.now = clock.now.plusSeconds(120);
    store.acquire("fresh", clock.now.plusSeconds(60));
    assertThat(store.size()).isEqualTo(1);
  }

  @Test
  void aTableFromAnEarlierVersionGainsTheColumnsAndKeepsItsEntries() throws Exception {
    SQLiteDataSource old = sqlite("old.db");
    try (Connection c = old.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE x402j_gate_payments (payment_key VARCHAR(64) PRIMARY KEY,"
              + " state VARCHAR(8) NOT NULL, expires_at BIGINT NOT NULL)");
    }
    JdbcReplayStore first = JdbcReplayStore.open(old, clock);
    ReplayStore.Acquisition taken = first.acquire("p", inAMinute);
    first.pending("p", taken.settlementId(), TokenAmount.of(2500), inAMinute);

    ReplayStore reopened = JdbcReplayStore.open(old, clock); // migrating twice is harmless
    ReplayStore.Acquisition resumed = reopened.acquire("p", inAMinute);
    assertThat(resumed.state()).isEqualTo(Acquired.RESUMED);
    assertThat(resumed.settlementId()).isEqualTo(taken.settlementId());
    assertThat(resumed.settledAmount()).isEqualTo(TokenAmount.of(2500));
  }

  @Test
  void aStoredAmountThatIsNotAnAmountIsNone() throws Exception {
    SQLiteDataSource source = sqlite("edited.db");
    ReplayStore store = JdbcReplayStore.open(source, clock);
    ReplayStore.Acquisition taken = store.acquire("p", inAMinute);
    store.pending("p", taken.settlementId(), TokenAmount.of(2500), inAMinute);
    try (Connection c = source.getConnection();
        Statement s = c.createStatement()) {
      s.execute("UPDATE x402j_gate_payments SET settled_amount = '２５００'");
    }
    assertThat(store.acquire("p", inAMinute).settledAmount()).isNull();
  }

  @Test
  void anUnreachableDatabaseIsAnErrorNamingTheStore() {
    SQLiteDataSource broken = new SQLiteDataSource();
    broken.setUrl("jdbc:sqlite:" + temp.resolve("missing-dir/sub/x.db"));
    assertThatThrownBy(() -> JdbcReplayStore.open(broken, clock))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("x402j_gate_payments");
  }
}
