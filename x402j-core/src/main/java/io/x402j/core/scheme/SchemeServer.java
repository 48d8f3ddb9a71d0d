package io.x402j.core.scheme;

import io.x402j.core.Asset;
import io.x402j.core.Network;
import io.x402j.core.Price;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SupportedKind;
import java.util.Map;
import java.util.Set;

/**
 * The selling side of a payment scheme: turns a configured price into the amount, asset and {@code
 * extra} of a payment requirement for one network. Thread-safe.
 */
public interface SchemeServer {
  /** The scheme implemented, e.g. {@code exact}. */
  String scheme();

  /**
   * Resolves {@code price} on {@code network}: which token (the network's default when the price
   * does not name one) and how many atomic units.
   *
   * @throws IllegalArgumentException when the price cannot be charged on that network; the message
   *     quotes the price and the network
   */
  AssetAmount parsePrice(Price price, Network network);

  /**
   * Resolves {@code price} in a token given explicitly, for one the network registry does not know
   * or that is not the default.
   *
   * @throws IllegalArgumentException when the price cannot be charged in {@code asset} on {@code
   *     network}, or the scheme cannot charge in explicit assets (the default)
   */
  default AssetAmount parsePrice(Price price, Network network, Asset asset) {
    throw new IllegalArgumentException(
        "scheme " + scheme() + " cannot charge in an explicitly given asset");
  }

  /**
   * Adds what the facilitator needs to the requirement (for example a fee payer it advertised in
   * {@code /supported}). Returns the requirement unchanged by default.
   *
   * @param kind the facilitator's matching supported kind, or {@code null} when unknown
   */
  default PaymentRequirements enhanceRequirements(
      PaymentRequirements requirements, SupportedKind kind) {
    return requirements;
  }

  /**
   * Whether {@link #enhanceRequirements} needs the facilitator's supported kind for the scheme and
   * network (for exact on Solana: the fee payer the facilitator advertises). A gate then asks the
   * facilitator's {@code /supported} before it offers such a requirement, and refuses to offer one
   * when the facilitator lists no matching kind. Default {@code false}.
   */
  default boolean needsSupportedKind() {
    return false;
  }

  /**
   * The {@code extra} fields of this scheme's requirements that a payer may legitimately echo with
   * a different value than offered (for exact on Solana: {@code recentBlockhash} and {@code
   * lastValidBlockHeight}, hints that age between the offer and the payment). A gate leaves them
   * out when it matches a payment's {@code accepted} echo to its offer. Default: none.
   */
  default Set<String> dynamicExtraFields() {
    return Set.of();
  }

  /**
   * The identity of the payment {@code payload} makes for {@code requirements}, from its parsed
   * values, so that every spelling of one payment (letter case, {@code 0x} forms, key order) is one
   * payment to a replay guard. The default is {@link PaymentIdentity#ofJson}, a digest of the
   * payload's canonical JSON; a scheme that can parse its payload should override it.
   *
   * @param x402Version the protocol version the payment was sent in
   * @param requirements the requirements the payment was matched to (v2 form)
   * @param payload the payment's {@code payload}
   * @throws IllegalArgumentException naming the field, when the payload is malformed for the scheme
   *     (for example a hex value with a non-ASCII digit)
   */
  default PaymentIdentity identify(
      int x402Version, PaymentRequirements requirements, Map<String, Object> payload) {
    return PaymentIdentity.ofJson(requirements.scheme(), requirements.network(), payload);
  }
}
