package io.x402j.server.siwx.internal;

import io.x402j.server.siwx.PaymentHistory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * {@link PaymentHistory} in a SQL table (SQLite or PostgreSQL) that every gate instance on the
 * database shares. The table is created by Flyway from {@code io/x402j/server/siwx/db/migration}
 * with its own history table {@code x402j_siwx_schema_history}. A payment is one upsert that keeps
 * the later time; rows older than the keep time are deleted at most once a minute. Not part of the
 * x402j API.
 */
public final class JdbcPaymentHistory implements PaymentHistory {
  static final String TABLE = "x402j_siwx_payments";
  private static final long SWEEP_EVERY_MILLIS = 60_000;
  private static final int RESOURCE_SHOWN = 512;

  private final DataSource dataSource;
  private final Clock clock;
  private final Duration keep;
  private final AtomicLong lastSweep = new AtomicLong();

  private JdbcPaymentHistory(DataSource dataSource, Clock clock, Duration keep) {
    this.dataSource = dataSource;
    this.clock = clock;
    this.keep = keep;
  }

  /**
   * A history on {@code dataSource}, migrated to the current schema.
   *
   * @throws IllegalStateException if the database cannot be reached or migrated (the message names
   *     what failed, never the database's credentials), or Flyway is not on the class path
   */
  public static JdbcPaymentHistory open(DataSource dataSource, Clock clock, Duration keep) {
    Objects.requireNonNull(dataSource, "dataSource");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(keep, "keep");
    if (keep.isNegative() || keep.isZero()) {
      throw new IllegalArgumentException("the payment history's keep time must be positive");
    }
    try {
      Class.forName("org.flywaydb.core.Flyway", false, JdbcPaymentHistory.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          "a JDBC payment history needs Flyway: add org.flywaydb:flyway-core (and"
              + " flyway-database-postgresql for PostgreSQL) to the application");
    }
    try {
      Flyway.configure()
          .dataSource(dataSource)
          .locations("classpath:io/x402j/server/siwx/db/migration")
          .table("x402j_siwx_schema_history")
          .baselineOnMigrate(true)
          .baselineVersion("0")
          .load()
          .migrate();
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot create the sign-in payment history table " + TABLE + ": " + root(e));
    }
    return new JdbcPaymentHistory(dataSource, clock, keep);
  }

  @Override
  public void record(String resource, String network, String address, Instant at) {
    long now = clock.millis();
    sweep(now);
    String shown =
        resource.length() > RESOURCE_SHOWN ? resource.substring(0, RESOURCE_SHOWN) : resource;
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO "
                    + TABLE
                    + " (resource_hash, network, address, resource, paid_at) VALUES (?, ?, ?, ?, ?)"
                    + " ON CONFLICT (resource_hash, network, address) DO UPDATE SET paid_at ="
                    + " CASE WHEN "
                    + TABLE
                    + ".paid_at < excluded.paid_at THEN excluded.paid_at ELSE "
                    + TABLE
                    + ".paid_at END")) {
      c.setAutoCommit(true);
      s.setString(1, hash(resource));
      s.setString(2, network);
      s.setString(3, address);
      s.setString(4, shown);
      s.setLong(5, at.toEpochMilli());
      s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("sign-in payment history record failed: " + e.getMessage());
    }
  }

  @Override
  public Optional<Instant> lastPayment(String resource, String network, String address) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT paid_at FROM "
                    + TABLE
                    + " WHERE resource_hash = ? AND network = ? AND address = ?")) {
      s.setString(1, hash(resource));
      s.setString(2, network);
      s.setString(3, address);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(Instant.ofEpochMilli(r.getLong(1))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("sign-in payment history lookup failed: " + e.getMessage());
    }
  }

  /** How many payments are remembered, old ones included until the next sweep. */
  public int size() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM " + TABLE);
        ResultSet r = s.executeQuery()) {
      r.next();
      return r.getInt(1);
    } catch (SQLException e) {
      throw new IllegalStateException("sign-in payment history count failed: " + e.getMessage());
    }
  }

  private void sweep(long now) {
    long last = lastSweep.get();
    if (now - last < SWEEP_EVERY_MILLIS || !lastSweep.compareAndSet(last, now)) {
      return;
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("DELETE FROM " + TABLE + " WHERE paid_at < ?")) {
      c.setAutoCommit(true);
      s.setLong(1, now - keep.toMillis());
      s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("sign-in payment history sweep failed: " + e.getMessage());
    }
  }

  private static String root(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
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
