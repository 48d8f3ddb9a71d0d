package io.x402j.bench;

import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.sales.JdbcSalesRecord;
import io.x402j.server.Sale;
import io.x402j.server.SaleState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the sales record adds to a paid request: one insert of a {@link Sale} into the {@link
 * JdbcSalesRecord} on a SQLite file (WAL), the write the gate makes on the request's thread for
 * each event (a settled sale makes two: admitted and settled).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class SalesRecordBenchmark {
  private Path dir;
  private JdbcSalesRecord record;
  private long next;

  @Setup
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("x402j-sales-bench");
    record = JdbcSalesRecord.open("jdbc:sqlite:" + dir.resolve("sales.db"));
  }

  @TearDown
  public void tearDown() throws IOException {
    record.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
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
