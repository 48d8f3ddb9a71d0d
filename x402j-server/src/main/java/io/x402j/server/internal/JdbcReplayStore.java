package io.x402j.server.internal;

import io.x402j.core.TokenAmount;
import io.x402j.server.ReplayStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * A {@link ReplayStore} in a SQL table shared by every instance of an API. Each change is one
 * statement that either takes effect or not (an insert that does nothing on conflict, an update
 * guarded by the state it expects), so two instances racing for one payment cannot both win. Keys
 * are stored as SHA-256 hashes: a payment's identity comes from the request and may be long. Not
 * part of the x402j API.
 */
public final class JdbcReplayStore implements ReplayStore {
  private static final String TABLE = "x402j_gate_payments";
  private static final String IDS = "x402j_gate_payment_ids";
  private static final long SWEEP_EVERY_MILLIS = 60_000;

  private final DataSource dataSource;
  private final Clock clock;
  private final AtomicLong lastSweep = new AtomicLong();

  private JdbcReplayStore(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  /** A store on {@code dataSource}, creating its table when it is missing. */
  public static JdbcReplayStore open(DataSource dataSource, Clock clock) {
    JdbcReplayStore store = new JdbcReplayStore(dataSource, clock);
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + TABLE
              + " (payment_key VARCHAR(64) PRIMARY KEY, state VARCHAR(8) NOT NULL,"
              + " expires_at BIGINT NOT NULL, settlement_id VARCHAR(64), settled_amount VARCHAR(80))");
    } catch (SQLException e) {
      // Two instances starting together may race to create it; what matters is that it exists.
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        s.executeQuery("SELECT COUNT(*) FROM " + TABLE).close();
      } catch (SQLException again) {
        throw new IllegalStateException(
            "cannot create the replay store table " + TABLE + ": " + e.getMessage(), e);
      }
    }
    // Tables created by earlier versions lack the later columns; add them once.
    addColumn(dataSource, "settlement_id", "VARCHAR(64)");
    addColumn(dataSource, "settled_amount", "VARCHAR(80)");
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + IDS
              + " (id_key VARCHAR(64) PRIMARY KEY, fingerprint VARCHAR(64) NOT NULL,"
              + " receipt TEXT, expires_at BIGINT NOT NULL)");
    } catch (SQLException e) {
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        s.executeQuery("SELECT COUNT(*) FROM " + IDS).close();
      } catch (SQLException again) {
        throw new IllegalStateException(
            "cannot create the replay store table " + IDS + ": " + e.getMessage(), e);
      }
    }
    return store;
  }

  /** Adds {@code column} to the table unless it has it (the schema's only migration step). */
  private static void addColumn(DataSource dataSource, String column, String type) {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      try {
        s.executeQuery("SELECT " + column + " FROM " + TABLE + " WHERE 1 = 0").close();
        return;
      } catch (SQLException missing) {
        // fall through: the column is missing
      }
      s.execute("ALTER TABLE " + TABLE + " ADD COLUMN " + column + " " + type);
    } catch (SQLException e) {
      // Another instance may have added it meanwhile; check once more.
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        s.executeQuery("SELECT " + column + " FROM " + TABLE + " WHERE 1 = 0").close();
      } catch (SQLException again) {
        throw new IllegalStateException(
            "cannot add " + column + " to the replay store table " + TABLE + ": " + e.getMessage(),
            e);
      }
    }
  }

  @Override
  public Acquisition acquire(String key, Instant expiresAt) {
    return acquire(key, expiresAt, ReplayStore.newSettlementId());
  }

  @Override
  public Acquisition acquire(String key, Instant expiresAt, String newSettlementId) {
    String id = hash(key);
    long now = clock.millis();
    sweep(now);
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      for (int attempt = 0; attempt < 5; attempt++) {
        String settlementId = newSettlementId;
        if (update(
                c,
                "INSERT INTO "
                    + TABLE
                    + " (payment_key, state, expires_at, settlement_id) VALUES (?, 'IN_USE', ?, ?)"
                    + " ON CONFLICT (payment_key) DO NOTHING",
                id,
                expiresAt.toEpochMilli(),
                settlementId)
            == 1) {
          return new Acquisition(Acquired.NEW, settlementId);
        }
        if (update(
                c,
                "UPDATE "
                    + TABLE
                    + " SET state = 'IN_USE', expires_at = ?, settlement_id = ?,"
                    + " settled_amount = NULL WHERE payment_key = ? AND expires_at < ?",
                expiresAt.toEpochMilli(),
                settlementId,
                id,
                now)
            == 1) {
          return new Acquisition(Acquired.NEW, settlementId); // the old entry had expired
        }
        if (update(
                c,
                "UPDATE "
                    + TABLE
                    + " SET state = 'IN_USE', settlement_id = COALESCE(settlement_id, ?)"
                    + " WHERE payment_key = ? AND state = 'PENDING'",
                settlementId,
                id)
            == 1) {
          // While IN_USE the entry is this request's: its id cannot change under it.
          String resumed = column(c, id, "settlement_id");
          return new Acquisition(
              Acquired.RESUMED,
              resumed != null ? resumed : settlementId,
              settledAmount(column(c, id, "settled_amount")));
        }
        String state = column(c, id, "state");
        if ("SETTLED".equals(state)) {
          return new Acquisition(Acquired.USED, null);
        }
        if ("IN_USE".equals(state)) {
          return new Acquisition(Acquired.BUSY, null);
        }
        // Released or made pending between two statements: look again.
      }
      return new Acquisition(Acquired.BUSY, null);
    } catch (SQLException e) {
      throw failure("acquire", e);
    }
  }

  @Override
  public void release(String key) {
    run("release", "DELETE FROM " + TABLE + " WHERE payment_key = ?", hash(key));
  }

  @Override
  public void settled(String key) {
    run("settled", "UPDATE " + TABLE + " SET state = 'SETTLED' WHERE payment_key = ?", hash(key));
  }

  @Override
  public void pending(
      String key, String settlementId, TokenAmount settledAmount, Instant keepUntil) {
    run(
        "pending",
        "INSERT INTO "
            + TABLE
            + " (payment_key, state, expires_at, settlement_id, settled_amount)"
            + " VALUES (?, 'PENDING', ?, ?, ?)"
            + " ON CONFLICT (payment_key) DO UPDATE SET state = 'PENDING',"
            + " settlement_id = excluded.settlement_id,"
            + " settled_amount = excluded.settled_amount, expires_at ="
            + " CASE WHEN "
            + TABLE
            + ".expires_at < excluded.expires_at THEN excluded.expires_at ELSE "
            + TABLE
            + ".expires_at END",
        hash(key),
        keepUntil.toEpochMilli(),
        settlementId,
        settledAmount == null ? null : settledAmount.value().toString());
  }

  @Override
  public boolean keepsPaymentIdentifiers() {
    return true;
  }

  @Override
  public BoundIdentifier bindPaymentIdentifier(
      String idKey, String fingerprint, Instant expiresAt) {
    String id = hash(idKey);
    long now = clock.millis();
    sweep(now);
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      for (int attempt = 0; attempt < 5; attempt++) {
        if (update(
                    c,
                    "INSERT INTO "
                        + IDS
                        + " (id_key, fingerprint, expires_at) VALUES (?, ?, ?)"
                        + " ON CONFLICT (id_key) DO NOTHING",
                    id,
                    fingerprint,
                    expiresAt.toEpochMilli())
                == 1
            || update(
                    c,
                    "UPDATE "
                        + IDS
                        + " SET fingerprint = ?, receipt = NULL, expires_at = ?"
                        + " WHERE id_key = ? AND expires_at < ?",
                    fingerprint,
                    expiresAt.toEpochMilli(),
                    id,
                    now)
                == 1) {
          return new BoundIdentifier(fingerprint, null, true);
        }
        try (PreparedStatement s =
            c.prepareStatement("SELECT fingerprint, receipt FROM " + IDS + " WHERE id_key = ?")) {
          s.setString(1, id);
          try (ResultSet r = s.executeQuery()) {
            if (r.next()) {
              return new BoundIdentifier(r.getString(1), r.getString(2), false);
            }
          }
        }
        // Swept between two statements: bind again.
      }
      throw new IllegalStateException("replay store could not bind a payment identifier");
    } catch (SQLException e) {
      throw failure("bind payment identifier", e);
    }
  }

  @Override
  public void paymentIdentifierSettled(String idKey, String receipt) {
    run(
        "payment identifier settled",
        "UPDATE " + IDS + " SET receipt = ? WHERE id_key = ?",
        receipt,
        hash(idKey));
  }

  @Override
  public void releasePaymentIdentifier(String idKey, String fingerprint) {
    run(
        "release payment identifier",
        "DELETE FROM " + IDS + " WHERE id_key = ? AND fingerprint = ? AND receipt IS NULL",
        hash(idKey),
        fingerprint);
  }

  /**
   * The stored amount, or {@code null}. A value that does not read as an amount (the table edited
   * by hand) is treated as none: the resumed payment is then refused, never settled at a guess.
   */
  private static TokenAmount settledAmount(String stored) {
    if (stored == null) {
      return null;
    }
    try {
      return TokenAmount.parse(stored);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** How many payments are remembered, expired ones included until the next sweep. */
  public int size() {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + TABLE)) {
      r.next();
      return r.getInt(1);
    } catch (SQLException e) {
      throw failure("count", e);
    }
  }

  private void sweep(long now) {
    long last = lastSweep.get();
    if (now - last >= SWEEP_EVERY_MILLIS && lastSweep.compareAndSet(last, now)) {
      run("sweep", "DELETE FROM " + TABLE + " WHERE expires_at < ?", now);
      run("sweep", "DELETE FROM " + IDS + " WHERE expires_at < ?", now);
    }
  }

  private void run(String what, String sql, Object... parameters) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      update(c, sql, parameters);
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  private static int update(Connection c, String sql, Object... parameters) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        s.setObject(i + 1, parameters[i]);
      }
      return s.executeUpdate();
    }
  }

  private static String column(Connection c, String id, String column) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT " + column + " FROM " + TABLE + " WHERE payment_key = ?")) {
      s.setString(1, id);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getString(1) : null;
      }
    }
  }

  private static IllegalStateException failure(String what, SQLException e) {
    return new IllegalStateException("replay store " + what + " failed: " + e.getMessage(), e);
  }

  private static String hash(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
