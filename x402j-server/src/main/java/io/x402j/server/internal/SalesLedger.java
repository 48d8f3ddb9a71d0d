package io.x402j.server.internal;

import io.x402j.core.TokenAmount;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
import io.x402j.server.PaymentEvent;
import io.x402j.server.Sale;
import io.x402j.server.SaleState;
import io.x402j.server.SalesRecord;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the seller's {@link SalesRecord} what became of each paid request: one call per event. A
 * record that fails is logged once (until it works again) and counted; the sale goes on as if
 * nothing had happened. Thread-safe. Not part of the x402j API.
 */
public final class SalesLedger {
  private static final Logger LOG = LoggerFactory.getLogger(SalesLedger.class);

  private final SalesRecord record;
  private final Clock clock;
  private final AtomicBoolean failing = new AtomicBoolean();
  private final AtomicLong failures = new AtomicLong();

  /** Records into {@code record}, timed by {@code clock}. */
  public SalesLedger(SalesRecord record, Clock clock) {
    this.record = record;
    this.clock = clock;
  }

  /** How many events the record failed to take. */
  public long failures() {
    return failures.get();
  }

  /** A verified payment was handed to its handler. */
  public void admitted(PaidRequest paid) {
    record(SaleState.ADMITTED, paid.event(), amount(paid, null), paid.key(), null, null);
  }

  /** The payment was settled in {@code receipt}'s transaction. */
  public void settled(PaidRequest paid, SettleResponse receipt) {
    record(
        SaleState.SETTLED,
        payer(paid.event(), receipt),
        amount(paid, receipt),
        paid.key(),
        receipt.transaction(),
        null);
  }

  /** The settlement's outcome is not known ({@code receipt} may be {@code null}). */
  public void pending(PaidRequest paid, SettleResponse receipt, String reason) {
    record(
        SaleState.PENDING,
        receipt == null ? paid.event() : payer(paid.event(), receipt),
        amount(paid, null),
        paid.key(),
        receipt == null ? null : receipt.transaction(),
        reason);
  }

  /**
   * The paid request got nothing for {@code reason}; {@code key} is the payment's identity, or
   * {@code null} before it was identified.
   */
  public void refused(PaymentEvent event, String key, String reason) {
    TokenAmount amount = event.requirements() == null ? null : event.requirements().amount();
    record(SaleState.REFUSED, event, amount, key, null, reason);
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

  private void record(
      SaleState state,
      PaymentEvent event,
      TokenAmount amount,
      String key,
      String transaction,
      String reason) {
    PaymentRequirements r = event.requirements();
    if (r == null) {
      return; // no offered option matched: nothing was for sale
    }
    try {
      record.record(
          new Sale(
              clock.instant(),
              state,
              event.method(),
              event.route(),
              r.scheme(),
              r.network(),
              r.asset(),
              amount,
              r.payTo(),
              event.payer(),
              key,
              transaction,
              reason,
              event.x402Version()));
      if (failing.compareAndSet(true, false)) {
        LOG.info("the sales record works again");
      }
    } catch (RuntimeException e) {
      failures.incrementAndGet();
      if (failing.compareAndSet(false, true)) {
        LOG.error(
            "the sales record failed; sales go on unrecorded until it works again: {}",
            e.toString());
      }
    }
  }
}
