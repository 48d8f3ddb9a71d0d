package io.x402j.client;

import io.x402j.core.Asset;
import io.x402j.core.Network;
import io.x402j.core.NetworkInfo;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.evm.EvmAddress;
import io.x402j.svm.SolanaAddress;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One way to pay for a discovered resource, priced for people: in dollars when the token is a USD
 * stablecoin the network registry knows by its address, else in whole tokens when the registry
 * knows the token, else in atomic units of the named asset. A catalog is written by others, so the
 * token is recognised by its canonical address only, never by a symbol in the entry.
 *
 * @param requirements the requirement, in the v2 form (translated for a v1 resource)
 * @param asset the token as the registry knows it, or {@code null}
 */
public record DiscoveredOffer(PaymentRequirements requirements, Asset asset) {

  /** Checks the fields. */
  public DiscoveredOffer {
    Objects.requireNonNull(requirements, "requirements");
  }

  /** Prices {@code requirements} with the tokens {@code networks} knows. */
  public static DiscoveredOffer of(PaymentRequirements requirements, NetworkRegistry networks) {
    return new DiscoveredOffer(
        requirements, knownAsset(networks, requirements.network(), requirements.asset()));
  }

  /** The amount in whole tokens, when the token is known. */
  public Optional<BigDecimal> tokens() {
    return asset == null
        ? Optional.empty()
        : Optional.of(requirements.amount().toUnits(asset.decimals()).stripTrailingZeros());
  }

  /** The amount in US dollars, when the token is a known USD stablecoin. */
  public Optional<BigDecimal> usd() {
    return asset != null && asset.usdStablecoin() ? tokens() : Optional.empty();
  }

  /** {@code $0.01}, {@code 0.5 WETH}, or {@code 10000 atomic units of 0x…}. */
  public String price() {
    Optional<BigDecimal> usd = usd();
    if (usd.isPresent()) {
      return "$" + usd.get().toPlainString();
    }
    return tokens()
        .map(t -> t.toPlainString() + " " + asset.symbol())
        .orElse(
            requirements.amount().value()
                + " atomic units of "
                + PlannedPayment.address(requirements.asset()));
  }

  /** The offer as JSON-ready values, for tools and {@code --json}. */
  public Map<String, Object> toMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("scheme", requirements.scheme());
    out.put("network", requirements.network().toString());
    out.put("price", price());
    out.put("amountAtomic", requirements.amount().value().toString());
    tokens().ifPresent(t -> out.put("amount", t.toPlainString() + " " + asset.symbol()));
    usd().ifPresent(u -> out.put("usd", "$" + u.toPlainString()));
    out.put("asset", requirements.asset());
    out.put("payTo", requirements.payTo());
    out.put("maxTimeoutSeconds", requirements.maxTimeoutSeconds());
    return out;
  }

  /** The registry's token of {@code network} at {@code address}, compared canonically. */
  static Asset knownAsset(NetworkRegistry networks, Network network, String address) {
    Optional<NetworkInfo> info = networks.find(network);
    if (info.isEmpty()) {
      return null;
    }
    for (Asset asset : info.get().assets()) {
      if (sameAddress(asset.address(), address)) {
        return asset;
      }
    }
    return null;
  }

  private static boolean sameAddress(String known, String given) {
    try {
      return EvmAddress.parse(known).equals(EvmAddress.parse(given));
    } catch (IllegalArgumentException e) {
      // not EVM
    }
    try {
      return SolanaAddress.parse(known).equals(SolanaAddress.parse(given));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
