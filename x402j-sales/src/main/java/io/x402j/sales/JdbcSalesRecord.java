package io.x402j.sales;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.x402j.config.Redaction;
import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.X402Exception;
import io.x402j.server.Sale;
import io.x402j.server.SaleState;
import io.x402j.server.SalesRecord;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The seller's sales record on SQLite (the default: one file) or PostgreSQL (several instances of
 * an API sharing one record). One row per event: a paid request's outcome is inserted on its thread
 * — the one write a sale costs — and its admission by the gate's background writer, so a payment's
 * rows may land in either order ({@link #latest} ranks states, never arrival). Refusals of payments
 * no facilitator verified are never rows (see {@link SalesRecord}). Read by the {@link
 * SellerDashboard}. Its own Flyway migrations ({@code classpath:io/x402j/sales/db/migration},
 * history table {@code x402j_sales_schema_history}), so it can share a database with the
 * facilitator's ledger or the gate's replay store.
 *
 * <p>A database that is down costs a sale at most {@value #CONNECTION_TIMEOUT_MS} ms waiting for a
 * connection, a table held by a lock at most about {@value #INSERT_TIMEOUT_SECONDS} s; the gate
 * then logs once, serves the sale unrecorded and leaves the record alone for a growing interval (1
 * s doubling to a minute), so the sales after it cost nothing until the record works again. Amounts
 * are kept exactly (atomic units as text) and summed without floating point; a single amount must
 * be below 9.2·10<sup>27</sup> atomic units.
 */
public final class JdbcSalesRecord implements SalesRecord, AutoCloseable {
  /** How long an insert may wait for a connection before the sale goes on unrecorded. */
  public static final long CONNECTION_TIMEOUT_MS = 250;

  /** How many of the latest events {@link #latest} reads at most to find its payments. */
  public static final int LATEST_SCAN = 10_000;

  /**
   * How long an insert may wait for the table (a lock held by a migration or an operator's
   * transaction) before the sale goes on unrecorded, in seconds (JDBC's unit).
   */
  public static final int INSERT_TIMEOUT_SECONDS = 1;

  private static final BigInteger SPLIT = BigInteger.TEN.pow(9);
  private static final BigInteger MAX_HI = BigInteger.valueOf(Long.MAX_VALUE);
  private static final String COLUMNS =
      "at_ms, state, method, route, scheme, network, asset, amount, pay_to, payer, payment_id, tx,"
          + " reason, x402_version";

  private final DataSource dataSource;
  private final AutoCloseable pool;
  private final String description;
  private final List<String> secrets;
  // SQLite takes one writer at a time and makes the others sleep in its busy handler (1 ms, 2 ms,
  // 5 ms, … up to the busy timeout): writers of this process queue here instead, a hand-off of
  // microseconds, so the request's insert never sleeps behind the gate's background writer.
  private final ReentrantLock sqliteWriter;
  // SQLite's automatic checkpoint copies the write-ahead log into the database (with an fsync) in
  // whichever commit crosses its size: one request in a few hundred paid ~30 ms for it. Automatic
  // checkpoints are off; this daemon thread checkpoints every second there were inserts.
  private final ScheduledExecutorService checkpointer;
  private final AtomicBoolean written = new AtomicBoolean();

  private JdbcSalesRecord(
      DataSource dataSource,
      AutoCloseable pool,
      String description,
      List<String> secrets,
      boolean sqlite) {
    this.dataSource = dataSource;
    this.pool = pool;
    this.description = description;
    this.secrets = List.copyOf(secrets);
    this.sqliteWriter = sqlite ? new ReentrantLock(true) : null; // fair: no writer barges ahead
    if (sqlite) {
      checkpointer =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "x402j-sales-checkpoint");
                t.setDaemon(true);
                return t;
              });
      checkpointer.scheduleWithFixedDelay(
          () -> {
            if (written.getAndSet(false)) {
              checkpoint();
            }
          },
          1,
          1,
          TimeUnit.SECONDS);
    } else {
      checkpointer = null;
    }
  }

  /** The data source (for tests). */
  DataSource dataSource() {
    return dataSource;
  }

  /**
   * Copies SQLite's write-ahead log into the database without waiting for readers or writers (a
   * passive checkpoint), off the request threads. A failure is left to the next one.
   */
  void checkpoint() {
    try (Connection c = dataSource.getConnection();
        java.sql.Statement s = c.createStatement()) {
      s.execute("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (SQLException | RuntimeException e) {
      // the next checkpoint, or closing the last connection, copies what this one could not
    }
  }

  /** Thrown when the database cannot be used; the message never contains credentials. */
  public static final class SalesRecordException extends X402Exception {
    private static final long serialVersionUID = 1L;

    SalesRecordException(String message) {
      super(message);
    }
  }

  /**
   * Opens the record at {@code jdbcUrl}, creating or migrating its table: {@code
   * jdbc:sqlite:/path/sales.db} or {@code jdbc:postgresql://host:5432/db}. PostgreSQL credentials
   * come from the URL or from the environment variables {@code X402J_DB_USER} and {@code
   * X402J_DB_PASSWORD}.
   *
   * @throws IllegalArgumentException for another kind of URL
   * @throws SalesRecordException if the database cannot be reached or migrated
   */
  public static JdbcSalesRecord open(String jdbcUrl) {
    return open(jdbcUrl, System.getenv());
  }

  /** As {@link #open(String)}, with credentials from {@code env}. */
  public static JdbcSalesRecord open(String jdbcUrl, Map<String, String> env) {
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      return migrated(sqlite(jdbcUrl));
    }
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(jdbcUrl);
      config.setPoolName("x402j-sales");
      config.setMaximumPoolSize(8);
      config.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
      config.setInitializationFailTimeout(10_000);
      List<String> secrets = new ArrayList<>(Redaction.credentials(jdbcUrl));
      String user = env.get("X402J_DB_USER");
      String password = env.get("X402J_DB_PASSWORD");
      if (password != null && !password.isEmpty()) {
        secrets.add(password);
      }
      if (user != null && !user.isBlank()) {
        config.setUsername(user);
        config.setPassword(password);
      }
      HikariDataSource pool = poolOf(config, "PostgreSQL sales record", secrets);
      return migrated(new JdbcSalesRecord(pool, pool, "PostgreSQL sales record", secrets, false));
    }
    throw new IllegalArgumentException(
        "unsupported sales record URL (use jdbc:sqlite:FILE or"
            + " jdbc:postgresql://HOST:PORT/DATABASE)");
  }

  /** A record on a data source the caller owns (and closes). Migrates it. */
  public static JdbcSalesRecord open(DataSource dataSource) {
    return migrated(new JdbcSalesRecord(dataSource, () -> {}, "sales record", List.of(), false));
  }

  private static JdbcSalesRecord sqlite(String jdbcUrl) {
    String file = jdbcUrl.substring("jdbc:sqlite:".length());
    if (!file.isEmpty() && !file.startsWith(":") && !file.startsWith("file:")) {
      Path parent = Path.of(file).toAbsolutePath().getParent();
      try {
        Files.createDirectories(parent);
      } catch (IOException e) {
        throw new SalesRecordException("cannot create the sales record directory " + parent);
      }
    }
    SQLiteConfig sqlite = new SQLiteConfig();
    sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
    // The chain and the facilitator's ledger are the record of the money; this is the seller's
    // view of it, so a power loss may cost its last rows rather than every insert an fsync.
    sqlite.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    sqlite.setBusyTimeout((int) CONNECTION_TIMEOUT_MS);
    SQLiteDataSource source = new SQLiteDataSource(sqlite);
    source.setUrl(jdbcUrl);
    HikariConfig config = new HikariConfig();
    config.setDataSource(source);
    config.setPoolName("x402j-sales-sqlite");
    config.setConnectionInitSql("PRAGMA wal_autocheckpoint = 0");
    config.setMaximumPoolSize(4);
    config.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
    HikariDataSource pool = poolOf(config, "SQLite sales record " + file, List.of());
    return new JdbcSalesRecord(pool, pool, "SQLite sales record " + file, List.of(), true);
  }

  private static HikariDataSource poolOf(HikariConfig config, String what, List<String> secrets) {
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new SalesRecordException("cannot open the " + what + ": " + rootMessage(e, secrets));
    }
  }

  private static JdbcSalesRecord migrated(JdbcSalesRecord record) {
    try {
      Flyway.configure()
          .dataSource(record.dataSource)
          .locations("classpath:io/x402j/sales/db/migration")
          .table("x402j_sales_schema_history")
          .baselineOnMigrate(true)
          .baselineVersion("0")
          .load()
          .migrate();
      return record;
    } catch (RuntimeException e) {
      record.close();
      throw new SalesRecordException(
          "cannot migrate the " + record.description + ": " + rootMessage(e, record.secrets));
    }
  }

  private static String rootMessage(Throwable e, List<String> secrets) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return Redaction.scrub(message, secrets);
  }

  private SalesRecordException failure(String what, SQLException e) {
    return new SalesRecordException(
        what + " failed on the " + description + ": " + rootMessage(e, secrets));
  }

  /** What the record is, without credentials. */
  public String description() {
    return description;
  }

  /**
   * Inserts {@code sale}: one statement.
   *
   * @throws SalesRecordException if the database cannot take it (the gate logs it and goes on)
   * @throws IllegalArgumentException for an amount of 9.2·10<sup>27</sup> atomic units or more
   */
  @Override
  public void record(Sale sale) {
    BigInteger[] parts = sale.amount().value().divideAndRemainder(SPLIT);
    if (parts[0].compareTo(MAX_HI) > 0) {
      throw new IllegalArgumentException(
          "amount " + sale.amount() + " is too large for the sales record");
    }
    if (sqliteWriter == null) {
      insert(sale, parts);
      return;
    }
    try {
      // Waiting here is contention among this process's own sales, not an outage: allow it the
      // statement timeout (250 ms failed a burst of 16 paid requests on a busy machine, and the
      // failure put the gate into back-off, dropping settled sales the database could take).
      if (!sqliteWriter.tryLock(INSERT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new SalesRecordException(
            "recording a sale failed on the " + description + ": another insert held it too long");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SalesRecordException("recording a sale was interrupted");
    }
    try {
      insert(sale, parts);
      written.set(true);
    } finally {
      sqliteWriter.unlock();
    }
  }

  private void insert(Sale sale, BigInteger[] parts) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO x402j_sales (event_id, "
                    + COLUMNS
                    + ", amount_hi, amount_lo) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                    + " ?, ?)")) {
      // Without it a locked table would hold the sale, and the request's thread, until released.
      s.setQueryTimeout(INSERT_TIMEOUT_SECONDS);
      int i = 1;
      s.setString(i++, UUID.randomUUID().toString());
      s.setLong(i++, sale.at().toEpochMilli());
      s.setString(i++, sale.state().wire());
      s.setString(i++, cut(sale.method(), 16));
      s.setString(i++, cut(sale.route(), 512));
      s.setString(i++, cut(sale.scheme(), 32));
      s.setString(i++, sale.network().toString());
      s.setString(i++, cut(sale.asset(), 128));
      s.setString(i++, sale.amount().toString());
      s.setString(i++, cut(sale.payTo(), 128));
      s.setString(i++, cut(sale.payer(), 128));
      s.setString(i++, cut(sale.paymentId(), 512));
      s.setString(i++, cut(sale.transaction(), 256));
      s.setString(i++, cut(sale.reason(), 256));
      s.setInt(i++, sale.x402Version());
      s.setLong(i++, parts[0].longValueExact());
      s.setLong(i, parts[1].longValueExact());
      s.executeUpdate();
    } catch (SQLException e) {
      throw failure("recording a sale", e);
    }
  }

  /**
   * {@code text} at most {@code max} characters long, without NUL characters: PostgreSQL refuses
   * them in text columns, and one facilitator's odd payer or reason must cost no row, let alone the
   * back-off that would drop the sales after it.
   */
  private static String cut(String text, int max) {
    if (text == null) {
      return null;
    }
    String clean = text.indexOf('\u0000') < 0 ? text : text.replace("\u0000", "");
    return clean.length() <= max ? clean : clean.substring(0, max);
  }

  /** How many events of each state since {@code since}. */
  public Map<SaleState, Long> countsByState(Instant since) {
    Map<SaleState, Long> out = new EnumMap<>(SaleState.class);
    for (SaleState s : SaleState.values()) {
      out.put(s, 0L);
    }
    query(
        "SELECT state, COUNT(*) FROM x402j_sales WHERE at_ms >= ? GROUP BY state",
        List.of(since.toEpochMilli()),
        r -> out.put(SaleState.parse(r.getString(1)), r.getLong(2)));
    return out;
  }

  /** What was settled since {@code since}, per network and token. */
  public List<SalesTotal> totals(Instant since) {
    return grouped(null, since);
  }

  /** What was settled since {@code since}, per route, network and token. */
  public List<SalesTotal> totalsByRoute(Instant since) {
    return grouped("route", since);
  }

  /**
   * The {@code limit} payers who paid the most since {@code since} in each token: ranked within
   * their network and token (atomic units of tokens with different decimals are never compared),
   * ordered by network, token, then amount paid, most first.
   */
  public List<SalesTotal> topPayers(Instant since, int limit) {
    Map<String, List<SalesTotal>> byToken = new java.util.TreeMap<>();
    for (SalesTotal t : grouped("payer", since)) {
      if (t.key() != null) {
        byToken.computeIfAbsent(t.network() + " " + t.asset(), k -> new ArrayList<>()).add(t);
      }
    }
    List<SalesTotal> out = new ArrayList<>();
    for (List<SalesTotal> token : byToken.values()) {
      token.sort(
          Comparator.comparing(SalesTotal::amount)
              .thenComparing(SalesTotal::count)
              .reversed()
              .thenComparing(SalesTotal::key));
      out.addAll(token.subList(0, Math.min(Math.max(limit, 0), token.size())));
    }
    return out;
  }

  private List<SalesTotal> grouped(String key, Instant since) {
    String k = key == null ? "" : key + ", ";
    List<SalesTotal> out = new ArrayList<>();
    query(
        "SELECT "
            + k
            + "network, asset, COUNT(*), SUM(amount_hi), SUM(amount_lo) FROM x402j_sales"
            + " WHERE state = 'settled' AND at_ms >= ? GROUP BY "
            + k
            + "network, asset ORDER BY "
            + k
            + "network, asset",
        List.of(since.toEpochMilli()),
        r -> {
          int i = 1;
          String keyValue = key == null ? null : r.getString(i++);
          Network network = Network.parse(r.getString(i++));
          String asset = r.getString(i++);
          long count = r.getLong(i++);
          BigInteger hi = new BigInteger(r.getString(i++));
          BigInteger lo = new BigInteger(r.getString(i));
          out.add(new SalesTotal(keyValue, network, asset, count, hi.multiply(SPLIT).add(lo)));
        });
    return out;
  }

  /** Settled revenue since {@code since} per route and token, in buckets of {@code bucket}. */
  public List<RevenuePoint> revenue(Instant since, Duration bucket) {
    long width = bucket.toMillis();
    if (width <= 0) {
      throw new IllegalArgumentException("bucket must be positive, got " + bucket);
    }
    List<RevenuePoint> out = new ArrayList<>();
    query(
        "SELECT (at_ms / ?) * ? AS b, route, network, asset, SUM(amount_hi), SUM(amount_lo)"
            + " FROM x402j_sales WHERE state = 'settled' AND at_ms >= ?"
            + " GROUP BY 1, route, network, asset ORDER BY 1, route, network, asset",
        List.of(width, width, since.toEpochMilli()),
        r ->
            out.add(
                new RevenuePoint(
                    Instant.ofEpochMilli(r.getLong(1)),
                    r.getString(2),
                    Network.parse(r.getString(3)),
                    r.getString(4),
                    new BigInteger(r.getString(5))
                        .multiply(SPLIT)
                        .add(new BigInteger(r.getString(6))))));
    return out;
  }

  /**
   * The latest {@code limit} payments, newest first, each in its outcome: settled if it ever
   * settled (a later replay refused does not undo that, however often it is replayed), else the
   * latest of pending and refused (a pending settlement that failed shows refused), else admitted.
   * An event without a payment id is its own entry. Repeats of a payment already listed are passed
   * over, so a payment replayed many times cannot push the others off the list; at most {@value
   * #LATEST_SCAN} events are read.
   */
  public List<Sale> latest(int limit) {
    int wanted = Math.max(limit, 1);
    Map<String, Sale> byId = new java.util.LinkedHashMap<>();
    scan(
        "SELECT " + COLUMNS + ", event_id FROM x402j_sales ORDER BY at_ms DESC, event_id LIMIT ?",
        List.of((long) LATEST_SCAN),
        r -> {
          Sale sale = sale(r);
          String key =
              sale.paymentId() == null ? "event " + r.getString(15) : "id " + sale.paymentId();
          Sale seen = byId.get(key);
          if (seen == null || outranks(sale, seen)) {
            byId.put(key, sale);
          }
          return byId.size() < wanted;
        });
    // The outcome of a listed payment may lie further back than the events read (a settlement
    // followed by its replays' refusals): look it up by the payment id.
    List<String> ids = new ArrayList<>();
    byId.values().stream().map(Sale::paymentId).filter(Objects::nonNull).forEach(ids::add);
    if (!ids.isEmpty()) {
      scan(
          "SELECT "
              + COLUMNS
              + " FROM x402j_sales WHERE state IN ('settled', 'pending') AND payment_id IN ("
              + String.join(", ", java.util.Collections.nCopies(ids.size(), "?"))
              + ") ORDER BY at_ms DESC, event_id",
          List.copyOf(ids),
          r -> {
            Sale sale = sale(r);
            String key = "id " + sale.paymentId();
            Sale seen = byId.get(key);
            if (seen != null && outranks(sale, seen)) {
              byId.put(key, sale);
            }
            return true;
          });
    }
    return List.copyOf(byId.values());
  }

  /**
   * Whether {@code older} (read after {@code newer}, so no later) tells a payment's outcome better:
   * settled wins over everything (a settlement is never undone); an admitted event never wins (it
   * may land after the outcome); otherwise the newer of pending and refused stands — a pending
   * settlement that later failed shows refused, a refused payment presented again and pending shows
   * pending.
   */
  private static boolean outranks(Sale older, Sale newer) {
    if (newer.state() == SaleState.SETTLED || older.state() == SaleState.ADMITTED) {
      return false;
    }
    return older.state() == SaleState.SETTLED || newer.state() == SaleState.ADMITTED;
  }

  /** Every event from {@code from} (inclusive) to {@code to} (exclusive), oldest first. */
  public void export(Instant from, Instant to, Consumer<Sale> sink) {
    export(from, to, Long.MAX_VALUE, sink);
  }

  /** The first {@code limit} events from {@code from} (inclusive) to {@code to} (exclusive). */
  public void export(Instant from, Instant to, long limit, Consumer<Sale> sink) {
    query(
        "SELECT "
            + COLUMNS
            + " FROM x402j_sales WHERE at_ms >= ? AND at_ms < ? ORDER BY at_ms, event_id LIMIT ?",
        List.of(from.toEpochMilli(), to.toEpochMilli(), Math.max(limit, 0)),
        r -> sink.accept(sale(r)));
  }

  /** How many events from {@code from} (inclusive) to {@code to} (exclusive). */
  public long count(Instant from, Instant to) {
    long[] n = {0};
    query(
        "SELECT COUNT(*) FROM x402j_sales WHERE at_ms >= ? AND at_ms < ?",
        List.of(from.toEpochMilli(), to.toEpochMilli()),
        r -> n[0] = r.getLong(1));
    return n[0];
  }

  /** The recipients paid since {@code since}: network, token, address. */
  public Set<PayTo> payTos(Instant since) {
    Set<PayTo> out = new LinkedHashSet<>();
    query(
        "SELECT DISTINCT network, asset, pay_to FROM x402j_sales WHERE at_ms >= ?"
            + " ORDER BY network, asset, pay_to",
        List.of(since.toEpochMilli()),
        r -> out.add(new PayTo(Network.parse(r.getString(1)), r.getString(2), r.getString(3))));
    return out;
  }

  private static Sale sale(ResultSet r) throws SQLException {
    return new Sale(
        Instant.ofEpochMilli(r.getLong(1)),
        SaleState.parse(r.getString(2)),
        r.getString(3),
        r.getString(4),
        r.getString(5),
        Network.parse(r.getString(6)),
        r.getString(7),
        TokenAmount.parse(r.getString(8)),
        r.getString(9),
        r.getString(10),
        r.getString(11),
        r.getString(12),
        r.getString(13),
        r.getInt(14));
  }

  @FunctionalInterface
  private interface Row {
    void read(ResultSet r) throws SQLException;
  }

  @FunctionalInterface
  private interface Reader {
    /** Reads one row; {@code false} stops reading. */
    boolean read(ResultSet r) throws SQLException;
  }

  private void scan(String sql, List<?> params, Reader reader) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < params.size(); i++) {
        s.setObject(i + 1, params.get(i));
      }
      s.setFetchSize(200);
      try (ResultSet r = s.executeQuery()) {
        while (r.next() && reader.read(r)) {
          // read on
        }
      }
    } catch (SQLException e) {
      throw failure("reading sales", e);
    }
  }

  private void query(String sql, List<Long> params, Row row) {
    scan(
        sql,
        params,
        r -> {
          row.read(r);
          return true;
        });
  }

  /** Closes the pool this record opened (not a data source given to it). */
  @Override
  public void close() {
    if (checkpointer != null) {
      checkpointer.shutdownNow();
    }
    try {
      pool.close();
    } catch (Exception e) {
      // nothing to do: closing a pool does not fail in a way worth reporting
    }
  }
}
