package io.x402j.server.internal;

import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.PayerScope;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
import io.x402j.server.PaymentEvent;
import io.x402j.server.Sale;
import io.x402j.server.SaleState;
import io.x402j.server.SalesRecord;
import io.x402j.server.SalesRecord.Unrecorded;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the seller's {@link SalesRecord} what became of each paid request. Of each paid request one
 * event, its outcome (settled, refused after verification, pending), is written on the request's
 * thread; {@code admitted} goes to a bounded queue drained by one writer. Refusals of payments no
 * facilitator verified are never written, only handed to {@link SalesRecord#unrecorded}. A record
 * that fails is logged once (until it works again) and counted, and is then left alone for a
 * growing interval ({@link #FIRST_BACK_OFF} doubling to {@link #MAX_BACK_OFF}); the sale goes on as
 * if nothing had happened. Thread-safe. Not part of the x402j API.
 */
public final class SalesLedger implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SalesLedger.class);

  /** How many events may wait for the writer; more are dropped (and counted). */
  public static final int QUEUE_CAPACITY = 1024;

  /** How long the record is left alone after its first failure. */
  public static final Duration FIRST_BACK_OFF = Duration.ofSeconds(1);

  /** The longest it is left alone while it keeps failing. */
  public static final Duration MAX_BACK_OFF = Duration.ofMinutes(1);

  /**
   * How long an outcome waits for a probe in flight to tell whether the record works again (a probe
   * takes at most about a connection timeout plus a statement timeout).
   */
  static final Duration PROBE_WAIT = Duration.ofSeconds(3);

  /** How long {@link #close} waits for the writer to finish what is queued. */
  static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private final SalesRecord record;
  private final Clock clock;
  private final Executor writer;
  private final ExecutorService ownWriter;
  private final BlockingQueue<Sale> queue;
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicBoolean failing = new AtomicBoolean();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong unverified = new AtomicLong();
  private final AtomicBoolean unrecordableLogged = new AtomicBoolean();
  private volatile boolean closed;

  // Back-off, guarded by this.
  private Instant retryAt;
  private Duration backOff;
  private boolean probing;

  /** Records into {@code record}, timed by {@code clock}, with its own daemon writer thread. */
  public SalesLedger(SalesRecord record, Clock clock) {
    this(record, clock, null, QUEUE_CAPACITY);
  }

  /**
   * Records into {@code record}, timed by {@code clock}; queued events are written by tasks run on
   * {@code writer} (one at a time; {@code null}: the ledger's own daemon thread), at most {@code
   * capacity} waiting.
   */
  public SalesLedger(SalesRecord record, Clock clock, Executor writer, int capacity) {
    this.record = record;
    this.clock = clock;
    if (writer == null) {
      ThreadPoolExecutor own =
          new ThreadPoolExecutor(
              1,
              1,
              1,
              TimeUnit.MINUTES,
              new LinkedBlockingQueue<>(),
              r -> {
                Thread t = new Thread(r, "x402j-sales-writer");
                t.setDaemon(true);
                return t;
              });
      own.allowCoreThreadTimeOut(true);
      this.ownWriter = own;
      this.writer = own;
    } else {
      this.ownWriter = null;
      this.writer = writer;
    }
    this.queue = new ArrayBlockingQueue<>(capacity);
  }

  /**
   * How many events were not recorded because of the record: it failed, the gate was backing off
   * after a failure, the queue was full or the gate closed. Unverified refusals are not counted
   * here (see {@link #unverified}).
   */
  public long failures() {
    return failures.get();
  }

  /**
   * Of {@link #failures}, how many were dropped without trying: queue full, backing off, closed.
   */
  public long dropped() {
    return dropped.get();
  }

  /** How many refusals of payments no facilitator verified were counted and not recorded. */
  public long unverified() {
    return unverified.get();
  }

  /** A verified payment was handed to its handler: queued for the writer. */
  public void admitted(PaidRequest paid) {
    enqueue(sale(SaleState.ADMITTED, paid.event(), amount(paid, null), paid.key(), null, null));
  }

  /** Queues {@code sale} (or nothing, for {@code null}) for the writer. */
  void enqueue(Sale sale) {
    if (sale == null) {
      return;
    }
    if (closed) {
      drop(sale, Unrecorded.CLOSED);
      return;
    }
    if (!queue.offer(sale)) {
      drop(sale, Unrecorded.QUEUE_FULL);
      return;
    }
    schedule();
  }

  /** The payment was settled in {@code receipt}'s transaction: written now. */
  public void settled(PaidRequest paid, SettleResponse receipt) {
    write(
        sale(
            SaleState.SETTLED,
            payer(paid.event(), receipt),
            amount(paid, receipt),
            paid.key(),
            receipt.transaction(),
            null));
  }

  /** The settlement's outcome is not known ({@code receipt} may be {@code null}): written now. */
  public void pending(PaidRequest paid, SettleResponse receipt, String reason) {
    write(
        sale(
            SaleState.PENDING,
            receipt == null ? paid.event() : payer(paid.event(), receipt),
            amount(paid, null),
            paid.key(),
            receipt == null ? null : receipt.transaction(),
            reason));
  }

  /** The verified payment {@code paid} bought nothing for {@code reason}: written now. */
  public void refused(PaidRequest paid, String reason) {
    write(sale(SaleState.REFUSED, paid.event(), amount(paid, null), paid.key(), null, reason));
  }

  /**
   * A payment no facilitator verified was refused for {@code reason}; {@code key} is its identity,
   * or {@code null} before it was identified. Counted and handed to {@link SalesRecord#unrecorded},
   * never written: anyone can send these for free.
   */
  public void unverified(PaymentEvent event, String key, String reason) {
    TokenAmount amount = event.requirements() == null ? null : event.requirements().amount();
    Sale sale = sale(SaleState.REFUSED, event, amount, key, null, reason);
    if (sale == null) {
      return;
    }
    unverified.incrementAndGet();
    tell(sale, Unrecorded.UNVERIFIED);
  }

  /**
   * Stops taking events for the writer and writes what is queued (waiting at most {@link
   * #CLOSE_WAIT} for the writer's own thread). Events told afterwards are still written when they
   * are outcomes; admitted ones are dropped.
   */
  @Override
  public void close() {
    closed = true;
    // On the closing thread: whatever the writer has not taken yet, for CLOSE_WAIT at most (a slow
    // database must not hold a shutdown for a queue of slow inserts); the rest is counted dropped.
    Instant deadline = clock.instant().plus(CLOSE_WAIT);
    Sale s;
    while ((s = queue.poll()) != null) {
      if (clock.instant().isBefore(deadline)) {
        write(s);
      } else {
        drop(s, Unrecorded.CLOSED);
      }
    }
    if (ownWriter != null) {
      ownWriter.shutdown();
      long left = Math.max(0, Duration.between(clock.instant(), deadline).toMillis());
      try {
        if (!ownWriter.awaitTermination(left, TimeUnit.MILLISECONDS)) {
          LOG.warn("the sales record's writer did not finish within {}", CLOSE_WAIT);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void schedule() {
    if (!draining.compareAndSet(false, true)) {
      return;
    }
    try {
      writer.execute(this::drainAll);
    } catch (RejectedExecutionException e) {
      draining.set(false);
      Sale s;
      while ((s = queue.poll()) != null) {
        drop(s, Unrecorded.CLOSED);
      }
    }
  }

  /** The writer's task: writes until the queue is empty, one writer at a time. */
  private void drainAll() {
    do {
      drain();
      draining.set(false);
    } while (!queue.isEmpty() && draining.compareAndSet(false, true));
  }

  private void drain() {
    Sale s;
    while ((s = queue.poll()) != null) {
      write(s);
    }
  }

  /** Writes {@code sale} (or nothing, for {@code null}) now, unless backing off. */
  void write(Sale sale) {
    if (sale == null) {
      return;
    }
    Boolean probe = enter(sale.state() != SaleState.ADMITTED);
    if (probe == null) {
      drop(sale, Unrecorded.BACKING_OFF);
      return;
    }
    try {
      record.record(sale);
    } catch (IllegalArgumentException e) {
      // This sale's values cannot be recorded (an amount too large, say); the record itself may
      // work, so the sales after it are still offered to it.
      failures.incrementAndGet();
      unrecordable(sale, e, probe);
      lost(sale, "unrecordable");
      return;
    } catch (RuntimeException e) {
      failures.incrementAndGet();
      failed(e, probe);
      lost(sale, "failed");
      return;
    } catch (Error e) {
      failures.incrementAndGet();
      failed(e, probe); // never leave a probe in flight forever
      lost(sale, "failed");
      throw e;
    }
    succeeded();
  }

  /**
   * Whether to try the record now: {@code null} while backing off, {@code true} for the one probe
   * when that ends, else {@code false}.
   */
  private synchronized Boolean enter(boolean outcome) {
    if (retryAt == null) {
      return Boolean.FALSE;
    }
    if (clock.instant().isBefore(retryAt)) {
      return null;
    }
    if (probing && outcome) {
      // Another event (often the writer's admitted one) is finding out whether the record works
      // again. An outcome is what the seller needs: wait for that answer rather than drop it
      // beside a probe that succeeds. Bounded, so an outage still costs a request one wait.
      long deadline = System.nanoTime() + PROBE_WAIT.toNanos();
      long left;
      while (probing && (left = deadline - System.nanoTime()) > 0) {
        try {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      if (retryAt == null) {
        return Boolean.FALSE;
      }
    }
    if (probing || clock.instant().isBefore(retryAt)) {
      return null;
    }
    probing = true;
    return Boolean.TRUE;
  }

  private void succeeded() {
    synchronized (this) {
      retryAt = null;
      backOff = null;
      if (probing) {
        probing = false;
        notifyAll();
      }
    }
    if (failing.compareAndSet(true, false)) {
      LOG.info("the sales record works again");
    }
  }

  private void unrecordable(Sale sale, IllegalArgumentException e, boolean probe) {
    if (probe) {
      synchronized (this) {
        probing = false; // tells nothing about the record: the next event probes
        notifyAll();
      }
    }
    if (unrecordableLogged.compareAndSet(false, true)) {
      LOG.warn(
          "a {} sale of {} cannot be recorded: {}",
          sale.state().wire(),
          sale.route(),
          e.getMessage());
    } else {
      LOG.debug(
          "a {} sale of {} cannot be recorded: {}",
          sale.state().wire(),
          sale.route(),
          e.getMessage());
    }
  }

  private void failed(Throwable e, boolean probe) {
    Duration wait;
    synchronized (this) {
      if (retryAt != null && !probe) {
        // A request that was already waiting on the record when another's failure started the
        // back-off: the same outage, which must not double the interval once per such request.
        wait = backOff;
      } else {
        backOff = backOff == null ? FIRST_BACK_OFF : min(backOff.multipliedBy(2), MAX_BACK_OFF);
        retryAt = clock.instant().plus(backOff);
        wait = backOff;
      }
      if (probe) {
        probing = false;
        notifyAll();
      }
    }
    if (failing.compareAndSet(false, true)) {
      LOG.error(
          "the sales record failed; sales go on unrecorded until it works again (tried again"
              + " after {}, then less often): {}",
          wait,
          e.toString());
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private void drop(Sale sale, Unrecorded why) {
    failures.incrementAndGet();
    dropped.incrementAndGet();
    lost(sale, why.name().toLowerCase(java.util.Locale.ROOT));
    tell(sale, why);
  }

  /**
   * Logs, once, an outcome the record will never hold (a settled sale's transaction is what the
   * seller needs to find it on chain); admitted events are only counted.
   */
  private static void lost(Sale sale, String why) {
    if (sale.state() == SaleState.ADMITTED) {
      return;
    }
    LOG.warn(
        "not recorded ({}): {} {} of {} {} on {}, payment {}, transaction {}",
        why,
        sale.state().wire(),
        sale.route(),
        sale.amount(),
        sale.asset(),
        sale.network(),
        sale.paymentId(),
        sale.transaction());
  }

  private void tell(Sale sale, Unrecorded why) {
    try {
      record.unrecorded(sale, why);
    } catch (RuntimeException e) {
      LOG.debug("the sales record's unrecorded() failed", e);
    }
  }

  private static PaymentEvent payer(PaymentEvent event, SettleResponse receipt) {
    if (event.payer() != null || receipt.payer() == null || receipt.payer().isEmpty()) {
      return event;
    }
    return new PaymentEvent(
        event.method(),
        event.path(),
        event.route(),
        event.x402Version(),
        event.requirements(),
        receipt.payer());
  }

  /** What the payment costs: the settled amount once known, else the matched requirement's. */
  private static TokenAmount amount(PaidRequest paid, SettleResponse receipt) {
    if (receipt != null && receipt.amount() != null) {
      return receipt.amount();
    }
    return paid.match().requirements().amount();
  }

  /** The event as a sale, or {@code null} when no offered option matched (nothing was for sale). */
  private Sale sale(
      SaleState state,
      PaymentEvent event,
      TokenAmount amount,
      String key,
      String transaction,
      String reason) {
    PaymentRequirements r = event.requirements();
    if (r == null) {
      return null;
    }
    return new Sale(
        clock.instant(),
        state,
        event.method(),
        event.route(),
        r.scheme(),
        r.network(),
        r.asset(),
        amount,
        address(r, r.payTo()),
        address(r, event.payer()),
        key,
        transaction,
        reason,
        event.x402Version());
  }

  /**
   * {@code address} as the record keeps it: an EVM address in its canonical lower-case hex, so one
   * wallet spelled two ways (checksummed, lower case) is one payer or recipient on the dashboard; a
   * Solana key in its one base58 spelling (the rule payment ids are scoped by, {@link PayerScope});
   * text that is no address of the network as it is.
   */
  private static String address(PaymentRequirements r, String address) {
    String canonical = PayerScope.canonicalAddress(r.network(), address);
    return canonical == null ? address : canonical;
  }
}
