package io.x402j.server.internal;

import io.x402j.core.wire.SettleResponse;
import io.x402j.server.PaymentEvent;
import io.x402j.server.PaymentListener;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gate's listeners, called in order. A listener that throws is logged and skipped: a hook never
 * changes what happens to a payment. Immutable. Not part of the x402j API.
 */
public final class PaymentListeners {
  private static final Logger LOG = LoggerFactory.getLogger(PaymentListeners.class);

  private final List<PaymentListener> listeners;
  private final SalesLedger sales;

  /** Calls {@code listeners}, in this order, and tells {@code sales} (or {@code null}). */
  public PaymentListeners(List<PaymentListener> listeners, SalesLedger sales) {
    this.listeners = List.copyOf(listeners);
    this.sales = sales;
  }

  /** Calls {@code call} on every listener. */
  public void notify(Consumer<PaymentListener> call) {
    for (PaymentListener l : listeners) {
      try {
        call.accept(l);
      } catch (RuntimeException e) {
        LOG.warn("payment listener {} failed", l.getClass().getName(), e);
      }
    }
  }

  /** Tells every listener that {@code event} failed for {@code reason}. */
  public void failure(PaymentEvent event, String reason, Throwable error) {
    failure(event, null, reason, error);
  }

  /**
   * Tells every listener that {@code event}, of the payment identified by {@code key} (or {@code
   * null}), failed for {@code reason} before any facilitator found it valid; the sales record only
   * counts it (anyone can send such payments for free), never writes it.
   */
  public void failure(PaymentEvent event, String key, String reason, Throwable error) {
    notify(l -> l.onFailure(event, reason, error));
    if (sales != null) {
      sales.unverified(event, key, reason);
    }
  }

  /**
   * Tells every listener that {@code event}, a payment that matched none of {@code offer}'s options
   * (a wrong amount, another route's, malformed), failed for {@code reason}; the sales record
   * counts it as an unverified refusal of the route's first option, never writes it.
   */
  public void unmatched(PaymentEvent event, RouteOffer offer, String reason) {
    notify(l -> l.onFailure(event, reason, null));
    if (sales != null && !offer.payments().isEmpty()) {
      sales.unverified(
          new PaymentEvent(
              event.method(),
              event.path(),
              event.route(),
              event.x402Version(),
              offer.v2().get(0),
              null),
          null,
          reason);
    }
  }

  /**
   * Tells every listener that the verified payment {@code paid} failed for {@code reason}; the
   * sales record is told it was refused.
   */
  public void failure(PaidRequest paid, String reason, Throwable error) {
    notify(l -> l.onFailure(paid.event(), reason, error));
    if (sales != null) {
      sales.refused(paid, reason);
    }
  }

  /**
   * Tells every listener that {@code paid} failed for {@code reason} while its settlement is
   * pending ({@code receipt} may be {@code null}); the sales record is told it is pending.
   */
  public void pending(PaidRequest paid, SettleResponse receipt, String reason, Throwable error) {
    notify(l -> l.onFailure(paid.event(), reason, error));
    if (sales != null) {
      sales.pending(paid, receipt, reason);
    }
  }

  /** The sales record is told {@code paid} bought nothing: its response was abandoned. */
  public void abandoned(PaidRequest paid) {
    if (sales != null) {
      sales.refused(paid, "response_abandoned");
    }
  }

  /** Writes what the sales record's writer still holds and stops it. */
  public void close() {
    if (sales != null) {
      sales.close();
    }
  }

  /** The sales record is told {@code paid} was admitted. */
  public void admitted(PaidRequest paid) {
    if (sales != null) {
      sales.admitted(paid);
    }
  }

  /**
   * The sales record is told {@code paid} settled in {@code receipt}, or is pending when {@code
   * receipt} is (a pending settlement released by policy).
   */
  public void settled(PaidRequest paid, SettleResponse receipt) {
    if (sales == null) {
      return;
    }
    if (receipt.isPending()) {
      sales.pending(paid, receipt, receipt.errorReason());
    } else {
      sales.settled(paid, receipt);
    }
  }
}
