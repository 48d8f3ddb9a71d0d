package io.x402j.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.server.ManualClock;
import io.x402j.server.Sale;
import io.x402j.server.SaleState;
import io.x402j.server.SalesRecord;
import io.x402j.server.SalesRecord.Unrecorded;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The ledger's bounded writer queue, its back-off after failures, and its flush on close. */
class SalesLedgerTest {
  final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
  final List<Sale> written = new CopyOnWriteArrayList<>();
  final List<Unrecorded> unrecorded = new CopyOnWriteArrayList<>();
  final AtomicBoolean down = new AtomicBoolean();
  int tries;

  /** Runs the writer's tasks only when the test says so. */
  static final class ManualExecutor implements Executor {
    final Deque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
    }

    void runAll() {
      Runnable r;
      while ((r = tasks.poll()) != null) {
        r.run();
      }
    }
  }

  final SalesRecord record =
      new SalesRecord() {
        @Override
        public void record(Sale sale) {
          tries++;
          if (down.get()) {
            throw new IllegalStateException("connection refused");
          }
          written.add(sale);
        }

        @Override
        public void unrecorded(Sale sale, Unrecorded why) {
          unrecorded.add(why);
        }
      };

  Sale sale(SaleState state) {
    return new Sale(
        clock.instant(),
        state,
        "GET",
        "GET /report",
        "exact",
        Network.evm(84532),
        "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
        TokenAmount.of(10_000),
        "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
        null,
        "id",
        null,
        null,
        2);
  }

  @Test
  void aFullQueueDropsAndCountsRatherThanGrow() {
    ManualExecutor writer = new ManualExecutor();
    SalesLedger ledger = new SalesLedger(record, clock, writer, 4);

    for (int i = 0; i < 6; i++) {
      ledger.enqueue(sale(SaleState.ADMITTED));
    }

    assertThat(written).as("nothing written on the caller's thread").isEmpty();
    assertThat(writer.tasks).as("one writer task at a time").hasSize(1);
    assertThat(ledger.dropped()).isEqualTo(2);
    assertThat(ledger.failures()).isEqualTo(2);
    assertThat(unrecorded).containsExactly(Unrecorded.QUEUE_FULL, Unrecorded.QUEUE_FULL);
    writer.runAll();
    assertThat(written).hasSize(4);
    // Drained, it takes events again.
    ledger.enqueue(sale(SaleState.ADMITTED));
    writer.runAll();
    assertThat(written).hasSize(5);
  }

  @Test
  void afterAFailureTheRecordIsLeftAloneForAGrowingIntervalThenTriedOnceAgain() {
    SalesLedger ledger = new SalesLedger(record, clock, new ManualExecutor(), 16);
    down.set(true);

    ledger.write(sale(SaleState.SETTLED)); // the one wait an outage costs
    assertThat(tries).isEqualTo(1);
    ledger.write(sale(SaleState.SETTLED));
    ledger.write(sale(SaleState.REFUSED));
    assertThat(tries).as("backing off: the database is not touched").isEqualTo(1);
    assertThat(unrecorded).containsExactly(Unrecorded.BACKING_OFF, Unrecorded.BACKING_OFF);
    assertThat(ledger.failures()).isEqualTo(3);
    assertThat(ledger.dropped()).isEqualTo(2);

    clock.advance(SalesLedger.FIRST_BACK_OFF.minusMillis(1));
    ledger.write(sale(SaleState.SETTLED));
    assertThat(tries).isEqualTo(1);
    clock.advance(Duration.ofMillis(1));
    ledger.write(sale(SaleState.SETTLED)); // one probe, fails: now twice as long
    assertThat(tries).isEqualTo(2);
    clock.advance(SalesLedger.FIRST_BACK_OFF);
    ledger.write(sale(SaleState.SETTLED));
    assertThat(tries).as("the interval doubled").isEqualTo(2);
    clock.advance(SalesLedger.FIRST_BACK_OFF);
    ledger.write(sale(SaleState.SETTLED));
    assertThat(tries).isEqualTo(3);

    // It never waits longer than the maximum.
    for (int i = 0; i < 20; i++) {
      clock.advance(SalesLedger.MAX_BACK_OFF);
      ledger.write(sale(SaleState.SETTLED));
    }
    assertThat(tries).isEqualTo(23);

    down.set(false);
    clock.advance(SalesLedger.MAX_BACK_OFF);
    ledger.write(sale(SaleState.SETTLED));
    ledger.write(sale(SaleState.PENDING));
    assertThat(written)
        .as("back to normal after one success")
        .extracting(Sale::state)
        .containsExactly(SaleState.SETTLED, SaleState.PENDING);
  }

  @Test
  void theWriterBacksOffToo() {
    ManualExecutor writer = new ManualExecutor();
    SalesLedger ledger = new SalesLedger(record, clock, writer, 16);
    down.set(true);
    ledger.write(sale(SaleState.SETTLED));
    ledger.enqueue(sale(SaleState.ADMITTED));
    ledger.enqueue(sale(SaleState.ADMITTED));

    writer.runAll();

    assertThat(tries).isEqualTo(1);
    assertThat(unrecorded).containsExactly(Unrecorded.BACKING_OFF, Unrecorded.BACKING_OFF);
  }

  @Test
  void closeWritesWhatIsQueuedAndDropsWhatComesAfter() {
    ManualExecutor writer = new ManualExecutor(); // never runs: close must write on its own
    SalesLedger ledger = new SalesLedger(record, clock, writer, 16);
    ledger.enqueue(sale(SaleState.ADMITTED));
    ledger.enqueue(sale(SaleState.ADMITTED));

    ledger.close();

    assertThat(written).hasSize(2);
    ledger.enqueue(sale(SaleState.ADMITTED));
    assertThat(unrecorded).containsExactly(Unrecorded.CLOSED);
    ledger.write(sale(SaleState.SETTLED));
    assertThat(written).as("an outcome is still written").hasSize(3);
  }

  @Test
  void itsOwnWriterThreadWritesAndIsFlushedOnClose() {
    SalesLedger ledger = new SalesLedger(record, clock);
    for (int i = 0; i < 50; i++) {
      ledger.enqueue(sale(SaleState.ADMITTED));
    }

    ledger.close();

    assertThat(written).hasSize(50);
    assertThat(ledger.failures()).isZero();
  }
}
