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
import io.x402j.core.wire.SupportedKind;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.evm.EvmAddress;
import io.x402j.server.GateRequest;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentOption;
import io.x402j.server.RouteResolver.ResolvedRoute;
import io.x402j.server.RouteTable;
import io.x402j.svm.SolanaAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prices routes: turns a route's payment options into the requirements one request is offered, in
 * v2 and, where the route and network allow, v1. Also checks a route table up front, so a fixed
 * price or recipient that cannot work fails when the gate is built. Immutable. Not part of the
 * x402j API.
 */
public final class Offers {
  private static final Logger LOG = LoggerFactory.getLogger(Offers.class);

  private final SchemeRegistry<SchemeServer> schemes;
  private final NetworkRegistry networks;
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  /**
   * No option of a route can be offered now, because the facilitator's supported kinds lack what
   * their schemes need (a Solana fee payer); {@link #getMessage} says why, without a stack trace.
   */
  public static final class NoUsableOffer extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NoUsableOffer(String reason) {
      super(reason, null, false, false);
    }
  }

  /** Prices with the schemes' servers and the networks' names and tokens. */
  public Offers(SchemeRegistry<SchemeServer> schemes, NetworkRegistry networks) {
    this.schemes = Objects.requireNonNull(schemes, "schemes");
    this.networks = Objects.requireNonNull(networks, "networks");
  }

  /**
   * What {@code resolved} asks of {@code request}, for a route none of whose options needs the
   * facilitator's supported kinds (see {@link #needsSupportedKinds}).
   *
   * @throws RuntimeException when an option cannot be priced (no scheme, a bad price or recipient)
   */
  public RouteOffer offer(ResolvedRoute resolved, GateRequest request) {
    return offer(resolved, request, null);
  }

  /**
   * What {@code resolved} asks of {@code request}; {@code supported} is the facilitator's answer to
   * {@code /supported}, from which a scheme takes what it must add to its requirements (the fee
   * payer of exact on Solana).
   *
   * @throws RuntimeException when an option cannot be priced (no scheme, a bad price or recipient,
   *     or a supported kind the scheme needs that the facilitator does not list)
   */
  public RouteOffer offer(
      ResolvedRoute resolved, GateRequest request, SupportedResponse supported) {
    PaidRoute route = resolved.route();
    String url = route.resource().orElse(request.url());
    List<OfferedPayment> payments = new ArrayList<>();
    List<String> unusable = new ArrayList<>();
    for (PaymentOption option : route.accepts()) {
      SchemeServer server = server(option);
      PaymentRequirements priced = requirement(server, option, request);
      PaymentRequirements requirement;
      try {
        requirement = enhanced(server, priced, option, supported);
      } catch (RuntimeException e) {
        if (!server.needsSupportedKind()) {
          throw e;
        }
        String reason = option.network() + ": " + e.getMessage();
        if (warned.add(option.scheme() + " " + reason)) {
          LOG.warn(
              "route {} does not offer {} on {}: {}",
              resolved.pattern(),
              option.scheme(),
              option.network(),
              e.getMessage());
        }
        unusable.add(reason);
        continue;
      }
      Optional<String> v1Name = networks.v1Name(option.network());
      PaymentRequirementsV1 v1 =
          route.protocolV1()
                  && v1Name.isPresent()
                  && schemes.find(1, option.scheme(), option.network()).isPresent()
              ? v1Requirement(requirement, v1Name.get(), url, route, request.method())
              : null;
      payments.add(new OfferedPayment(requirement, v1, server.dynamicExtraFields()));
    }
    if (payments.isEmpty()) {
      throw new NoUsableOffer(
          "route "
              + resolved.pattern()
              + " has no payment option the facilitator can take now: "
              + String.join("; ", unusable));
    }
    return new RouteOffer(
        resolved,
        new ResourceInfo(
            url, route.description(), route.mimeType(), route.service().toResourceFields()),
        payments);
  }

  /**
   * Whether pricing {@code route} needs the facilitator's {@code /supported} answer: some option's
   * scheme takes data from it. Options whose scheme is not registered are left to fail in {@link
   * #offer}.
   */
  public boolean needsSupportedKinds(PaidRoute route) {
    for (PaymentOption option : route.accepts()) {
      Optional<SchemeServer> server = schemes.find(2, option.scheme(), option.network());
      if (server.isPresent() && server.get().needsSupportedKind()) {
        return true;
      }
    }
    return false;
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
            SchemeServer server = server(option);
            PaymentRequirements requirement = requirement(server, option, null);
            if (!server.needsSupportedKind()) {
              server.enhanceRequirements(requirement, null);
            }
          } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                "route " + patterns.get(i) + " (" + option + "): " + e.getMessage(), e);
          }
        }
      }
    }
  }

  private SchemeServer server(PaymentOption option) {
    return schemes
        .find(2, option.scheme(), option.network())
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no " + option.scheme() + " scheme is registered for " + option.network()));
  }

  /**
   * The v2 requirements of {@code option} for {@code request} (null when checking up front, which
   * leaves out what the facilitator's supported kinds would add).
   */
  private PaymentRequirements requirement(
      SchemeServer server, PaymentOption option, GateRequest request) {
    Network network = option.network();
    Price price = Objects.requireNonNull(option.price(request), "the price function gave null");
    AssetAmount amount =
        option.asset().isPresent()
            ? server.parsePrice(price, network, option.asset().get())
            : server.parsePrice(price, network);
    String payTo = Objects.requireNonNull(option.payTo(request), "the payTo function gave null");
    payTo = canonicalPayTo(network, payTo);
    Map<String, Object> extra = new LinkedHashMap<>();
    if (amount.extra() != null) {
      extra.putAll(amount.extra());
    }
    extra.putAll(option.extra());
    return PaymentRequirements.builder()
        .scheme(option.scheme())
        .network(network)
        .amount(amount.amount())
        .asset(amount.asset())
        .payTo(payTo)
        .maxTimeoutSeconds(option.maxTimeoutSeconds())
        .extra(extra)
        .build();
  }

  /** {@code requirement} with what the scheme adds from the facilitator's supported kind. */
  private static PaymentRequirements enhanced(
      SchemeServer server,
      PaymentRequirements requirement,
      PaymentOption option,
      SupportedResponse supported) {
    return server.enhanceRequirements(requirement, kind(supported, option));
  }

  /** The facilitator's v2 kind for the option's scheme and network, or null. */
  private static SupportedKind kind(SupportedResponse supported, PaymentOption option) {
    if (supported == null) {
      return null;
    }
    String network = option.network().toString();
    for (SupportedKind kind : supported.kinds()) {
      if (kind.x402Version() == 2
          && kind.scheme().equals(option.scheme())
          && kind.network().equals(network)) {
        return kind;
      }
    }
    return null;
  }

  /** The recipient as its network writes it, or an error naming it when it is no address there. */
  private static String canonicalPayTo(Network network, String payTo) {
    if (network.isEvm()) {
      return EvmAddress.parse(payTo).toString();
    }
    if (Network.SOLANA.equals(network.namespace())) {
      try {
        return SolanaAddress.parse(payTo).toString();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("payTo: " + e.getMessage(), e);
      }
    }
    return payTo;
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
