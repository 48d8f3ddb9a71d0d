package io.x402j.facilitator;

import static io.x402j.facilitator.LedgerRows.COLUMNS;
import static io.x402j.facilitator.LedgerRows.KEY;
import static io.x402j.facilitator.LedgerRows.bindKey;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.x402j.config.Redaction;
import io.x402j.core.Network;
import io.x402j.core.X402Exception;
import io.x402j.core.wire.SettleResponse;
import io.x402j.settlement.Claims;
import io.x402j.settlement.OutcomeFence;
import io.x402j.settlement.SettlementFilter;
import io.x402j.settlement.SettlementKey;
import io.x402j.settlement.SettlementLedger;
import io.x402j.settlement.SettlementRecord;
import io.x402j.settlement.SettlementRequest;
import io.x402j.settlement.SettlementState;
import io.x402j.settlement.Submission;
import io.x402j.settlement.Transfer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * A durable {@link SettlementLedger} on SQLite (the default: one file, WAL, {@code synchronous =
 * FULL}) or PostgreSQL (several facilitator instances sharing one ledger). Both run the same Flyway
 * migrations and the same SQL: a claim is an {@code INSERT … ON CONFLICT DO NOTHING} on the
 * payment's primary key (network, scheme, payment id), and a take-over is a compare-and-set update,
 * so two instances can never both own one payment. The scheme's details are kept as JSON objects;
 * how a record maps to a row is in {@code LedgerRows}.
 */
public final class JdbcSettlementLedger implements SettlementLedger, AutoCloseable {
  private static final String NO_SUBMISSION =
      "tx_id = NULL, signer = NULL, signer_sequence = NULL, raw_tx = NULL,"
          + " submission_details = NULL";

  private final DataSource dataSource;
  private final AutoCloseable pool;
  private final String description;
  private final List<String> secrets; // credentials to scrub from every message
  private final LedgerRows rows = new LedgerRows();

  private JdbcSettlementLedger(DataSource dataSource, AutoCloseable pool, String description) {
    this(dataSource, pool, description, List.of());
  }

  private JdbcSettlementLedger(
      DataSource dataSource, AutoCloseable pool, String description, List<String> secrets) {
    this.secrets = List.copyOf(secrets);
    this.dataSource = dataSource;
    this.pool = pool;
    this.description = description;
  }

  /** The migrated database, for the discovery catalog that shares it. */
  DataSource dataSource() {
    return dataSource;
  }

  /** Thrown when the database cannot be used; the message never contains credentials. */
  public static final class LedgerException extends X402Exception {
    private static final long serialVersionUID = 1L;

    LedgerException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Opens the ledger at {@code jdbcUrl}, creating or migrating its table: {@code
   * jdbc:sqlite:/path/ledger.db} or {@code jdbc:postgresql://host:5432/db}. PostgreSQL credentials
   * come from the URL or from the environment variables {@code X402J_DB_USER} and {@code
   * X402J_DB_PASSWORD}.
   *
   * @throws IllegalArgumentException for another kind of URL
   * @throws LedgerException if the database cannot be reached or migrated
   */
  public static JdbcSettlementLedger open(String jdbcUrl) {
    return open(jdbcUrl, System.getenv());
  }

  static JdbcSettlementLedger open(String jdbcUrl, Map<String, String> env) {
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      return migrated(sqlite(jdbcUrl));
    }
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(jdbcUrl);
      config.setPoolName("x402j-ledger");
      config.setMaximumPoolSize(10);
      // Rides out a database restart of a few seconds; beyond that a settlement is refused in
      // 5 s (nothing is broadcast without a record) rather than after Hikari's default 30 s.
      config.setConnectionTimeout(5_000);
      String user = env.get("X402J_DB_USER");
      String password = env.get("X402J_DB_PASSWORD");
      // A driver may repeat the URL, or take user:password@host for a host name, in its messages.
      List<String> secrets = new ArrayList<>(Redaction.credentials(jdbcUrl));
      if (password != null && !password.isEmpty()) {
        secrets.add(password);
      }
      if (user != null && !user.isBlank()) {
        config.setUsername(user);
        config.setPassword(password);
      }
      HikariDataSource pool = poolOf(config, "PostgreSQL ledger", secrets);
      return migrated(new JdbcSettlementLedger(pool, pool, "PostgreSQL ledger", secrets));
    }
    throw new IllegalArgumentException(
        "unsupported ledger URL (use jdbc:sqlite:FILE or jdbc:postgresql://HOST:PORT/DATABASE)");
  }

  /** A ledger on a data source the caller owns (and closes). Migrates it. */
  public static JdbcSettlementLedger open(DataSource dataSource) {
    return migrated(new JdbcSettlementLedger(dataSource, () -> {}, "ledger"));
  }

  private static JdbcSettlementLedger sqlite(String jdbcUrl) {
    String file = jdbcUrl.substring("jdbc:sqlite:".length());
    if (!file.isEmpty() && !file.startsWith(":") && !file.startsWith("file:")) {
      Path parent = Path.of(file).toAbsolutePath().getParent();
      try {
        Files.createDirectories(parent);
      } catch (IOException e) {
        throw new LedgerException("cannot create the ledger directory " + parent, e);
      }
    }
    SQLiteConfig sqlite = new SQLiteConfig();
    sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
    sqlite.setSynchronous(
        SQLiteConfig.SynchronousMode.FULL); // a settled payment survives power loss
    sqlite.setBusyTimeout(10_000);
    SQLiteDataSource source = new SQLiteDataSource(sqlite);
    source.setUrl(jdbcUrl);
    HikariConfig config = new HikariConfig();
    config.setDataSource(source);
    config.setPoolName("x402j-ledger-sqlite");
    config.setMaximumPoolSize(4);
    HikariDataSource pool = poolOf(config, "SQLite ledger " + file, List.of());
    return new JdbcSettlementLedger(pool, pool, "SQLite ledger " + file);
  }

  private static HikariDataSource poolOf(HikariConfig config, String what, List<String> secrets) {
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new LedgerException(
          "cannot open the " + what + ": " + rootMessage(e, secrets), scrubbed(e, secrets, 0));
    }
  }

  private static JdbcSettlementLedger migrated(JdbcSettlementLedger ledger) {
    try {
      Flyway.configure()
          .dataSource(ledger.dataSource)
          .locations("classpath:io/x402j/facilitator/db/migration")
          .javaMigrations(
              new io.x402j.facilitator.internal.V6__Discovery_facets(),
              new io.x402j.facilitator.internal.V7__Discovery_facet_counts())
          .table("x402j_schema_history")
          .load()
          .migrate();
      return ledger;
    } catch (RuntimeException e) {
      ledger.close();
      throw new LedgerException(
          "cannot migrate the " + ledger.description + ": " + rootMessage(e, ledger.secrets),
          scrubbed(e, ledger.secrets, 0));
    }
  }

  private static String rootMessage(Throwable e, List<String> secrets) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    // JDBC drivers may echo the URL; never let a password through.
    return Redaction.scrub(message, secrets);
  }

  /**
   * {@code e} as a cause safe to attach: where a message in its chain repeats a credential, that
   * link is replaced by a copy (same class name and stack trace) with the credential scrubbed.
   */
  private static Throwable scrubbed(Throwable e, List<String> secrets, int depth) {
    if (e == null || depth > 32) {
      return null;
    }
    Throwable original = e.getCause() == e ? null : e.getCause();
    Throwable cause = scrubbed(original, secrets, depth + 1);
    String message = e.getMessage();
    String clean = message == null ? null : Redaction.scrub(message, secrets);
    if (Objects.equals(message, clean) && cause == original) {
      return e;
    }
    Throwable copy =
        new ScrubbedCause(e.getClass().getName() + (clean == null ? "" : ": " + clean), cause);
    copy.setStackTrace(e.getStackTrace());
    return copy;
  }

  /** A driver's exception whose message held a credential, with that credential scrubbed. */
  private static final class ScrubbedCause extends Exception {
    private static final long serialVersionUID = 1L;

    ScrubbedCause(String text, Throwable cause) {
      super(text, cause);
    }

    @Override
    public String toString() {
      return getMessage();
    }
  }

  /** What the ledger is, without credentials. */
  public String description() {
    return description;
  }

  /**
   * The {@code payment-identifier} ids kept in this ledger's database (table {@code
   * x402j_payment_identifiers}), shared by every facilitator instance using it. Open while the
   * ledger is.
   */
  public PaymentIdentifierStore paymentIdentifiers() {
    return new JdbcPaymentIdentifierStore(dataSource, this::failure);
  }

  /** Whether the database answers. */
  public boolean ping() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT 1");
        ResultSet r = s.executeQuery()) {
      return r.next();
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public Claim claim(SettlementRequest request, Instant now, Duration lease) {
    SettlementKey key = request.key();
    try (Connection c = dataSource.getConnection()) {
      int inserted;
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO settlements (network, scheme, payment_id, fingerprint, settlement_id,"
                  + " asset, payer, pay_to, amount, details, state, created_at, updated_at)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                  + " ON CONFLICT (network, scheme, payment_id) DO NOTHING")) {
        int i = bindKey(s, 1, key);
        Transfer transfer = request.transfer();
        s.setString(i++, request.fingerprint());
        s.setString(i++, request.settlementId());
        s.setString(i++, transfer.asset());
        s.setString(i++, transfer.payer());
        s.setString(i++, transfer.payTo());
        s.setString(i++, transfer.amount().toString());
        s.setString(i++, rows.detailsJson(request.details()));
        s.setString(i++, SettlementState.CLAIMED.name());
        s.setLong(i++, now.toEpochMilli());
        s.setLong(i, now.toEpochMilli());
        inserted = s.executeUpdate();
      }
      if (inserted == 1) {
        return new Claim(true, find(c, key).orElseThrow());
      }
      SettlementRecord existing = find(c, key).orElseThrow();
      if (!Claims.mayTakeOver(existing, request.fingerprint(), now, lease)) {
        return new Claim(false, existing);
      }
      int taken;
      try (PreparedStatement s =
          c.prepareStatement(
              "UPDATE settlements SET state = ?, settlement_id = ?, "
                  + NO_SUBMISSION
                  + ", outcome = NULL, updated_at = ? WHERE "
                  + KEY
                  + " AND state = ? AND updated_at = ?")) {
        s.setString(1, SettlementState.CLAIMED.name());
        s.setString(2, request.settlementId());
        s.setLong(3, now.toEpochMilli());
        int i = bindKey(s, 4, key);
        s.setString(i++, existing.state().name());
        s.setLong(i, existing.updatedAt().toEpochMilli());
        taken = s.executeUpdate();
      }
      // Another instance changed the record between our read and our update: it won.
      return new Claim(taken == 1, find(c, key).orElseThrow());
    } catch (SQLException e) {
      throw failure("claim", e);
    }
  }

  @Override
  public boolean submitted(
      SettlementKey key, Submission submission, Instant claimedAt, Instant now) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "UPDATE settlements SET state = ?, tx_id = ?, signer = ?, signer_sequence = ?,"
                    + " raw_tx = ?, submission_details = ?, outcome = NULL, updated_at = ? WHERE "
                    + KEY
                    + " AND state = ? AND updated_at = ?")) {
      s.setString(1, SettlementState.SUBMITTED.name());
      s.setString(2, submission.transaction());
      s.setString(3, submission.signer());
      s.setObject(4, submission.sequence(), java.sql.Types.BIGINT);
      s.setString(5, submission.raw());
      s.setString(6, rows.detailsJson(submission.details()));
      s.setLong(7, now.toEpochMilli());
      int i = bindKey(s, 8, key);
      s.setString(i++, SettlementState.CLAIMED.name());
      s.setLong(i, claimedAt.toEpochMilli());
      // Zero rows: the claim was taken over (or changed) since it was granted.
      return s.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failure("write", e);
    }
  }

  @Override
  public boolean notBroadcast(SettlementKey key, String transaction, Instant now) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "UPDATE settlements SET state = ?, "
                    + NO_SUBMISSION
                    + ", updated_at = ? WHERE "
                    + KEY
                    + " AND state = ? AND tx_id = ?")) {
      s.setString(1, SettlementState.CLAIMED.name());
      s.setLong(2, now.toEpochMilli());
      int i = bindKey(s, 3, key);
      s.setString(i++, SettlementState.SUBMITTED.name());
      s.setString(i, transaction);
      return s.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failure("write", e);
    }
  }

  @Override
  public boolean outcome(
      SettlementKey key,
      OutcomeFence fence,
      SettlementState state,
      SettleResponse response,
      Instant now) {
    String sql =
        "UPDATE settlements SET state = ?, outcome = ?, updated_at = ? WHERE "
            + KEY
            + (fence.transaction() != null
                ? " AND state <> ? AND tx_id = ?"
                : " AND state = ? AND tx_id IS NULL AND updated_at = ?");
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, state.name());
      s.setString(2, rows.outcomeJson(response));
      s.setLong(3, now.toEpochMilli());
      int i = bindKey(s, 4, key);
      if (fence.transaction() != null) {
        s.setString(i++, SettlementState.CONFIRMED.name());
        s.setString(i, fence.transaction());
      } else {
        s.setString(i++, SettlementState.CLAIMED.name());
        s.setLong(i, fence.claimedAt().toEpochMilli());
      }
      return s.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failure("write", e);
    }
  }

  @Override
  public Optional<SettlementRecord> find(SettlementKey key) {
    try (Connection c = dataSource.getConnection()) {
      return find(c, key);
    } catch (SQLException e) {
      throw failure("read", e);
    }
  }

  @Override
  public List<SettlementRecord> unresolved() {
    return query(
        "SELECT " + COLUMNS + " FROM settlements WHERE state IN (?, ?) ORDER BY created_at",
        List.of(SettlementState.SUBMITTED.name(), SettlementState.PENDING.name()));
  }

  @Override
  public List<SettlementRecord> list(SettlementFilter filter, int offset, int limit) {
    return search(filter, null, offset, limit);
  }

  /**
   * As {@link #list}, also matching the transaction id when {@code transaction} is not {@code null}
   * (compared as the ledger keeps it: canonical, e.g. lower-case hex on EVM chains).
   */
  public List<SettlementRecord> search(
      SettlementFilter filter, String transaction, int offset, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM settlements WHERE 1 = 1");
    List<Object> parameters = new ArrayList<>();
    if (filter.network() != null) {
      sql.append(" AND network = ?");
      parameters.add(filter.network().toString());
    }
    if (filter.scheme() != null) {
      sql.append(" AND scheme = ?");
      parameters.add(filter.scheme());
    }
    if (filter.payer() != null) {
      sql.append(" AND payer = ?");
      parameters.add(filter.payer());
    }
    if (filter.payTo() != null) {
      sql.append(" AND pay_to = ?");
      parameters.add(filter.payTo());
    }
    if (filter.state() != null) {
      sql.append(" AND state = ?");
      parameters.add(filter.state().name());
    }
    if (transaction != null) {
      sql.append(" AND tx_id = ?");
      parameters.add(transaction);
    }
    sql.append(" ORDER BY created_at DESC, payer, payment_id LIMIT ? OFFSET ?");
    parameters.add(limit);
    parameters.add(offset);
    return query(sql.toString(), parameters);
  }

  /** How many settlements each network has in each state (networks in name order). */
  public Map<String, Map<SettlementState, Long>> countByNetworkAndState() {
    Map<String, Map<SettlementState, Long>> counts = new java.util.TreeMap<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT network, state, COUNT(*) FROM settlements GROUP BY network, state");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        counts
            .computeIfAbsent(r.getString(1), n -> new EnumMap<>(SettlementState.class))
            .put(SettlementState.valueOf(r.getString(2)), r.getLong(3));
      }
      return counts;
    } catch (SQLException e) {
      throw failure("count", e);
    }
  }

  @Override
  public Map<SettlementState, Long> countByState() {
    Map<SettlementState, Long> counts = new EnumMap<>(SettlementState.class);
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT state, COUNT(*) FROM settlements GROUP BY state");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        counts.put(SettlementState.valueOf(r.getString(1)), r.getLong(2));
      }
      return counts;
    } catch (SQLException e) {
      throw failure("count", e);
    }
  }

  private Optional<SettlementRecord> find(Connection c, SettlementKey key) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT " + COLUMNS + " FROM settlements WHERE " + KEY)) {
      bindKey(s, 1, key);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(rows.record(r)) : Optional.empty();
      }
    }
  }

  private List<SettlementRecord> query(String sql, List<?> parameters) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.size(); i++) {
        s.setObject(i + 1, parameters.get(i));
      }
      List<SettlementRecord> records = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          records.add(rows.record(r));
        }
      }
      return records;
    } catch (SQLException e) {
      throw failure("query", e);
    }
  }

  private LedgerException failure(String operation, SQLException e) {
    return new LedgerException(
        "ledger " + operation + " failed on the " + description + ": " + rootMessage(e, secrets),
        scrubbed(e, secrets, 0));
  }

  /** Closes the connection pool, if the ledger opened it. */
  @Override
  public void close() {
    try {
      pool.close();
    } catch (Exception e) {
      throw new LedgerException("closing the " + description + " failed", e);
    }
  }

  @Override
  public List<SettlementRecord> inFlight(Network network, String asset, String payer, int limit) {
    return query(
        "SELECT "
            + COLUMNS
            + " FROM settlements WHERE network = ? AND asset = ? AND payer = ?"
            + " AND state IN (?, ?, ?) ORDER BY created_at LIMIT ?",
        List.of(
            network.toString(),
            asset,
            payer,
            SettlementState.CLAIMED.name(),
            SettlementState.SUBMITTED.name(),
            SettlementState.PENDING.name(),
            limit));
  }
}
