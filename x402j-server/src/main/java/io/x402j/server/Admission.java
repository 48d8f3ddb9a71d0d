package io.x402j.server;

import io.x402j.core.TokenAmount;
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
   * What to tell the buyer about the money when the handler's response cannot be delivered (it
   * threw, was too large, timed out, the upstream failed): {@code "you were not charged"}, or, on a
   * route that settles before its handler, that the payment was already settled. Adapters append it
   * to their error so a refusal never claims a charge was undone when it was not.
   */
  public String chargeStatement() {
    return settledBeforeHandler()
        ? "the payment was settled before the handler ran"
        : "you were not charged";
  }

  /**
   * Settles the payment if the handler succeeded ({@code status < 400}) and says whether its
   * buffered response may go out. A failed handler's response is released without a charge.
   *
   * @throws IllegalStateException when already completed or abandoned
   */
  public CompletableFuture<Completion> complete(int status) {
    return complete(status, null);
  }

  /**
   * Like {@link #complete(int)}, settling the amount the handler says it used. For an {@code upto}
   * payment the gate settles {@code amount} (at most the {@linkplain #ceiling() ceiling}); without
   * one it settles the whole ceiling, as the official SDK does. For other schemes the amount is
   * fixed: an {@code amount} that differs from it is refused. A refused amount (above the ceiling,
   * a dollar amount in a token of unknown decimals, …) charges nothing: the completion is a 500
   * refusal and the payment may be used again.
   *
   * @param amount what to charge, or {@code null} for the offered amount
   * @throws IllegalStateException when already completed or abandoned
   */
  public CompletableFuture<Completion> complete(int status, SettlementOverride amount) {
    finish();
    return settlement.complete(paid, status, upfront, amount);
  }

  /**
   * Checks {@code amount} as {@link #complete(int, SettlementOverride)} would, without completing
   * or charging: an adapter whose handler is another server (a gateway) can then answer a refused
   * amount as that server's fault. A payment settled before its handler, or one resuming a pending
   * {@code upto} settlement (whose amount is fixed), accepts any amount here, as complete ignores
   * it.
   *
   * @param amount the amount the handler stated, or {@code null}
   * @throws IllegalArgumentException naming what is wrong with {@code amount}
   */
  public void checkAmount(SettlementOverride amount) {
    settlement.check(paid, upfront, amount);
  }

  /** The scheme of the payment, e.g. {@code exact} or {@code upto}. */
  public String scheme() {
    return requirements().scheme();
  }

  /**
   * The most the payment may settle, in atomic units: the offered amount ({@code upto}: the ceiling
   * the payer authorised; {@code exact}: the price).
   */
  public TokenAmount ceiling() {
    return requirements().amount();
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
