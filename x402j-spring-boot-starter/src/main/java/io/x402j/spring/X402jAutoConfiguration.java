package io.x402j.spring;

import io.x402j.core.NetworkRegistry;
import io.x402j.core.facilitator.Facilitator;
import io.x402j.core.facilitator.FacilitatorAuth;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.server.GateExtension;
import io.x402j.server.PaymentGate;
import io.x402j.server.PaymentListener;
import io.x402j.server.PaywallOptions;
import io.x402j.server.PendingSettlement;
import io.x402j.server.ReplayStore;
import io.x402j.server.RouteResolver;
import io.x402j.server.RouteTable;
import io.x402j.server.SalesRecord;
import io.x402j.servlet.PaymentFilter;
import io.x402j.spring.internal.AnnotatedRoutes;
import io.x402j.spring.internal.RouteFactory;
import java.util.Locale;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Installs the x402j payment filter in a Spring MVC application: a {@link PaymentGate} from the
 * {@code x402j.*} properties, the {@code x402j.routes} list and the {@link X402Price} annotations,
 * talking to the facilitator at {@code x402j.facilitator-url}. Define your own {@link Facilitator},
 * {@link NetworkRegistry} or {@link PaymentGate} bean to replace the defaults; {@link
 * PaymentListener} beans are registered as hooks, and {@link GateExtension} beans as the gate's
 * protocol extensions (a key used twice stops the start).
 */
@AutoConfiguration(after = WebMvcAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(prefix = "x402j", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(X402jProperties.class)
public class X402jAutoConfiguration {
  /** The public networks, unless the application defines its own registry. */
  @Bean
  @ConditionalOnMissingBean
  public NetworkRegistry x402jNetworkRegistry() {
    return NetworkRegistry.defaults();
  }

  /** The facilitator at {@code x402j.facilitator-url}. */
  @Bean
  @ConditionalOnMissingBean
  public Facilitator x402jFacilitator(X402jProperties properties) {
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

  /** The gate: configured routes first, then annotated handlers. */
  @Bean
  @ConditionalOnMissingBean
  public PaymentGate x402jPaymentGate(
      X402jProperties properties,
      Facilitator facilitator,
      NetworkRegistry networks,
      @Qualifier("requestMappingHandlerMapping") RequestMappingHandlerMapping mapping,
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
        table.route(
            r.getPattern(),
            factory.route(
                where + " (" + r.getPattern() + ")",
                r.getPrice(),
                r.getDescription(),
                r.getMimeType(),
                r.getNetwork(),
                r.getPayTo(),
                r.isSettleBeforeHandler(),
                r.getScheme()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            e.getMessage().startsWith(where) ? e.getMessage() : where + ": " + e.getMessage(), e);
      }
    }
    RouteTable configured = table.build();
    AnnotatedRoutes annotated = new AnnotatedRoutes(mapping, factory, properties.getDiscovery());
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
    replayStore.ifAvailable(gate::replayStore); // shared by every instance, e.g. ReplayStore.jdbc
    salesRecord.ifAvailable(gate::salesRecord); // x402j.sales.db, see X402jSalesAutoConfiguration
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

  /** The filter, for every path; unpriced requests pass through. */
  @Bean
  @ConditionalOnMissingBean(name = "x402jPaymentFilter")
  public FilterRegistrationBean<PaymentFilter> x402jPaymentFilter(
      PaymentGate gate, X402jProperties properties) {
    FilterRegistrationBean<PaymentFilter> registration =
        new FilterRegistrationBean<>(new PaymentFilter(gate, properties.getMaxBufferedBytes()));
    registration.setName("x402jPaymentFilter");
    registration.addUrlPatterns("/*");
    registration.setOrder(properties.getFilterOrder());
    return registration;
  }
}
