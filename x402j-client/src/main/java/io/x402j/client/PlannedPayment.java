package io.x402j.client;

import io.x402j.core.Asset;
import io.x402j.core.TokenAmount;
import io.x402j.core.support.Text;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.PaymentRequirementsV1;
import io.x402j.evm.EvmAddress;
import io.x402j.svm.SolanaAddress;
import java.math.BigDecimal;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * A payment that would be, or was, made: which offered requirement, in which protocol version, and
 * what it is worth.
 *
 * @param x402Version the server's protocol version
 * @param url the resource paid for, as the server names it (for people; never trusted for limits)
 * @param host the canonical host of the URL that answered the 402, after redirects: per-host
 *     budgets are kept by it (lower case ASCII, punycode for international names, no trailing dot,
 *     no port)
 * @param requirements the requirement, in the v2 form (also for v1 servers)
 * @param v1Requirements the requirement as a v1 server offered it, or {@code null}
 * @param asset the token as the network registry knows it, or {@code null} when unknown
 */
public record PlannedPayment(
    int x402Version,
    URI url,
    String host,
    PaymentRequirements requirements,
    PaymentRequirementsV1 v1Requirements,
    Asset asset) {

  /** Checks the fields. */
  public PlannedPayment {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(requirements, "requirements");
  }

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

  /** {@code amount} of this payment's token in US dollars, when it is a known USD stablecoin. */
  Optional<BigDecimal> usdOf(TokenAmount amount) {
    return asset != null && asset.usdStablecoin()
        ? Optional.of(
            new BigDecimal(amount.value()).movePointLeft(asset.decimals()).stripTrailingZeros())
        : Optional.empty();
  }

  /** For people: {@code 0.01 USDC on eip155:84532 to 0x…}; server-given text is quoted. */
  public String describe() {
    String amount =
        tokens()
            .map(t -> t.toPlainString() + " " + asset.symbol())
            .orElse(
                requirements.amount().value()
                    + " atomic units of "
                    + address(requirements.asset()));
    return amount + " on " + requirements.network() + " to " + address(requirements.payTo());
  }

  /** An address in its canonical (checksummed) form, or the text quoted when it is none. */
  static String address(String text) {
    try {
      return EvmAddress.parse(text).toString();
    } catch (IllegalArgumentException e) {
      // not EVM: maybe a Solana address
    }
    try {
      return SolanaAddress.parse(text).toString();
    } catch (IllegalArgumentException e) {
      return Text.quote(text);
    }
  }
}
