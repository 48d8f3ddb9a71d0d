package io.x402j.server.siwx;

import io.x402j.server.siwx.internal.InMemoryPaymentHistory;
import io.x402j.server.siwx.internal.JdbcPaymentHistory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Who paid for what, and when: {@link SignInWithXExtension} records each settled payment here and
 * the default {@link SignInPolicy} looks it up. A resource is keyed by the route pattern, the
 * request path and its query, if any ({@code "GET /weather /weather?city=Oslo"}), followed, for a
 * route whose price or recipient depends on the request, by what each option asks of it; a payer by
 * its network and canonical address. Instances behind a load balancer need a shared implementation
 * such as {@link #jdbc}. Thread-safe.
 */
public interface PaymentHistory {
  /** Remembers that {@code address} on {@code network} paid for {@code resource} at {@code at}. */
  void record(String resource, String network, String address, Instant at);

  /**
   * When {@code address} on {@code network} last paid for {@code resource}, if it is remembered.
   */
  Optional<Instant> lastPayment(String resource, String network, String address);

  /**
   * A history in this process's memory that forgets payments older than {@code keep} (by {@code
   * clock}).
   */
  static PaymentHistory inMemory(Clock clock, Duration keep) {
    return new InMemoryPaymentHistory(clock, keep);
  }

  /**
   * A history in a SQL database (SQLite, or PostgreSQL for several instances) that every gate on
   * {@code dataSource} shares: a payment made through one instance lets the wallet sign in at any
   * other. The table {@code x402j_siwx_payments} is created by Flyway (migrations in {@code
   * io/x402j/server/siwx/db/migration}, history table {@code x402j_siwx_schema_history}), so it can
   * live in a database other x402j tables use. Payments older than {@code keep} (at least the pass
   * window) are deleted. Needs {@code org.flywaydb:flyway-core} (and {@code
   * flyway-database-postgresql} for PostgreSQL) on the class path: they are optional dependencies
   * of x402j-server.
   *
   * @throws IllegalStateException if the database cannot be reached or migrated, or Flyway is
   *     missing
   */
  static PaymentHistory jdbc(DataSource dataSource, Clock clock, Duration keep) {
    return JdbcPaymentHistory.open(dataSource, clock, keep);
  }
}
