package io.x402j.client;

import io.x402j.core.TokenAmount;
import java.util.Objects;
import java.util.Optional;

/**
 * What a paid request cost, as the payer counts it once the answer came: the amount authorised (the
 * ceiling of an {@code upto} payment, the amount of an {@code exact} one) and the amount charged
 * against spend controls.
 *
 * <p>For {@code upto} the charged amount is the {@code amount} of the server's settlement receipt
 * only when the chain confirms it (an {@link UptoSettlementCheck}, by default the {@link
 * Payer.Builder#evmRpcUrl} node of the network): the receipt's transaction succeeded, is the upto
 * proxy's {@code settle} of this very permit for that amount, carries the token's {@code Transfer}
 * of that amount from the payer to {@code payTo}, and the permit's Permit2 nonce is spent. The
 * seller's word alone never lowers a reserve: the seller may be the facilitator, and an unspent
 * permit lets it move the whole ceiling until the permit's deadline. Otherwise (no node, no
 * receipt, a failure, no amount, a 0 settlement which sends no transaction, a check that fails or
 * cannot be done) the payment keeps counting at its ceiling and {@link #why()} says why. A receipt
 * claiming more than the ceiling is not believed either: {@link #reportedAboveCeiling()} says so.
 * For {@code exact} the charged amount is always the amount authorised.
 *
 * @param scheme the scheme paid, e.g. {@code exact} or {@code upto}
 * @param authorized the most the signed payment allows, in atomic units
 * @param charged what counts against budgets and is in the spend log: at most {@code authorized}
 * @param reported the amount the server's receipt reported, or {@code null} when it reported none
 *     (kept for people; never counted when above {@code authorized})
 * @param why how {@code charged} was decided, for people (e.g. why a reported amount was not
 *     believed)
 * @param offerReceipt the check of the seller's signed offer and receipt ({@code offer-receipt}),
 *     or {@code null} when the seller signed neither
 */
public record Charge(
    String scheme,
    TokenAmount authorized,
    TokenAmount charged,
    TokenAmount reported,
    String why,
    OfferReceiptCheck offerReceipt) {
  /** Validates the fields. */
  public Charge {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(why, "why");
    Objects.requireNonNull(authorized, "authorized");
    Objects.requireNonNull(charged, "charged");
    if (charged.compareTo(authorized) > 0) {
      throw new IllegalArgumentException(
          "charged " + charged + " exceeds the authorised " + authorized);
    }
  }

  /** A charge without an offer-receipt check. */
  public Charge(
      String scheme,
      TokenAmount authorized,
      TokenAmount charged,
      TokenAmount reported,
      String why) {
    this(scheme, authorized, charged, reported, why, null);
  }

  /** This charge with {@code check} as its offer-receipt check. */
  public Charge withOfferReceipt(OfferReceiptCheck check) {
    return new Charge(scheme, authorized, charged, reported, why, check);
  }

  /**
   * The check of the seller's signed offer and receipt, when the 402 carried signed offers or the
   * answer a signed receipt.
   */
  public Optional<OfferReceiptCheck> offerReceiptCheck() {
    return Optional.ofNullable(offerReceipt);
  }

  /** A charge without a stated reason (kept for callers of the four-field form). */
  public Charge(String scheme, TokenAmount authorized, TokenAmount charged, TokenAmount reported) {
    this(scheme, authorized, charged, reported, "");
  }

  /** Whether the server's receipt claimed more than was authorised (and was not believed). */
  public boolean reportedAboveCeiling() {
    return reported != null && reported.compareTo(authorized) > 0;
  }

  /**
   * Whether the charged amount is the one the server reported (for {@code upto} below the ceiling:
   * confirmed on chain), not the ceiling by default.
   */
  public boolean confirmed() {
    return reported != null && reported.equals(charged);
  }

  /** The amount the server's receipt reported, if any. */
  public Optional<TokenAmount> reportedAmount() {
    return Optional.ofNullable(reported);
  }

  /** What is left of the ceiling: {@code authorized - charged}. */
  public TokenAmount released() {
    return TokenAmount.of(authorized.value().subtract(charged.value()));
  }
}
