package io.x402j.evm;

import io.x402j.core.Asset;
import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.Price;
import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.AssetAmount;
import io.x402j.core.scheme.PaymentIdentity;
import io.x402j.core.scheme.SchemeServer;
import io.x402j.core.support.Text;
import io.x402j.core.wire.PaymentRequirements;
import java.math.BigInteger;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Prices exact-scheme requirements on EVM networks: resolves a {@link Price} to a token of the
 * network (the one the price names by symbol, else the default, USDC on public networks) and puts
 * the token's EIP-712 {@code name} and {@code version} in {@code extra}, as payers need them to
 * sign. A payment's identity is its token, payer and authorization nonce as parsed values (see
 * {@link #identify}). Thread-safe.
 */
public final class ExactEvmServer implements SchemeServer {
  private final NetworkRegistry networks;

  /** A server pricing with the tokens of {@code networks}. */
  public ExactEvmServer(NetworkRegistry networks) {
    this.networks = Objects.requireNonNull(networks, "networks");
  }

  @Override
  public String scheme() {
    return "exact";
  }

  /**
   * Resolves {@code price} on {@code network}.
   *
   * @throws IllegalArgumentException when the network is unknown, has no such token, or the price
   *     cannot be charged in it
   */
  @Override
  public AssetAmount parsePrice(Price price, Network network) {
    if (!network.isEvm()) {
      throw new IllegalArgumentException("network " + network + " is not an EVM network");
    }
    Asset asset;
    if (price.symbol().isPresent()) {
      String symbol = price.symbol().get();
      asset =
          networks
              .findAsset(network, symbol)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "price "
                              + Text.quote(price.toString())
                              + " names "
                              + symbol
                              + ", which is not a known token on "
                              + network));
    } else {
      asset =
          networks
              .defaultAsset(network)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "network "
                              + network
                              + " has no default token; give the asset explicitly"));
    }
    return forAsset(price, asset);
  }

  /**
   * Resolves {@code price} in {@code asset} on an EVM network; a bare whole number is atomic units.
   *
   * @throws IllegalArgumentException when the network is not EVM, the asset address is not an
   *     address, or the price cannot be charged in the asset
   */
  @Override
  public AssetAmount parsePrice(Price price, Network network, Asset asset) {
    if (!network.isEvm()) {
      throw new IllegalArgumentException("network " + network + " is not an EVM network");
    }
    EvmAddress.parse(asset.address());
    return forAsset(price, asset);
  }

  /**
   * The identity of an exact-scheme EVM payment: the network, the token, the payer ({@code
   * authorization.from}) and the authorization nonce, which is what the token itself allows to be
   * used once. All are parsed (ASCII hex only) and written in lower case, so spellings that differ
   * in letter case are one payment and spellings with non-ASCII digits are refused. The payment is
   * acceptable until the authorization's {@code validBefore}.
   *
   * @throws IllegalArgumentException naming the field when the payload is malformed, e.g. {@code
   *     payload.authorization.nonce: value '0x…' contains a non-ASCII character U+FF11 at index 9}
   */
  @Override
  public PaymentIdentity identify(
      int x402Version, PaymentRequirements requirements, Map<String, Object> payload) {
    ExactEvmPayload parsed = ExactEvmPayload.fromMap(payload);
    EvmAddress asset;
    try {
      asset = EvmAddress.parse(requirements.asset());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("requirements.asset: " + e.getMessage(), e);
    }
    Eip3009Authorization a = parsed.authorization();
    String id =
        String.join(
            "|",
            scheme(),
            requirements.network().toString(),
            asset.toLowerHex(),
            a.from().toLowerHex(),
            a.nonce().toString());
    return new PaymentIdentity(id, instant(a.validBefore()));
  }

  private static Instant instant(BigInteger epochSeconds) {
    BigInteger max = BigInteger.valueOf(Instant.MAX.getEpochSecond());
    return epochSeconds.compareTo(max) > 0
        ? Instant.MAX
        : Instant.ofEpochSecond(epochSeconds.longValueExact());
  }

  /** The amount and {@code extra} of {@code price} charged in {@code asset}. */
  public static AssetAmount forAsset(Price price, Asset asset) {
    TokenAmount amount = price.toAtomic(asset);
    Map<String, Object> extra = new LinkedHashMap<>();
    if (asset.hasEip712Domain()) {
      extra.put("name", asset.eip712Name());
      extra.put("version", asset.eip712Version());
    }
    return new AssetAmount(asset.address(), amount, extra);
  }
}
