package io.x402j.client;

import io.x402j.core.TokenAmount;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * One payment signed, as the spend log keeps it.
 *
 * @param at when it was signed
 * @param host the host paid
 * @param url the resource
 * @param network the network (CAIP-2)
 * @param asset the token
 * @param amount the amount in atomic units
 * @param usd its value in US dollars, or {@code null} when the token is not a known USD stablecoin
 * @param payTo the recipient
 */
public record Spend(
    Instant at,
    String host,
    String url,
    String network,
    String asset,
    TokenAmount amount,
    BigDecimal usd,
    String payTo) {
  /** Validates the fields. */
  public Spend {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(asset, "asset");
    Objects.requireNonNull(amount, "amount");
  }

  /** The spend of {@code payment} at {@code at}. */
  public static Spend of(PlannedPayment payment, Instant at) {
    return new Spend(
        at,
        payment.host(),
        payment.url().toString(),
        payment.requirements().network().toString(),
        payment.requirements().asset(),
        payment.requirements().amount(),
        payment.usd().orElse(null),
        payment.requirements().payTo());
  }
}
