package io.x402j.server.internal;

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

  /** Calls {@code listeners}, in this order. */
  public PaymentListeners(List<PaymentListener> listeners) {
    this.listeners = List.copyOf(listeners);
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
    notify(l -> l.onFailure(event, reason, error));
  }
}
