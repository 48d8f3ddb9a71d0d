package io.x402j.spring.internal;

import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentOption;
import io.x402j.spring.X402jProperties;

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
    try {
      return PaidRoute.builder()
          .accept(
              PaymentOption.builder(resolved)
                  .price(price.strip())
                  .payTo(recipient.strip())
                  .maxTimeoutSeconds(properties.getMaxTimeoutSeconds())
                  .build())
          .description(description == null ? "" : description)
          .mimeType(mimeType == null ? "" : mimeType)
          .settleBeforeHandler(settleBeforeHandler)
          .build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
