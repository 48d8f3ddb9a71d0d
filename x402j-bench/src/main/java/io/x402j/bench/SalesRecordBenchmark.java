package io.x402j.bench;

import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.sales.JdbcSalesRecord;
import io.x402j.server.Sale;
import io.x402j.server.SaleState;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the sales record adds to a paid request: one insert of a {@link Sale} into the {@link
 * JdbcSalesRecord}, on a SQLite file (WAL) or an embedded PostgreSQL (zonky, local socket): the one
 * write the gate makes on the request's thread for a paid request (its outcome; admitted is written
 * by the gate's background writer).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class SalesRecordBenchmark {
  /** The database: {@code sqlite} or {@code postgres}. */
  @Param({"sqlite", "postgres"})
  public String database;

  private SalesDatabase db;
  private JdbcSalesRecord record;
  private long next;

  @Setup
  public void setUp() throws IOException {
    db = SalesDatabase.open(database);
    record = db.record;
  }

  @TearDown
  public void tearDown() throws IOException {
    db.close();
  }

  /** One event recorded: one INSERT. */
  @Benchmark
  public void insert() {
    long n = next++;
    record.record(
        new Sale(
            Instant.ofEpochMilli(1_900_000_000_000L + n),
            SaleState.SETTLED,
            "GET",
            "GET /weather",
            "exact",
            Network.evm(84532),
            "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
            TokenAmount.of(10_000),
            "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
            "0x857b06519E91e3A54538791bDbb0E22373e36b66",
            "exact:eip155:84532:" + n,
            "0x" + Long.toHexString(n),
            null,
            2));
  }
}
