package io.x402j.client;

import io.x402j.core.TokenAmount;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * One payment signed, as the spend log keeps it.
 *
 * <p>For an {@code upto} payment the buyer signs a ceiling and the seller charges what was used:
 * the spend is recorded at the ceiling before signing (a reserve, so budgets can never be
 * overspent), and lowered to the amount the server's receipt says was settled only when the chain
 * confirms that settlement (see {@link Payer#paid(PaymentAuthorization, int,
 * io.x402j.core.wire.SettleResponse)} and {@link Charge}); otherwise it keeps counting at its
 * ceiling. {@code ceiling} keeps what was authorised.
 *
 * @param at when it was signed
 * @param host the host paid
 * @param url the resource
 * @param network the network (CAIP-2)
 * @param asset the token
 * @param amount the amount in atomic units that counts against budgets: what was paid, or for an
 *     {@code upto} payment whose settled amount is not known, its ceiling
 * @param usd the value of {@code amount} in US dollars, or {@code null} when the token is not a
 *     known USD stablecoin
 * @param payTo the recipient
 * @param ceiling the most the signed payment allows, in atomic units: {@code amount} for {@code
 *     exact}, the ceiling signed for {@code upto}; never less than {@code amount}
 */
public record Spend(
    Instant at,
    String host,
    String url,
    String network,
    String asset,
    TokenAmount amount,
    BigDecimal usd,
    String payTo,
    TokenAmount ceiling) {
  /** Validates the fields. */
  public Spend {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(asset, "asset");
    Objects.requireNonNull(amount, "amount");
    if (ceiling == null) {
      ceiling = amount;
    }
    if (amount.compareTo(ceiling) > 0) {
      throw new IllegalArgumentException(
          "a spend of " + amount + " cannot exceed its ceiling of " + ceiling);
    }
  }

  /** A spend whose ceiling is its amount (an {@code exact} payment). */
  public Spend(
      Instant at,
      String host,
      String url,
      String network,
      String asset,
      TokenAmount amount,
      BigDecimal usd,
      String payTo) {
    this(at, host, url, network, asset, amount, usd, payTo, amount);
  }

  /**
   * The spend of {@code payment} at {@code at}, at the amount of its requirement (the ceiling of an
   * {@code upto} offer).
   */
  public static Spend of(PlannedPayment payment, Instant at) {
    return new Spend(
        at,
        payment.host(),
        payment.url().toString(),
        payment.requirements().network().toString(),
        payment.requirements().asset(),
        payment.requirements().amount(),
        payment.usd().orElse(null),
        payment.requirements().payTo(),
        payment.requirements().amount());
  }

  /** Whether less than the ceiling counts: an {@code upto} payment charged below its ceiling. */
  public boolean belowCeiling() {
    return amount.compareTo(ceiling) < 0;
  }

  /** This spend counting {@code charged} (at most the ceiling) worth {@code usd} instead. */
  Spend charged(TokenAmount charged, BigDecimal chargedUsd) {
    return new Spend(at, host, url, network, asset, charged, chargedUsd, payTo, ceiling);
  }
}
