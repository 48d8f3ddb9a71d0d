package io.x402j.spring;

import java.util.Objects;

/**
 * The price of a WebFlux functional route, the counterpart of {@link X402Price} for {@code
 * RouterFunction}s: put it on a route as the attribute {@value #ATTRIBUTE}, and the reactive
 * auto-configuration charges for that route. Unset fields take the defaults from {@code x402j.*}
 * properties.
 *
 * <pre>{@code
 * @Bean
 * RouterFunction<ServerResponse> api() {
 *   return RouterFunctions.route()
 *       .GET("/weather", request -> ServerResponse.ok().bodyValue(weather()))
 *       .withAttribute(X402RoutePrice.ATTRIBUTE, X402RoutePrice.of("$0.001"))
 *       .build();
 * }
 * }</pre>
 *
 * <p>The attribute may also be a plain string, the price. It applies to the one route it follows in
 * the builder ({@code withAttribute} after {@code GET}, {@code POST}, …), and holds behind the
 * builder's {@code filter}, {@code before} and {@code after}. On a nest ({@code path}, {@code
 * nest}) or on static resources it stops the application's start: price each route in the nest.
 *
 * @param value the price: {@code $0.001}, {@code 0.001 USDC}, or a whole number of atomic units;
 *     for {@code upto} the ceiling
 * @param scheme {@code exact} or {@code upto}
 * @param description what the resource is, or empty
 * @param mimeType the media type of the response, or empty
 * @param network the network (CAIP-2), or empty for {@code x402j.network}
 * @param payTo the recipient, or empty for {@code x402j.pay-to}
 * @param settleBeforeHandler settle before the handler runs, for handlers with side effects
 */
public record X402RoutePrice(
    String value,
    String scheme,
    String description,
    String mimeType,
    String network,
    String payTo,
    boolean settleBeforeHandler) {
  /** The route attribute that prices a functional route: {@code io.x402j.price}. */
  public static final String ATTRIBUTE = "io.x402j.price";

  /** Checks the fields; {@code null}s become the defaults. */
  public X402RoutePrice {
    Objects.requireNonNull(value, "value");
    scheme = scheme == null ? "exact" : scheme;
    description = description == null ? "" : description;
    mimeType = mimeType == null ? "" : mimeType;
    network = network == null ? "" : network;
    payTo = payTo == null ? "" : payTo;
  }

  /** An {@code exact} price with every other field from the defaults. */
  public static X402RoutePrice of(String value) {
    return new X402RoutePrice(value, "exact", "", "", "", "", false);
  }

  /** This price with {@code description}. */
  public X402RoutePrice description(String description) {
    return new X402RoutePrice(
        value, scheme, description, mimeType, network, payTo, settleBeforeHandler);
  }

  /** This price with {@code mimeType}. */
  public X402RoutePrice mimeType(String mimeType) {
    return new X402RoutePrice(
        value, scheme, description, mimeType, network, payTo, settleBeforeHandler);
  }

  /** This price on {@code network}. */
  public X402RoutePrice network(String network) {
    return new X402RoutePrice(
        value, scheme, description, mimeType, network, payTo, settleBeforeHandler);
  }

  /** This price paid to {@code payTo}. */
  public X402RoutePrice payTo(String payTo) {
    return new X402RoutePrice(
        value, scheme, description, mimeType, network, payTo, settleBeforeHandler);
  }

  /** This price in {@code scheme} ({@code exact} or {@code upto}). */
  public X402RoutePrice scheme(String scheme) {
    return new X402RoutePrice(
        value, scheme, description, mimeType, network, payTo, settleBeforeHandler);
  }

  /** This price, settled before the handler runs. */
  public X402RoutePrice settledBeforeHandler() {
    return new X402RoutePrice(value, scheme, description, mimeType, network, payTo, true);
  }
}
