package io.x402j.server.internal;

import io.x402j.core.Asset;
import io.x402j.core.ErrorReason;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.TokenAmount;
import io.x402j.core.facilitator.Facilitator;
import io.x402j.core.support.Futures;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
import io.x402j.server.Completion;
import io.x402j.server.PaymentOption;
import io.x402j.server.PendingSettlement;
import io.x402j.server.SettlementOverride;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles admitted payments and says whether their buffered responses may go out. A payment is
 * settled only after its handler succeeded (or, for routes that ask, before it ran); a success
 * releases the response with its receipt, a failure refuses it. A {@code settlement_pending} answer
 * is followed as the {@link PendingSettlement} policy says: released at once, or asked again every
 * poll interval on the injected scheduler until the wait, measured on the injected clock, is over.
 * Each outcome is recorded in the replay store. Immutable and thread-safe. Not part of the x402j
 * API.
 */
public final class PaymentSettlement {
  private static final Logger LOG = LoggerFactory.getLogger(PaymentSettlement.class);

  /**
   * How long to follow a pending settlement.
   *
   * @param policy what to do with {@code settlement_pending}
   * @param maxWait how long to keep asking ({@link PendingSettlement#WAIT})
   * @param poll how long between two questions
   */
  public record Pending(PendingSettlement policy, Duration maxWait, Duration poll) {}

  private final Facilitator facilitator;
  private final NetworkRegistry networks;
  private final ReplayRecorder replay;
  private final PaymentListeners listeners;
  private final ResponseRenderer render;
  private final Pending pending;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final GateExtensions extensions;
  private final IdempotentPayments ids;

  /**
   * Settles through {@code facilitator}; polls pending settlements on {@code scheduler}; {@code
   * extensions} add to the receipts of settled payments.
   */
  public PaymentSettlement(
      Facilitator facilitator,
      NetworkRegistry networks,
      ReplayRecorder replay,
      PaymentListeners listeners,
      ResponseRenderer render,
      Pending pending,
      Clock clock,
      ScheduledExecutorService scheduler,
      GateExtensions extensions,
      IdempotentPayments ids) {
    this.ids = ids;
    this.facilitator = facilitator;
    this.networks = networks;
    this.replay = replay;
    this.listeners = listeners;
    this.render = render;
    this.pending = pending;
    this.clock = clock;
    this.scheduler = scheduler;
    this.extensions = extensions;
  }

  /**
   * Settles {@code paid} after its handler answered {@code status}.
   *
   * @param upfront the release of a payment settled before the handler ran, else {@code null}
   * @param override the amount the handler says it used, or {@code null}: an {@code upto} payment
   *     then settles its whole ceiling (as the official SDK does); for other schemes it must equal
   *     the offered amount
   */
  public CompletableFuture<Completion> complete(
      PaidRequest paid, int status, Completion.Release upfront, SettlementOverride override) {
    if (upfront != null) {
      if (override != null) {
        LOG.warn(
            "route {} settles before its handler: the handler's settlement amount {} is ignored",
            paid.event().route(),
            override);
      }
      return done(upfront); // paid before the handler ran: the response goes out whatever it is
    }
    if (status >= 400) {
      unused(paid); // nothing was delivered, so nothing is charged
      listeners.failure(paid, "handler_failed_" + status, null);
      return done(new Completion.Release(render.unchargedHeaders(), false));
    }
    PaidRequest charged;
    try {
      charged = charged(paid, override);
    } catch (IllegalArgumentException e) {
      // The seller's own mistake: never settle more than authorised, never guess; charge nothing.
      unused(paid);
      LOG.warn(
          "route {}: the handler's settlement amount was refused, nothing was charged: {}",
          paid.event().route(),
          e.getMessage());
      listeners.failure(paid, INVALID_OVERRIDE, null);
      return done(
          new Completion.Refuse(
              render.error(
                  500, "the resource stated an invalid amount to charge; nothing was charged")));
    }
    return settle(charged);
  }

  /**
   * Checks {@code override} as {@link #complete} would, settling nothing.
   *
   * @throws IllegalArgumentException naming what is wrong with it
   */
  public void check(PaidRequest paid, Completion.Release upfront, SettlementOverride override) {
    if (upfront == null) {
      charged(paid, override);
    }
  }

  /** The reason listeners are told when a handler's settlement amount is refused. */
  public static final String INVALID_OVERRIDE = "invalid_settlement_override";

  /** {@code paid} settling the amount {@code override} states, checked against its ceiling. */
  private PaidRequest charged(PaidRequest paid, SettlementOverride override) {
    if (override == null) {
      return paid;
    }
    PaymentRequirements offered = paid.match().requirements();
    if (paid.resumed() && PaymentOption.UPTO.equals(offered.scheme())) {
      // The attempt's amount was stored when it went pending, and admission set it: the handler,
      // run again, cannot change what this attempt settles (it may already be on chain).
      LOG.warn(
          "route {} resumes a pending upto settlement of {}: the handler's amount {} is ignored",
          paid.event().route(),
          offered.amount(),
          override);
      return paid;
    }
    Asset asset = networks.findAsset(offered.network(), offered.asset()).orElse(null);
    TokenAmount amount = override.resolve(offered.amount(), asset);
    if (!PaymentOption.UPTO.equals(offered.scheme())) {
      if (amount.equals(offered.amount())) {
        return paid;
      }
      throw new IllegalArgumentException(
          "the payment is "
              + offered.scheme()
              + ", whose amount is fixed at "
              + offered.amount()
              + "; a settlement amount ("
              + override
              + ") applies to upto payments only");
    }
    if (paid.x402Version() != 2) {
      throw new IllegalArgumentException("an upto payment must be protocol v2");
    }
    return paid.withSettledAmount(amount);
  }

  /**
   * The handler failed or its response could not be kept: the payment was not used.
   *
   * @param upfront the release of a payment settled before the handler ran (it stays settled)
   */
  public void abandon(PaidRequest paid, Completion.Release upfront) {
    if (upfront == null) {
      unused(paid);
      listeners.abandoned(paid);
    }
  }

  /** Settles {@code paid} now, following a pending settlement as the policy says. */
  public CompletableFuture<Completion> settle(PaidRequest paid) {
    listeners.notify(l -> l.beforeSettle(paid.event()));
    return settleOnce(paid, clock.instant().plus(pending.maxWait()));
  }

  /**
   * Nothing was delivered for this request. A new payment is free to be presented again; a resumed
   * one goes back to waiting on its settlement, which may already have moved the money and must
   * stay this gate's attempt to follow (released, its next use would be a new attempt and a
   * duplicate).
   */
  private void unused(PaidRequest paid) {
    if (paid.resumed()) {
      replay.pending(paid);
    } else {
      replay.released(paid);
      unsold(paid);
    }
  }

  /** Frees the payment identifier of a payment that bought nothing. */
  private void unsold(PaidRequest paid) {
    if (ids != null) {
      ids.unsold(paid);
    }
  }

  private CompletableFuture<Completion> settleOnce(PaidRequest paid, Instant deadline) {
    // The id names this gate's attempt: a repeat of it (a pending settlement followed, a lost
    // answer) learns its outcome, while another server's copy of the payment is a duplicate.
    return facilitator
        .settle(paid.match().request().withSettlementId(paid.settlementId()))
        .handle(
            (receipt, error) -> {
              if (error != null) {
                return done(unanswered(paid, Futures.unwrap(error)));
              }
              listeners.notify(l -> l.afterSettle(paid.event(), receipt));
              TokenAmount asked = paid.match().requirements().amount();
              if (receipt.amount() != null && receipt.amount().isGreaterThan(asked)) {
                LOG.error(
                    "the facilitator reports settling {} for a payment settled at {} ({} {})",
                    receipt.amount(),
                    asked,
                    paid.request().method(),
                    paid.request().path());
              }
              if (receipt.success()) {
                replay.settled(paid);
                listeners.settled(paid, receipt);
                return done(released(paid, receipt));
              }
              if (receipt.isPending()) {
                return followPending(paid, receipt, deadline);
              }
              replay.released(paid);
              unsold(paid);
              listeners.failure(paid, String.valueOf(receipt.errorReason()), null);
              return done(
                  (Completion) new Completion.Refuse(render.settlementRefusal(paid, receipt)));
            })
        .thenCompose(f -> f);
  }

  private Completion unanswered(PaidRequest paid, Throwable cause) {
    // The settlement may or may not have happened: keep the payment presentable again.
    replay.pending(paid);
    LOG.warn("settlement failed: facilitator error: {}", cause.getMessage());
    listeners.pending(paid, null, "facilitator_unreachable", cause);
    return new Completion.Refuse(
        render.error(
            502,
            "the facilitator did not answer the settlement; send the same"
                + " payment again to complete it"));
  }

  private Completion released(PaidRequest paid, SettleResponse receipt) {
    Completion.Release release =
        new Completion.Release(
            render.receiptHeaders(paid.x402Version(), extensions.receipt(paid, receipt)), true);
    if (ids != null) {
      ids.settled(paid, release.headers()); // a repeat of its id is told this very receipt
    }
    return release;
  }

  private CompletableFuture<Completion> followPending(
      PaidRequest paid, SettleResponse receipt, Instant deadline) {
    if (pending.policy() == PendingSettlement.RELEASE) {
      // The response goes out now, so the payment has bought it: presented again it is used,
      // not a settlement to follow (that would serve it a second time).
      replay.settled(paid);
      listeners.settled(paid, receipt);
      LOG.info(
          "released {} {} with pending settlement {}",
          paid.request().method(),
          paid.request().path(),
          receipt.transaction());
      return done(released(paid, receipt));
    }
    // While this request still polls, the payment stays in use: a copy sent meanwhile is busy,
    // not a settlement to follow (it would be served too when this one is).
    if (clock.instant().plus(pending.poll()).isBefore(deadline)) {
      CompletableFuture<Completion> next = new CompletableFuture<>();
      scheduler.schedule(
          () -> {
            try {
              settleOnce(paid, deadline)
                  .whenComplete(
                      (c, e) -> {
                        if (e != null) {
                          next.completeExceptionally(e);
                        } else {
                          next.complete(c);
                        }
                      });
            } catch (RuntimeException e) {
              next.completeExceptionally(e);
            }
          },
          pending.poll().toMillis(),
          TimeUnit.MILLISECONDS);
      return next;
    }
    replay.pending(paid);
    listeners.pending(paid, receipt, ErrorReason.SETTLEMENT_PENDING.wire(), null);
    return done(new Completion.Refuse(render.stillPending(paid, receipt)));
  }

  private static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
