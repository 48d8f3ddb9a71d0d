package io.x402j.client;

import io.x402j.core.Asset;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.PaymentRequirementsV1;
import java.math.BigDecimal;
import java.net.URI;
import java.util.Optional;

/**
 * A payment that would be, or was, made: which offered requirement, in which protocol version, and
 * what it is worth.
 *
 * @param x402Version the server's protocol version
 * @param url the resource paid for
 * @param requirements the requirement, in the v2 form (also for v1 servers)
 * @param v1Requirements the requirement as a v1 server offered it, or {@code null}
 * @param asset the token as the network registry knows it, or {@code null} when unknown
 */
public record PlannedPayment(
    int x402Version,
    URI url,
    PaymentRequirements requirements,
    PaymentRequirementsV1 v1Requirements,
    Asset asset) {

  /** The amount in whole tokens, when the token's decimals are known. */
  public Optional<BigDecimal> tokens() {
    if (asset == null) {
      return Optional.empty();
    }
    return Optional.of(
        new BigDecimal(requirements.amount().value())
            .movePointLeft(asset.decimals())
            .stripTrailingZeros());
  }

  /** The amount in US dollars, when the token is a known USD stablecoin. */
  public Optional<BigDecimal> usd() {
    return asset != null && asset.usdStablecoin() ? tokens() : Optional.empty();
  }

  /** The host paid, lower case. */
  public String host() {
    return url.getHost() == null ? "" : url.getHost().toLowerCase(java.util.Locale.ROOT);
  }

  /** For people: {@code 0.01 USDC on eip155:84532 to 0x…}. */
  public String describe() {
    String amount =
        tokens()
            .map(t -> t.toPlainString() + " " + asset.symbol())
            .orElse(requirements.amount().value() + " atomic units of " + requirements.asset());
    return amount + " on " + requirements.network() + " to " + requirements.payTo();
  }
}
