package io.x402j.spring.internal;

import io.x402j.core.Asset;
import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.Price;
import io.x402j.core.support.Text;
import io.x402j.evm.EvmAddress;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentOption;
import io.x402j.spring.X402jProperties;
import io.x402j.svm.SolanaAddress;
import java.util.ArrayList;
import java.util.List;
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
      boolean settleBeforeHandler,
      String scheme) {
    String schemeName = blank(scheme) ? "exact" : scheme.strip();
    if (!schemeName.equals("exact") && !schemeName.equals(PaymentOption.UPTO)) {
      throw new IllegalArgumentException(
          where + ": scheme must be exact or upto, got " + Text.quote(scheme));
    }
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
              .scheme(schemeName)
              .price(price.strip())
              .payTo(recipient.strip())
              .maxTimeoutSeconds(properties.getMaxTimeoutSeconds());
      Asset token = null;
      if (!blank(properties.getAsset()) && resolved.equals(defaultNetwork())) {
        token =
            asset(
                "x402j.asset",
                resolved,
                properties.getAsset(),
                properties.getAssetDecimals(),
                properties.getAssetName(),
                properties.getAssetVersion());
        option.asset(token);
      }
      PaidRoute.Builder route =
          PaidRoute.builder()
              .accept(option.build())
              .description(description == null ? "" : description)
              .mimeType(mimeType == null ? "" : mimeType)
              .settleBeforeHandler(settleBeforeHandler);
      List<String> decimals = new ArrayList<>();
      noteDecimals(decimals, resolved, token);
      List<X402jProperties.Offer> also = properties.getAlsoAccept();
      for (int i = 0; i < also.size(); i++) {
        String setting = "x402j.also-accept[" + i + "]";
        Network other = offerNetwork(setting, also.get(i));
        if (other.equals(resolved)) {
          continue;
        }
        Asset otherToken = offerAsset(setting, other, also.get(i));
        noteDecimals(decimals, other, otherToken);
        PaymentOption.Builder extra =
            PaymentOption.builder(other)
                .scheme(schemeName)
                .price(price.strip())
                .payTo(also.get(i).getPayTo().strip())
                .maxTimeoutSeconds(properties.getMaxTimeoutSeconds());
        if (otherToken != null) {
          extra.asset(otherToken);
        }
        route.accept(extra.build());
      }
      if (Price.parse(price.strip()).unit() == Price.Unit.ATOMIC
          && decimals.stream().map(d -> d.substring(d.lastIndexOf(' ') + 1)).distinct().count()
              > 1) {
        throw new IllegalArgumentException(
            "the price "
                + Text.quote(price.strip())
                + " is in atomic units, but the offered tokens have different decimals ("
                + String.join(", ", decimals)
                + "), so it would mean different amounts; give the price in dollars, e.g. $0.001");
      }
      return route.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  /** Notes "network symbol decimals" of the token offered on {@code network}, when known. */
  private void noteDecimals(List<String> notes, Network network, Asset token) {
    Asset a = token != null ? token : networks.defaultAsset(network).orElse(null);
    if (a != null) {
      notes.add(network + " " + a.symbol() + " " + a.decimals());
    }
  }

  /**
   * Checks every {@code x402j.also-accept[i]} entry, so a mistake stops the start naming it.
   *
   * @throws IllegalArgumentException naming the entry's index and key
   */
  public void checkAlsoAccept() {
    List<X402jProperties.Offer> also = properties.getAlsoAccept();
    List<Network> offered = new ArrayList<>();
    for (int i = 0; i < also.size(); i++) {
      String setting = "x402j.also-accept[" + i + "]";
      Network network = offerNetwork(setting, also.get(i));
      offerAsset(setting, network, also.get(i));
      if (network.equals(defaultNetwork()) || offered.contains(network)) {
        throw new IllegalArgumentException(
            setting + ".network: " + network + " is already offered; give each network once");
      }
      offered.add(network);
    }
  }

  private Network offerNetwork(String setting, X402jProperties.Offer offer) {
    if (blank(offer.getNetwork())) {
      throw new IllegalArgumentException(setting + ".network is not set");
    }
    Network network;
    try {
      network = networks.resolve(offer.getNetwork().strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(setting + ".network: " + e.getMessage(), e);
    }
    if (blank(offer.getPayTo())) {
      throw new IllegalArgumentException(setting + ".pay-to is not set");
    }
    checkRecipient(setting, setting + ".pay-to", offer.getPayTo().strip(), network);
    return network;
  }

  private Asset offerAsset(String setting, Network network, X402jProperties.Offer offer) {
    if (blank(offer.getAsset())) {
      if (offer.getAssetDecimals() != null
          || offer.getAssetName() != null
          || offer.getAssetVersion() != null) {
        throw new IllegalArgumentException(
            setting + ": asset-decimals, asset-name and asset-version need " + setting + ".asset");
      }
      if (networks.defaultAsset(network).isEmpty()) {
        throw new IllegalArgumentException(
            setting + ": " + network + " has no default token; set " + setting + ".asset");
      }
      return null;
    }
    return asset(
        setting + ".asset",
        network,
        offer.getAsset(),
        offer.getAssetDecimals(),
        offer.getAssetName(),
        offer.getAssetVersion());
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
  private Asset asset(
      String setting,
      Network network,
      String assetText,
      Integer assetDecimals,
      String assetName,
      String assetVersion) {
    String text = assetText.strip();
    boolean solana = Network.SOLANA.equals(network.namespace());
    String address;
    try {
      address = solana ? SolanaAddress.parse(text).toString() : EvmAddress.parse(text).toString();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          setting
              + " must be "
              + (solana ? "a base58 mint" : "a token address (0x and 40 hex digits)")
              + " on "
              + network
              + ": "
              + e.getMessage(),
          e);
    }
    Optional<Asset> known = networks.findAsset(network, address);
    Integer decimals =
        assetDecimals != null ? assetDecimals : known.map(Asset::decimals).orElse(null);
    String symbol = known.map(Asset::symbol).orElse("TOKEN");
    boolean usd = known.map(Asset::usdStablecoin).orElse(false) || assetDecimals != null;
    if (solana) {
      if (assetName != null || assetVersion != null) {
        throw new IllegalArgumentException(
            setting + "-name and " + setting + "-version are EVM settings; a Solana mint has none");
      }
      if (decimals == null) {
        throw new IllegalArgumentException(
            setting
                + " "
                + address
                + " is not known on "
                + network
                + ": set its decimals ("
                + setting
                + "-decimals)");
      }
      return new Asset(address, symbol, decimals, null, null, usd);
    }
    String name = assetName != null ? assetName : known.map(Asset::eip712Name).orElse(null);
    String version =
        assetVersion != null ? assetVersion : known.map(Asset::eip712Version).orElse(null);
    if (name == null || version == null) {
      throw new IllegalArgumentException(
          setting
              + " "
              + address
              + " is not known on "
              + network
              + ": set its EIP-712 name and version ("
              + setting
              + "-name, "
              + setting
              + "-version)");
    }
    return new Asset(address, symbol, decimals == null ? 0 : decimals, name, version, usd);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
