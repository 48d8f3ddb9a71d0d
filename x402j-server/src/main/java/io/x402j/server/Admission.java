package io.x402j.server;

import io.x402j.core.wire.PaymentRequirements;
import io.x402j.server.internal.PaidRequest;
import io.x402j.server.internal.PaymentSettlement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A verified payment admitted to its handler. The adapter runs the handler with the response
 * buffered, then calls {@link #complete} with the handler's status and does what the {@link
 * Completion} says; if the handler throws or its response cannot be buffered, it calls {@link
 * #abandon} instead. Exactly one of the two, once.
 */
public final class Admission {
  private final PaymentSettlement settlement;
  private final PaidRequest paid;
  private final Completion.Release upfront;
  private final AtomicBoolean finished = new AtomicBoolean();

  Admission(PaymentSettlement settlement, PaidRequest paid, Completion.Release upfront) {
    this.settlement = settlement;
    this.paid = paid;
    this.upfront = upfront;
  }

  /** The protocol version of the payment. */
  public int x402Version() {
    return paid.x402Version();
  }

  /** The requirement paid, in the v2 form. */
  public PaymentRequirements requirements() {
    return paid.event().requirements();
  }

  /** The payer's address, as the facilitator reported it, or {@code null}. */
  public String payer() {
    return paid.event().payer();
  }

  /** The matched route pattern. */
  public String route() {
    return paid.event().route();
  }

  /** Whether the payment was settled before the handler ran (the route asked for it). */
  public boolean settledBeforeHandler() {
    return upfront != null;
  }

  /**
   * Settles the payment if the handler succeeded ({@code status < 400}) and says whether its
   * buffered response may go out. A failed handler's response is released without a charge.
   *
   * @throws IllegalStateException when already completed or abandoned
   */
  public CompletableFuture<Completion> complete(int status) {
    finish();
    return settlement.complete(paid, status, upfront);
  }

  /**
   * The handler threw, or its response could not be buffered: the payment is not charged and may be
   * used again. (A payment settled before the handler stays settled.)
   *
   * @throws IllegalStateException when already completed or abandoned
   */
  public void abandon() {
    finish();
    settlement.abandon(paid, upfront);
  }

  private void finish() {
    if (!finished.compareAndSet(false, true)) {
      throw new IllegalStateException("this admission was already completed or abandoned");
    }
  }
}
