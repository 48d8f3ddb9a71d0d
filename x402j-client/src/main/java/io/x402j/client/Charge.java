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
 * when the receipt reports success with an amount within the ceiling. Without such a receipt (none,
 * unreadable, a failure, no amount) the payment keeps counting at its ceiling: the signed permit
 * allows that much until it expires. A receipt claiming more than the ceiling is not believed
 * either: the payment counts at its ceiling and {@link #reportedAboveCeiling()} says so (the chain
 * cannot move more than the ceiling the buyer signed). For {@code exact} the charged amount is
 * always the amount authorised.
 *
 * @param scheme the scheme paid, e.g. {@code exact} or {@code upto}
 * @param authorized the most the signed payment allows, in atomic units
 * @param charged what counts against budgets and is in the spend log: at most {@code authorized}
 * @param reported the amount the server's receipt reported, or {@code null} when it reported none
 *     (kept for people; never counted when above {@code authorized})
 */
public record Charge(
    String scheme, TokenAmount authorized, TokenAmount charged, TokenAmount reported) {
  /** Validates the fields. */
  public Charge {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(authorized, "authorized");
    Objects.requireNonNull(charged, "charged");
    if (charged.compareTo(authorized) > 0) {
      throw new IllegalArgumentException(
          "charged " + charged + " exceeds the authorised " + authorized);
    }
  }

  /** Whether the server's receipt claimed more than was authorised (and was not believed). */
  public boolean reportedAboveCeiling() {
    return reported != null && reported.compareTo(authorized) > 0;
  }

  /** Whether the charged amount is the one the server reported (not the ceiling by default). */
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
