package io.x402j.server.internal;

import io.x402j.core.TokenAmount;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.VerifyRequest;
import io.x402j.server.GateRequest;
import io.x402j.server.PaymentEvent;
import java.util.Objects;

/**
 * Everything known about one paid request once its payment holds a replay-store entry: what was
 * offered and matched, the payment's identity, the settlement attempt it belongs to, and the event
 * the listeners see. Immutable. Not part of the x402j API.
 *
 * @param request the request
 * @param offer what its route offered it
 * @param match the payment, matched to one offered option
 * @param key the payment's identity in the replay store
 * @param settlementId this gate's settlement attempt for the payment
 * @param resumed whether this continues a settlement that went pending earlier (it may already have
 *     moved the money)
 * @param event what the listeners are told, with the payer once the facilitator named one
 * @param paymentIdKey the replay-store key of the payment's {@code payment-identifier} id, or
 *     {@code null} when none is kept for it
 * @param paymentIdFingerprint the fingerprint the id is bound to, or {@code null} with no id
 */
public record PaidRequest(
    GateRequest request,
    RouteOffer offer,
    PaymentMatch.Matched match,
    String key,
    String settlementId,
    boolean resumed,
    PaymentEvent event,
    String paymentIdKey,
    String paymentIdFingerprint) {
  /** Validates the fields. */
  public PaidRequest {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(offer, "offer");
    Objects.requireNonNull(match, "match");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(settlementId, "settlementId");
    Objects.requireNonNull(event, "event");
  }

  /** A paid request without a payment identifier. */
  public PaidRequest(
      GateRequest request,
      RouteOffer offer,
      PaymentMatch.Matched match,
      String key,
      String settlementId,
      boolean resumed,
      PaymentEvent event) {
    this(request, offer, match, key, settlementId, resumed, event, null, null);
  }

  /** The protocol version of the payment. */
  public int x402Version() {
    return match.x402Version();
  }

  /**
   * This paid request settling {@code amount} instead of the offered amount (an {@code upto}
   * payment's actual charge): the facilitator's {@code /settle} carries requirements whose {@code
   * amount} is {@code amount}. Only for v2 payments; the caller checked it is within the ceiling.
   */
  public PaidRequest withSettledAmount(TokenAmount amount) {
    if (!(match.request() instanceof VerifyRequest v2)) {
      throw new IllegalStateException("only a protocol v2 payment can settle another amount");
    }
    PaymentRequirements settled = v2.paymentRequirements().toBuilder().amount(amount).build();
    VerifyRequest request = new VerifyRequest(v2.paymentPayload(), settled, v2.additionalFields());
    return new PaidRequest(
        this.request,
        offer,
        new PaymentMatch.Matched(match.x402Version(), settled, request, match.payload()),
        key,
        settlementId,
        resumed,
        event,
        paymentIdKey,
        paymentIdFingerprint);
  }

  /** This paid request with {@code payer} in its event. */
  public PaidRequest withPayer(String payer) {
    return new PaidRequest(
        request,
        offer,
        match,
        key,
        settlementId,
        resumed,
        new PaymentEvent(
            event.method(),
            event.path(),
            event.route(),
            event.x402Version(),
            event.requirements(),
            payer),
        paymentIdKey,
        paymentIdFingerprint);
  }
}
