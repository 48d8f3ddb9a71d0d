package io.x402j.server.internal;

import io.x402j.core.ErrorReason;
import io.x402j.core.TokenAmount;
import io.x402j.core.facilitator.Facilitator;
import io.x402j.core.scheme.PaymentIdentity;
import io.x402j.core.scheme.SchemeRegistry;
import io.x402j.core.scheme.SchemeServer;
import io.x402j.core.support.Futures;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.server.GateRequest;
import io.x402j.server.GateResponse;
import io.x402j.server.PaymentEvent;
import io.x402j.server.PaymentOption;
import io.x402j.server.ReplayStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a matched payment may buy this request: identifies it from parsed values, takes
 * its replay-store entry (refusing one in use or used, resuming one whose settlement is pending),
 * and has a new one verified by the facilitator. The answer is an {@link Outcome}: admitted with
 * the entry held, or refused with the entry given back. Immutable and thread-safe. Not part of the
 * x402j API.
 */
public final class PaymentAdmission {
  private static final Logger LOG = LoggerFactory.getLogger(PaymentAdmission.class);

  /** What became of a matched payment. */
  public sealed interface Outcome {
    /** The payment may buy the request; its replay-store entry is held for {@code paid}. */
    record Admitted(PaidRequest paid) implements Outcome {
      /** Validates the field. */
      public Admitted {
        Objects.requireNonNull(paid, "paid");
      }
    }

    /** The payment is refused; answer with {@code response}. */
    record Refused(GateResponse response) implements Outcome {
      /** Validates the field. */
      public Refused {
        Objects.requireNonNull(response, "response");
      }
    }
  }

  private final Facilitator facilitator;
  private final SchemeRegistry<SchemeServer> schemes;
  private final ReplayStore store;
  private final ReplayRecorder replay;
  private final PaymentListeners listeners;
  private final ResponseRenderer render;
  private final Clock clock;
  private final IdempotentPayments ids;

  /**
   * Admits with these parts; {@code clock} times replay-store entries; {@code ids} (or {@code
   * null}) speaks the {@code payment-identifier} extension.
   */
  public PaymentAdmission(
      Facilitator facilitator,
      SchemeRegistry<SchemeServer> schemes,
      ReplayStore store,
      ReplayRecorder replay,
      PaymentListeners listeners,
      ResponseRenderer render,
      Clock clock,
      IdempotentPayments ids) {
    this.ids = ids;
    this.facilitator = facilitator;
    this.schemes = schemes;
    this.store = store;
    this.replay = replay;
    this.listeners = listeners;
    this.render = render;
    this.clock = clock;
  }

  /** Whether {@code match}, paid with {@code request} for {@code offer}, may buy it. */
  public CompletableFuture<Outcome> admit(
      GateRequest request, RouteOffer offer, PaymentMatch.Matched match) {
    int version = match.x402Version();
    PaymentEvent event = offer.event(request, version, match.requirements(), null);
    PaymentIdentity identity;
    try {
      // From parsed values, so a respelled copy is the same payment; a malformed one is refused
      // here, before it takes a replay-store entry or a facilitator call.
      identity = PaymentIds.identify(schemes, version, match.requirements(), match.payload());
    } catch (IllegalArgumentException e) {
      String reason = "invalid payment payload: " + e.getMessage();
      listeners.failure(event, reason, null);
      return done(new Outcome.Refused(render.refusal(offer, version, reason, null)));
    }
    String key = identity.id();
    // The whole payment, signature included: only the payment that started a pending settlement
    // may follow it (its identity alone is public once the transaction is sent).
    byte[] digest;
    try {
      digest = SettlementBinding.digest(match.payload() == null ? Map.of() : match.payload());
    } catch (IllegalArgumentException e) {
      String reason = "invalid payment payload: " + e.getMessage();
      listeners.failure(event, reason, null);
      return done(new Outcome.Refused(render.refusal(offer, version, reason, null)));
    }
    Instant expiry =
        PaymentIds.expiry(
            identity, clock.instant().plusSeconds(match.requirements().maxTimeoutSeconds() + 60L));
    IdempotentPayments.Check.Proceed id = IdempotentPayments.NONE;
    ReplayStore.Acquisition acquired;
    try {
      if (ids != null) {
        // Before the payment's own entry and before verification, as the specification asks: a
        // repeat of a settled payment can no longer be verified, and a conflict must cost nothing.
        IdempotentPayments.Check check = ids.check(offer, match, identity, expiry);
        if (check instanceof IdempotentPayments.Check.Answer answer) {
          listeners.failure(event, key, answer.reason(), null);
          return done(new Outcome.Refused(answer.response()));
        }
        id = (IdempotentPayments.Check.Proceed) check;
      }
      acquired = store.acquire(key, expiry, SettlementBinding.newId(digest));
    } catch (RuntimeException e) {
      unbound(id);
      // Without the store the gate cannot know the payment is unused: refuse, never risk twice.
      LOG.error("replay store unavailable: {}", e.getMessage());
      listeners.failure(event, key, "replay_store_unavailable", e);
      return done(
          new Outcome.Refused(
              render.error(503, "payments cannot be checked right now; try again shortly")));
    }
    switch (acquired.state()) {
      case BUSY:
        // Whichever request of an id took its binding, the one holding the payment runs it; an id
        // this request bound does not stay with a payment it did not buy with.
        unbound(id);
        if (id.id() != null) {
          IdempotentPayments.Check.Answer answer = ids.inProgress(id.id());
          listeners.failure(event, key, answer.reason(), null);
          return done(new Outcome.Refused(answer.response()));
        }
        listeners.failure(event, key, "payment_in_use", null);
        return done(
            new Outcome.Refused(
                render.refusal(
                    offer, version, "this payment is being used by another request", null)));
      case USED:
        unbound(id);
        if (id.repeat()) {
          // Settled, its receipt not (yet) kept under the id: say so, without a receipt.
          IdempotentPayments.Check.Answer answer = ids.used(id.id(), null);
          listeners.failure(event, key, answer.reason(), null);
          return done(new Outcome.Refused(answer.response()));
        }
        listeners.failure(event, key, "payment_already_used", null);
        return done(
            new Outcome.Refused(
                render.refusal(offer, version, "this payment has already been used", null)));
      case RESUMED:
        if (!SettlementBinding.startedBy(acquired.settlementId(), digest)) {
          // The same authorization with another signature (or other payload): not the payment
          // whose settlement is pending. Refused before its handler runs, and the entry is put
          // back for the payment that started it.
          replay.restorePending(key, acquired.settlementId(), acquired.settledAmount());
          unbound(id);
          listeners.failure(event, key, PENDING_ELSEWHERE, null);
          return done(
              new Outcome.Refused(
                  render.refusal(
                      offer,
                      version,
                      "this payment's settlement is pending; only the payment that started it"
                          + " can follow it",
                      null)));
        }
        // Verified before; its settlement was pending. Follow it rather than verify again: the
        // transaction may already have used the authorization.
        Outcome outcome =
            resumed(
                new PaidRequest(
                    request,
                    offer,
                    match,
                    key,
                    acquired.settlementId(),
                    true,
                    event,
                    id.idKey(),
                    id.fingerprint()),
                acquired.settledAmount());
        if (outcome instanceof Outcome.Refused) {
          unbound(id);
        }
        return done(outcome);
      case NEW:
      default:
        return verify(
            new PaidRequest(
                request,
                offer,
                match,
                key,
                acquired.settlementId(),
                false,
                event,
                id.idKey(),
                id.fingerprint()),
            id,
            expiry);
    }
  }

  /**
   * A resumed payment settles what its pending attempt settled. For {@code upto} that is the amount
   * stored with the entry, never the handler's statement when it runs again (usage differs from run
   * to run, and one attempt carrying two amounts is either refused by the facilitator as another
   * payment, while the first may be mined, or settled at whichever arrives first). Without a usable
   * stored amount the payment is refused, nothing is settled, and the entry stays pending.
   */
  private Outcome resumed(PaidRequest paid, TokenAmount stored) {
    PaymentRequirements offered = paid.match().requirements();
    if (!PaymentOption.UPTO.equals(offered.scheme())) {
      return new Outcome.Admitted(paid);
    }
    if (stored != null && !stored.isGreaterThan(offered.amount()) && paid.x402Version() == 2) {
      return new Outcome.Admitted(paid.withSettledAmount(stored));
    }
    replay.pending(paid, stored);
    LOG.error(
        "{} {}: a pending upto settlement cannot be resumed: the replay store holds {} for it"
            + " (offered ceiling {}); nothing was settled",
        paid.request().method(),
        paid.request().path(),
        stored == null ? "no settled amount" : "the amount " + stored,
        offered.amount());
    listeners.pending(paid, null, UNRESUMABLE, null);
    return new Outcome.Refused(
        render.error(
            503,
            "the pending settlement of this payment cannot be resumed here (its amount is not"
                + " known); nothing more was charged"));
  }

  /**
   * The reason listeners are told when a payment shares a pending payment's authorization but is
   * not the payment that started its settlement.
   */
  static final String PENDING_ELSEWHERE = "payment_pending_other_payload";

  /** The reason listeners are told when a pending upto settlement cannot be resumed. */
  static final String UNRESUMABLE = "pending_settlement_unresumable";

  /** Unbinds an id this request bound, when its payment bought nothing. */
  private void unbound(IdempotentPayments.Check.Proceed id) {
    if (ids != null) {
      ids.unbound(id);
    }
  }

  private CompletableFuture<Outcome> verify(
      PaidRequest paid, IdempotentPayments.Check.Proceed id, Instant expiry) {
    listeners.notify(l -> l.beforeVerify(paid.event()));
    return facilitator
        .verify(paid.match().request())
        .handle(
            (verdict, error) -> {
              if (error != null) {
                replay.released(paid);
                unbound(id);
                Throwable cause = Futures.unwrap(error);
                LOG.warn("verification failed: facilitator error: {}", cause.getMessage());
                listeners.failure(paid.event(), paid.key(), "facilitator_unreachable", cause);
                return new Outcome.Refused(
                    render.error(502, "the facilitator could not verify the payment"));
              }
              PaidRequest verified = paid.withPayer(verdict.payer());
              listeners.notify(l -> l.afterVerify(verified.event(), verdict));
              if (!verdict.isValid()) {
                replay.released(paid);
                unbound(id);
                String reason =
                    verdict.invalidReason() == null
                        ? ErrorReason.INVALID_PAYLOAD.wire()
                        : verdict.invalidReason();
                listeners.failure(verified.event(), verified.key(), reason, null);
                return new Outcome.Refused(
                    render.refusal(paid.offer(), paid.x402Version(), reason, verdict.payer()));
              }
              if (IdempotentPayments.payerMismatch(
                  id, paid.match().requirements(), verdict.payer())) {
                // The id was scoped by the payer the payment named; another verified payer must not
                // hold it (nor be served under it).
                replay.released(paid);
                unbound(id);
                IdempotentPayments.Check.Answer answer = ids.mismatch(id.id());
                listeners.failure(verified, answer.reason(), null);
                return new Outcome.Refused(answer.response());
              }
              if (id.idKey() != null) {
                // Verified as its payer's: the id's binding becomes this payment's for good, unless
                // another payment of the payer under the id verified first.
                IdempotentPayments.Check.Answer conflict;
                try {
                  conflict = ids.confirm(id, expiry);
                } catch (RuntimeException e) {
                  replay.released(paid);
                  unbound(id);
                  LOG.error("replay store unavailable: {}", e.getMessage());
                  listeners.failure(verified, "replay_store_unavailable", e);
                  return new Outcome.Refused(
                      render.error(503, "payments cannot be checked right now; try again shortly"));
                }
                if (conflict != null) {
                  replay.released(paid);
                  listeners.failure(verified, conflict.reason(), null);
                  return new Outcome.Refused(conflict.response());
                }
              }
              return new Outcome.Admitted(verified);
            });
  }

  private static CompletableFuture<Outcome> done(Outcome outcome) {
    return CompletableFuture.completedFuture(outcome);
  }
}
