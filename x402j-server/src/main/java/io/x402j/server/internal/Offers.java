package io.x402j.server.internal;

import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.Price;
import io.x402j.core.scheme.AssetAmount;
import io.x402j.core.scheme.SchemeRegistry;
import io.x402j.core.scheme.SchemeServer;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.PaymentRequirementsV1;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.evm.EvmAddress;
import io.x402j.server.GateRequest;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentOption;
import io.x402j.server.RouteResolver.ResolvedRoute;
import io.x402j.server.RouteTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Prices routes: turns a route's payment options into the requirements one request is offered, in
 * v2 and, where the route and network allow, v1. Also checks a route table up front, so a fixed
 * price or recipient that cannot work fails when the gate is built. Immutable. Not part of the
 * x402j API.
 */
public final class Offers {
  private final SchemeRegistry<SchemeServer> schemes;
  private final NetworkRegistry networks;

  /** Prices with the schemes' servers and the networks' names and tokens. */
  public Offers(SchemeRegistry<SchemeServer> schemes, NetworkRegistry networks) {
    this.schemes = Objects.requireNonNull(schemes, "schemes");
    this.networks = Objects.requireNonNull(networks, "networks");
  }

  /**
   * What {@code resolved} asks of {@code request}.
   *
   * @throws RuntimeException when an option cannot be priced (no scheme, a bad price or recipient)
   */
  public RouteOffer offer(ResolvedRoute resolved, GateRequest request) {
    PaidRoute route = resolved.route();
    String url = route.resource().orElse(request.url());
    List<OfferedPayment> payments = new ArrayList<>();
    for (PaymentOption option : route.accepts()) {
      PaymentRequirements requirement = requirement(option, request);
      Optional<String> v1Name = networks.v1Name(option.network());
      PaymentRequirementsV1 v1 =
          route.protocolV1() && v1Name.isPresent()
              ? v1Requirement(requirement, v1Name.get(), url, route, request.method())
              : null;
      payments.add(new OfferedPayment(requirement, v1));
    }
    return new RouteOffer(
        resolved, ResourceInfo.of(url, route.description(), route.mimeType()), payments);
  }

  /**
   * Checks every route of {@code table}: a v1-only route offers only networks with a v1 name, and
   * an option with a fixed price and recipient can be priced.
   *
   * @throws IllegalArgumentException naming the route whose price or recipient is unusable
   */
  public void check(RouteTable table) {
    List<String> patterns = table.patterns();
    List<PaidRoute> routes = table.routes();
    for (int i = 0; i < routes.size(); i++) {
      for (PaymentOption option : routes.get(i).accepts()) {
        if (!routes.get(i).protocolV2() && networks.v1Name(option.network()).isEmpty()) {
          throw new IllegalArgumentException(
              "route "
                  + patterns.get(i)
                  + " speaks protocol v1 only, but "
                  + option.network()
                  + " has no v1 name");
        }
        if (option.fixedPrice().isPresent() && option.fixedPayTo().isPresent()) {
          try {
            requirement(option, null);
          } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                "route " + patterns.get(i) + " (" + option + "): " + e.getMessage(), e);
          }
        }
      }
    }
  }

  /** The v2 requirements of {@code option} for {@code request} (null when checking up front). */
  private PaymentRequirements requirement(PaymentOption option, GateRequest request) {
    Network network = option.network();
    SchemeServer server =
        schemes
            .find(2, option.scheme(), network)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "no " + option.scheme() + " scheme is registered for " + network));
    Price price = Objects.requireNonNull(option.price(request), "the price function gave null");
    AssetAmount amount =
        option.asset().isPresent()
            ? server.parsePrice(price, network, option.asset().get())
            : server.parsePrice(price, network);
    String payTo = Objects.requireNonNull(option.payTo(request), "the payTo function gave null");
    if (network.isEvm()) {
      payTo = EvmAddress.parse(payTo).toString();
    }
    Map<String, Object> extra = new LinkedHashMap<>();
    if (amount.extra() != null) {
      extra.putAll(amount.extra());
    }
    extra.putAll(option.extra());
    PaymentRequirements requirement =
        PaymentRequirements.builder()
            .scheme(option.scheme())
            .network(network)
            .amount(amount.amount())
            .asset(amount.asset())
            .payTo(payTo)
            .maxTimeoutSeconds(option.maxTimeoutSeconds())
            .extra(extra)
            .build();
    return server.enhanceRequirements(requirement, null);
  }

  private static PaymentRequirementsV1 v1Requirement(
      PaymentRequirements r, String v1Name, String url, PaidRoute route, String method) {
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("type", "http");
    input.put("method", method);
    input.put("discoverable", true);
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("input", input);
    if (!route.outputSchema().isEmpty()) {
      schema.put("output", route.outputSchema());
    }
    PaymentRequirementsV1.Builder b =
        PaymentRequirementsV1.builder()
            .scheme(r.scheme())
            .network(v1Name)
            .maxAmountRequired(r.amount())
            .resource(url)
            .description(route.description())
            .mimeType(route.mimeType())
            .outputSchema(schema)
            .payTo(r.payTo())
            .maxTimeoutSeconds(r.maxTimeoutSeconds())
            .asset(r.asset());
    if (r.extra() != null) {
      r.extra().forEach(b::extra);
    }
    return b.build();
  }
}
