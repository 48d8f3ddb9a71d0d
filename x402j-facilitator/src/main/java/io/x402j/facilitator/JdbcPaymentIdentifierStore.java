package io.x402j.facilitator;

import io.x402j.core.extensions.PaymentIdentifier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import javax.sql.DataSource;

/**
 * {@link PaymentIdentifierStore} in the ledger's database, table {@code x402j_payment_identifiers}
 * (Flyway V5). A binding is an {@code INSERT … ON CONFLICT DO NOTHING} on the primary key (payer
 * scope, id); a lapsed binding is replaced by a compare-and-set on its expiry, so two instances
 * never both take one id.
 */
final class JdbcPaymentIdentifierStore implements PaymentIdentifierStore {
  private static final String TABLE = "x402j_payment_identifiers";
  private static final int ATTEMPTS = 4;

  private final DataSource dataSource;
  private final BiFunction<String, SQLException, RuntimeException> failure;

  /**
   * A store on {@code dataSource}, already migrated.
   *
   * @param failure turns a database error into the exception to throw, without credentials
   */
  JdbcPaymentIdentifierStore(
      DataSource dataSource, BiFunction<String, SQLException, RuntimeException> failure) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.failure = Objects.requireNonNull(failure, "failure");
  }

  @Override
  public Binding bind(
      String scope, PaymentIdentifier id, String fingerprint, Instant expiresAt, Instant now) {
    PaymentIdentifierStore.checkBinding(scope, id, fingerprint);
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(now, "now");
    try (Connection c = dataSource.getConnection()) {
      // Each round either inserts, finds a binding in force, or replaces a lapsed one; losing a
      // race to another instance only sends us round again, to read what it wrote.
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        try (PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO "
                    + TABLE
                    + " (payer_scope, payment_identifier, fingerprint, created_at, expires_at)"
                    + " VALUES (?, ?, ?, ?, ?)"
                    + " ON CONFLICT (payer_scope, payment_identifier) DO NOTHING")) {
          s.setString(1, scope);
          s.setString(2, id.value());
          s.setString(3, fingerprint);
          s.setLong(4, now.toEpochMilli());
          s.setLong(5, expiresAt.toEpochMilli());
          if (s.executeUpdate() == 1) {
            return new Binding(fingerprint, expiresAt, true);
          }
        }
        Binding existing = find(c, scope, id);
        if (existing == null) {
          continue; // purged between our insert and our read
        }
        if (existing.expiresAt().isAfter(now)) {
          return existing;
        }
        try (PreparedStatement s =
            c.prepareStatement(
                "UPDATE "
                    + TABLE
                    + " SET fingerprint = ?, created_at = ?, expires_at = ?"
                    + " WHERE payer_scope = ? AND payment_identifier = ? AND expires_at = ?")) {
          s.setString(1, fingerprint);
          s.setLong(2, now.toEpochMilli());
          s.setLong(3, expiresAt.toEpochMilli());
          s.setString(4, scope);
          s.setString(5, id.value());
          s.setLong(6, existing.expiresAt().toEpochMilli());
          if (s.executeUpdate() == 1) {
            return new Binding(fingerprint, expiresAt, true);
          }
        }
      }
      throw new IllegalStateException(
          "the payment identifier binding kept changing under " + ATTEMPTS + " attempts");
    } catch (SQLException e) {
      throw failure.apply("payment identifier binding", e);
    }
  }

  private static Binding find(Connection c, String scope, PaymentIdentifier id)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT fingerprint, expires_at FROM "
                + TABLE
                + " WHERE payer_scope = ? AND payment_identifier = ?")) {
      s.setString(1, scope);
      s.setString(2, id.value());
      try (ResultSet r = s.executeQuery()) {
        return r.next()
            ? new Binding(r.getString(1), Instant.ofEpochMilli(r.getLong(2)), false)
            : null;
      }
    }
  }

  @Override
  public Optional<Binding> find(String scope, PaymentIdentifier id, Instant now) {
    Objects.requireNonNull(now, "now");
    try (Connection c = dataSource.getConnection()) {
      Binding binding = find(c, scope, id);
      return binding == null || !binding.expiresAt().isAfter(now)
          ? Optional.empty()
          : Optional.of(binding);
    } catch (SQLException e) {
      throw failure.apply("payment identifier lookup", e);
    }
  }

  @Override
  public boolean release(String scope, PaymentIdentifier id, Binding binding) {
    Objects.requireNonNull(binding, "binding");
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "DELETE FROM "
                    + TABLE
                    + " WHERE payer_scope = ? AND payment_identifier = ? AND fingerprint = ?"
                    + " AND expires_at = ?")) {
      s.setString(1, scope);
      s.setString(2, id.value());
      s.setString(3, binding.fingerprint());
      s.setLong(4, binding.expiresAt().toEpochMilli());
      return s.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failure.apply("payment identifier release", e);
    }
  }

  @Override
  public boolean isBound(PaymentIdentifier id, String fingerprint, Instant now) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT 1 FROM "
                    + TABLE
                    + " WHERE payment_identifier = ? AND fingerprint = ? AND expires_at > ?")) {
      s.setString(1, id.value());
      s.setString(2, fingerprint);
      s.setLong(3, now.toEpochMilli());
      try (ResultSet r = s.executeQuery()) {
        return r.next();
      }
    } catch (SQLException e) {
      throw failure.apply("payment identifier lookup", e);
    }
  }

  @Override
  public boolean renew(PaymentIdentifier id, String fingerprint, Instant now) {
    Objects.requireNonNull(now, "now");
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "UPDATE "
                    + TABLE
                    + " SET expires_at = expires_at + 1"
                    + " WHERE payment_identifier = ? AND fingerprint = ? AND expires_at > ?")) {
      s.setString(1, id.value());
      s.setString(2, fingerprint);
      s.setLong(3, now.toEpochMilli());
      return s.executeUpdate() > 0;
    } catch (SQLException e) {
      throw failure.apply("payment identifier renewal", e);
    }
  }

  @Override
  public int purgeExpired(Instant now) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("DELETE FROM " + TABLE + " WHERE expires_at <= ?")) {
      s.setLong(1, now.toEpochMilli());
      return s.executeUpdate();
    } catch (SQLException e) {
      throw failure.apply("payment identifier purge", e);
    }
  }
}
