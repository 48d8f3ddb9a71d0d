package io.x402j.spring.internal;

import io.x402j.core.NetworkRegistry;
import io.x402j.core.facilitator.Facilitator;
import io.x402j.core.facilitator.FacilitatorAuth;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.server.GateExtension;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.PaymentListener;
import io.x402j.server.PaywallOptions;
import io.x402j.server.PendingSettlement;
import io.x402j.server.ReplayStore;
import io.x402j.server.RouteResolver;
import io.x402j.server.RouteTable;
import io.x402j.server.SalesRecord;
import io.x402j.spring.X402jProperties;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;

/**
 * What the servlet and the reactive auto-configurations share: the facilitator client and the gate
 * built from {@code x402j.*} properties, the configured routes first, then the framework's
 * annotated (or attributed) handlers. Not part of the x402j API.
 */
public final class GateAssembly {
  private GateAssembly() {}

  /** The facilitator at {@code x402j.facilitator-url}. */
  public static Facilitator facilitator(X402jProperties properties) {
    String url = properties.getFacilitatorUrl();
    if (url == null || url.isBlank()) {
      throw new IllegalStateException(
          "x402j.facilitator-url is not set (or define a io.x402j.core.facilitator.Facilitator"
              + " bean)");
    }
    HttpFacilitatorClient.Builder b = HttpFacilitatorClient.builder(url.strip());
    if (properties.getFacilitatorToken() != null && !properties.getFacilitatorToken().isBlank()) {
      b.auth(FacilitatorAuth.bearer(properties.getFacilitatorToken().strip()));
    }
    return b.build();
  }

  /**
   * The gate: routes from {@code x402j.routes} first, then those {@code handlers} finds.
   *
   * @param handlers the framework's priced handlers, given the route factory
   */
  public static PaymentGate gate(
      X402jProperties properties,
      Facilitator facilitator,
      NetworkRegistry networks,
      Function<RouteFactory, RouteResolver> handlers,
      ObjectProvider<PaymentListener> listeners,
      ObjectProvider<ReplayStore> replayStore,
      ObjectProvider<GateExtension> extensions,
      ObjectProvider<SalesRecord> salesRecord) {
    RouteFactory factory = new RouteFactory(properties, networks);
    factory.checkAlsoAccept();
    RouteTable.Builder table = RouteTable.builder();
    for (int i = 0; i < properties.getRoutes().size(); i++) {
      X402jProperties.Route r = properties.getRoutes().get(i);
      String where = "x402j.routes[" + i + "]";
      if (r.getPattern() == null || r.getPattern().isBlank()) {
        throw new IllegalArgumentException(where + " has no pattern");
      }
      try {
        PaidRoute route =
            factory.route(
                where + " (" + r.getPattern() + ")",
                r.getPrice(),
                r.getDescription(),
                r.getMimeType(),
                r.getNetwork(),
                r.getPayTo(),
                r.isSettleBeforeHandler(),
                r.getScheme());
        if (r.getDiscovery().isEnabled()) {
          route =
              route.toBuilder()
                  .discovery(PropertyDiscovery.declaration(where, r.getPattern(), r.getDiscovery()))
                  .service(PropertyDiscovery.service(where, properties.getDiscovery()))
                  .build();
        }
        table.route(r.getPattern(), route);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            e.getMessage().startsWith(where) ? e.getMessage() : where + ": " + e.getMessage(), e);
      }
    }
    RouteTable configured = table.build();
    RouteResolver annotated = handlers.apply(factory);
    RouteResolver routes =
        request -> {
          Optional<RouteResolver.ResolvedRoute> hit = configured.resolve(request);
          return hit.isPresent() ? hit : annotated.resolve(request);
        };
    X402jProperties.Pending pending = properties.getPending();
    PendingSettlement policy;
    try {
      policy = PendingSettlement.valueOf(pending.getPolicy().strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "x402j.pending.policy must be wait or release, got " + pending.getPolicy(), e);
    }
    PaymentGate.Builder gate =
        PaymentGate.builder()
            .exactAssetTransferMethod(assetTransferMethod(properties))
            .facilitator(facilitator)
            .networks(networks)
            .routes(routes)
            .pendingSettlement(policy, pending.getWait(), pending.getPoll())
            .paywall(
                properties.getPaywall().isEnabled()
                    ? new PaywallOptions(true, properties.getPaywall().getAppName(), null)
                    : PaywallOptions.disabled());
    listeners.orderedStream().forEach(gate::listener);
    extensions.orderedStream().forEach(gate::extension);
    salesRecord.ifAvailable(gate::salesRecord); // x402j.sales.db, see X402jSalesAutoConfiguration
    replayStore.ifAvailable(gate::replayStore); // shared by every instance, e.g. ReplayStore.jdbc
    return gate.build();
  }

  private static String assetTransferMethod(X402jProperties properties) {
    String method = properties.getAssetTransferMethod();
    String m = method == null ? "eip3009" : method.strip();
    if (!m.equals("eip3009") && !m.equals("permit2")) {
      throw new IllegalArgumentException(
          "x402j.asset-transfer-method must be eip3009 or permit2, got " + method);
    }
    return m;
  }
}
