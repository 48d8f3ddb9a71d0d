package io.x402j.spring.internal;

import io.x402j.core.Asset;
import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.support.Text;
import io.x402j.evm.EvmAddress;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentOption;
import io.x402j.spring.X402jProperties;
import io.x402j.svm.SolanaAddress;
import java.util.Optional;

/** Builds routes with the defaults of {@code x402j.*}. Not part of the x402j API. */
public final class RouteFactory {
  private final X402jProperties properties;
  private final NetworkRegistry networks;

  /** A factory with these defaults. */
  public RouteFactory(X402jProperties properties, NetworkRegistry networks) {
    this.properties = properties;
    this.networks = networks;
  }

  /**
   * A route; blank network and payTo take the defaults.
   *
   * @throws IllegalArgumentException naming what is missing or wrong, for {@code where}
   */
  public PaidRoute route(
      String where,
      String price,
      String description,
      String mimeType,
      String network,
      String payTo,
      boolean settleBeforeHandler) {
    String networkText = blank(network) ? properties.getNetwork() : network;
    String recipient = blank(payTo) ? properties.getPayTo() : payTo;
    if (blank(price)) {
      throw new IllegalArgumentException(where + " has no price");
    }
    if (blank(networkText)) {
      throw new IllegalArgumentException(
          where + " has no network: set x402j.network or give it on the route");
    }
    if (blank(recipient)) {
      throw new IllegalArgumentException(
          where + " has no recipient: set x402j.pay-to or give it on the route");
    }
    Network resolved;
    try {
      resolved = networks.resolve(networkText.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
    checkRecipient(where, blank(payTo) ? "x402j.pay-to" : "payTo", recipient.strip(), resolved);
    try {
      PaymentOption.Builder option =
          PaymentOption.builder(resolved)
              .price(price.strip())
              .payTo(recipient.strip())
              .maxTimeoutSeconds(properties.getMaxTimeoutSeconds());
      if (!blank(properties.getAsset()) && resolved.equals(defaultNetwork())) {
        option.asset(asset(resolved));
      }
      return PaidRoute.builder()
          .accept(option.build())
          .description(description == null ? "" : description)
          .mimeType(mimeType == null ? "" : mimeType)
          .settleBeforeHandler(settleBeforeHandler)
          .build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  /** Checks {@code recipient} is an address of {@code network}'s family, naming the setting. */
  private static void checkRecipient(
      String where, String setting, String recipient, Network network) {
    boolean solana = Network.SOLANA.equals(network.namespace());
    if (!solana && !network.isEvm()) {
      return;
    }
    try {
      if (solana) {
        SolanaAddress.parse(recipient);
      } else {
        EvmAddress.parse(recipient);
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          where
              + ": "
              + setting
              + " must be "
              + (solana ? "a base58 Solana address" : "an address (0x and 40 hex digits)")
              + " on "
              + network
              + ", got "
              + Text.quote(recipient)
              + " ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  /** {@code x402j.network} resolved, or null when it is not set or not a network. */
  private Network defaultNetwork() {
    try {
      return blank(properties.getNetwork())
          ? null
          : networks.resolve(properties.getNetwork().strip());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * {@code x402j.asset} on {@code network}: a mint on Solana (decimals known or given, no EIP-712
   * domain), a token address elsewhere (EIP-712 name and version known or given).
   */
  private Asset asset(Network network) {
    String text = properties.getAsset().strip();
    boolean solana = Network.SOLANA.equals(network.namespace());
    String address;
    try {
      address = solana ? SolanaAddress.parse(text).toString() : EvmAddress.parse(text).toString();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "x402j.asset must be "
              + (solana ? "a base58 mint" : "a token address (0x and 40 hex digits)")
              + " on "
              + network
              + ": "
              + e.getMessage(),
          e);
    }
    Optional<Asset> known = networks.findAsset(network, address);
    Integer decimals =
        properties.getAssetDecimals() != null
            ? properties.getAssetDecimals()
            : known.map(Asset::decimals).orElse(null);
    String symbol = known.map(Asset::symbol).orElse("TOKEN");
    boolean usd =
        known.map(Asset::usdStablecoin).orElse(false) || properties.getAssetDecimals() != null;
    if (solana) {
      if (properties.getAssetName() != null || properties.getAssetVersion() != null) {
        throw new IllegalArgumentException(
            "x402j.asset-name and x402j.asset-version are EVM settings; a Solana mint has none");
      }
      if (decimals == null) {
        throw new IllegalArgumentException(
            "x402j.asset "
                + address
                + " is not known on "
                + network
                + ": set x402j.asset-decimals");
      }
      return new Asset(address, symbol, decimals, null, null, usd);
    }
    String name =
        properties.getAssetName() != null
            ? properties.getAssetName()
            : known.map(Asset::eip712Name).orElse(null);
    String version =
        properties.getAssetVersion() != null
            ? properties.getAssetVersion()
            : known.map(Asset::eip712Version).orElse(null);
    if (name == null || version == null) {
      throw new IllegalArgumentException(
          "x402j.asset "
              + address
              + " is not known on "
              + network
              + ": set x402j.asset-name and x402j.asset-version");
    }
    return new Asset(address, symbol, decimals == null ? 0 : decimals, name, version, usd);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
