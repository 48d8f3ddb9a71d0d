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

  // --- attack-one-insert: back-off, close and faults under pressure ---

  @Test
  void concurrentFailuresOfOneOutageBackOffOnceNotOncePerRequest() throws Exception {
    int threads = 4;
    java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(threads);
    java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    AtomicBoolean failing = new AtomicBoolean(true);
    SalesRecord slowDown =
        sale -> {
          calls.incrementAndGet();
          if (failing.get()) {
            inside.countDown();
            try {
              // every request of the burst is waiting on the database when it goes down
              inside.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("connection refused");
          }
          written.add(sale);
        };
    SalesLedger ledger = new SalesLedger(slowDown, clock, new ManualExecutor(), 16);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      List<java.util.concurrent.Future<?>> all = new java.util.ArrayList<>();
      for (int i = 0; i < threads; i++) {
        all.add(pool.submit(() -> ledger.write(sale(SaleState.SETTLED))));
      }
      for (java.util.concurrent.Future<?> f : all) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(calls.get()).isEqualTo(threads);
    failing.set(false);

    // One outage: the first back-off, not one doubling per request that was waiting in it.
    clock.advance(SalesLedger.FIRST_BACK_OFF);
    ledger.write(sale(SaleState.SETTLED));

    assertThat(written)
        .as("the record is tried again after the first back-off, however many requests failed")
        .hasSize(1);
  }

  @Test
  void aProbeThatThrowsAnErrorDoesNotStopRecordingForever() {
    AtomicBoolean error = new AtomicBoolean();
    SalesRecord erring =
        sale -> {
          if (error.get()) {
            // a driver's LinkageError, a StackOverflowError: not a RuntimeException
            throw new NoClassDefFoundError("org/postgresql/core/Something");
          }
          record.record(sale);
        };
    SalesLedger ledger = new SalesLedger(erring, clock, new ManualExecutor(), 16);
    down.set(true);
    ledger.write(sale(SaleState.SETTLED)); // fails: backing off
    down.set(false);
    clock.advance(SalesLedger.FIRST_BACK_OFF);
    error.set(true);
    try {
      ledger.write(sale(SaleState.SETTLED)); // the probe meets the Error
    } catch (Error thrown) {
      // it may propagate; what matters is what happens after
    }
    error.set(false);

    clock.advance(SalesLedger.MAX_BACK_OFF);
    ledger.write(sale(SaleState.SETTLED));

    assertThat(written).as("recording resumes once the record works").hasSize(1);
  }

  @Test
  void closeWithASlowRecordIsBoundedAndCountsWhatItDrops() {
    ManualExecutor writer = new ManualExecutor(); // never runs: close writes on its own thread
    SalesRecord slow =
        new SalesRecord() {
          @Override
          public void record(Sale sale) {
            clock.advance(Duration.ofMillis(900)); // a slow database: each insert takes 0.9 s
            written.add(sale);
          }

          @Override
          public void unrecorded(Sale sale, Unrecorded why) {
            unrecorded.add(why);
          }
        };
    SalesLedger ledger = new SalesLedger(slow, clock, writer, 1024);
    for (int i = 0; i < 1024; i++) {
      ledger.enqueue(sale(SaleState.ADMITTED));
    }
    Instant start = clock.instant();

    ledger.close();

    assertThat(Duration.between(start, clock.instant()))
        .as("close waits a few seconds at most (not 1024 slow inserts, 15 minutes)")
        .isLessThanOrEqualTo(SalesLedger.CLOSE_WAIT.plusSeconds(1));
    assertThat(written.size() + ledger.dropped())
        .as("every event written or counted")
        .isEqualTo(1024);
    assertThat(unrecorded).isNotEmpty().allMatch(w -> w == Unrecorded.CLOSED);
  }

  @Test
  void aSaleTheRecordCannotTakeDoesNotStopTheSalesAfterIt() {
    SalesRecord picky =
        new SalesRecord() {
          @Override
          public void record(Sale sale) {
            if (sale.state() == SaleState.ADMITTED) {
              // JdbcSalesRecord's answer to an amount of 9.2e27 atomic units or more (an upto
              // ceiling of 10^10 tokens of 18 decimals): this row, not the database
              throw new IllegalArgumentException("amount too large for the sales record");
            }
            written.add(sale);
          }
        };
    ManualExecutor writer = new ManualExecutor();
    SalesLedger ledger = new SalesLedger(picky, clock, writer, 16);

    ledger.enqueue(sale(SaleState.ADMITTED));
    writer.runAll(); // the writer's admitted row is refused by the record
    ledger.write(sale(SaleState.SETTLED)); // a real sale right after it

    assertThat(written)
        .as("one unrecordable row must not put the whole record into back-off")
        .extracting(Sale::state)
        .containsExactly(SaleState.SETTLED);
    assertThat(ledger.failures()).isEqualTo(1);
  }

  /**
   * The record came back while the writer's admitted event was the probe: the settled sale that
   * arrived during that probe was dropped as "backing off" beside a probe that succeeded (CI lost a
   * settled row this way).
   */
  @Test
  void anOutcomeArrivingDuringAnotherEventsProbeWaitsForItsAnswer() throws Exception {
    java.util.concurrent.CountDownLatch probeInside = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch probeGoOn = new java.util.concurrent.CountDownLatch(1);
    SalesRecord held =
        sale -> {
          if (down.get()) {
            throw new IllegalStateException("connection refused");
          }
          if (sale.state() == SaleState.ADMITTED) {
            probeInside.countDown();
            try {
              probeGoOn.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          written.add(sale);
        };
    SalesLedger ledger = new SalesLedger(held, clock, new ManualExecutor(), 16);
    down.set(true);
    ledger.write(sale(SaleState.SETTLED)); // the outage: backing off
    down.set(false);
    clock.advance(SalesLedger.FIRST_BACK_OFF);

    Thread writer = new Thread(() -> ledger.write(sale(SaleState.ADMITTED)));
    writer.start();
    probeInside.await();
    Thread request = new Thread(() -> ledger.write(sale(SaleState.SETTLED)));
    request.start();
    while (request.getState() != Thread.State.TIMED_WAITING && request.isAlive()) {
      Thread.onSpinWait(); // the request is waiting for the probe's answer
    }
    probeGoOn.countDown();
    writer.join();
    request.join();

    assertThat(written)
        .as("the settled sale is written once the probe found the record working")
        .extracting(Sale::state)
        .containsExactlyInAnyOrder(SaleState.ADMITTED, SaleState.SETTLED);
    assertThat(unrecorded).isEmpty();
  }

  @Test
  void anOutcomeWaitingOnAFailedProbeIsDroppedWithoutAWaitOfItsOwn() throws Exception {
    java.util.concurrent.CountDownLatch probeInside = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch probeGoOn = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    SalesRecord stillDown =
        sale -> {
          if (calls.incrementAndGet() == 2) { // the probe
            probeInside.countDown();
            try {
              probeGoOn.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          throw new IllegalStateException("connection refused");
        };
    SalesLedger ledger = new SalesLedger(stillDown, clock, new ManualExecutor(), 16);
    ledger.write(sale(SaleState.SETTLED));
    clock.advance(SalesLedger.FIRST_BACK_OFF);

    Thread writer = new Thread(() -> ledger.write(sale(SaleState.ADMITTED)));
    writer.start();
    probeInside.await();
    Thread request = new Thread(() -> ledger.write(sale(SaleState.SETTLED)));
    request.start();
    while (request.getState() != Thread.State.TIMED_WAITING && request.isAlive()) {
      Thread.onSpinWait();
    }
    probeGoOn.countDown();
    writer.join();
    request.join();

    assertThat(calls.get()).as("the waiting outcome did not try the record itself").isEqualTo(2);
    assertThat(ledger.dropped()).as("dropped as backing off").isEqualTo(1);
  }
}
