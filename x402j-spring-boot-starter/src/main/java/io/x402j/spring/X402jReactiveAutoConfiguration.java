package io.x402j.spring;

import io.x402j.core.NetworkRegistry;
import io.x402j.core.facilitator.Facilitator;
import io.x402j.server.GateExtension;
import io.x402j.server.PaymentGate;
import io.x402j.server.PaymentListener;
import io.x402j.server.ReplayStore;
import io.x402j.server.SalesRecord;
import io.x402j.spring.internal.GateAssembly;
import io.x402j.spring.internal.ReactiveRoutes;
import io.x402j.webflux.PaymentWebFilter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.web.reactive.WebFluxAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Installs the x402j payment filter in a Spring WebFlux application (add {@code x402j-webflux} to
 * its dependencies): a {@link PaymentGate} from the same {@code x402j.*} properties as the servlet
 * side, the {@code x402j.routes} list, the {@link X402Price} annotations on {@code @RequestMapping}
 * methods and the {@link X402RoutePrice} attribute on functional routes, talking to the facilitator
 * at {@code x402j.facilitator-url}. Define your own {@link Facilitator}, {@link NetworkRegistry},
 * {@link ReplayStore} or {@link PaymentGate} bean to replace the defaults; {@link PaymentListener}
 * beans are registered as hooks, and {@link GateExtension} beans as the gate's protocol extensions.
 *
 * <p>The filter ({@link PaymentWebFilter}) never blocks an event-loop thread: it calls the gate on
 * Reactor's bounded elastic scheduler. A handler of an {@code upto} route states what it used in
 * the exchange attribute {@value PaymentWebFilter#SETTLEMENT_AMOUNT_ATTRIBUTE} or the {@code
 * Settlement-Overrides} response header ({@link X402Settlement#charge} is for servlet handlers).
 */
@AutoConfiguration(after = WebFluxAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({PaymentWebFilter.class, WebFilter.class})
@ConditionalOnProperty(prefix = "x402j", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(X402jProperties.class)
public class X402jReactiveAutoConfiguration {
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
    return GateAssembly.facilitator(properties);
  }

  /** The gate: configured routes first, then annotated methods and attributed functional routes. */
  @Bean
  @ConditionalOnMissingBean
  public PaymentGate x402jPaymentGate(
      X402jProperties properties,
      Facilitator facilitator,
      NetworkRegistry networks,
      @Qualifier("requestMappingHandlerMapping")
          ObjectProvider<RequestMappingHandlerMapping> annotations,
      @Qualifier("routerFunctionMapping") ObjectProvider<RouterFunctionMapping> functions,
      ObjectProvider<PaymentListener> listeners,
      ObjectProvider<ReplayStore> replayStore,
      ObjectProvider<GateExtension> extensions,
      ObjectProvider<SalesRecord> salesRecord) {
    return GateAssembly.gate(
        properties,
        facilitator,
        networks,
        factory ->
            new ReactiveRoutes(
                annotations.getIfAvailable(),
                functions.getIfAvailable(),
                factory,
                properties.getDiscovery()),
        listeners,
        replayStore,
        extensions,
        salesRecord);
  }

  /**
   * The filter, for every path (unpriced requests pass through), ordered by {@code
   * x402j.filter-order}.
   */
  @Bean
  @ConditionalOnMissingBean(name = "x402jPaymentWebFilter")
  public WebFilter x402jPaymentWebFilter(PaymentGate gate, X402jProperties properties) {
    return new OrderedFilter(filter(gate, properties), properties.getFilterOrder());
  }

  /**
   * The last check before dispatch ({@link PaymentWebFilter#guard()}, at {@link
   * Ordered#LOWEST_PRECEDENCE}, after the application's filters of default order): a filter that
   * rewrote the request after the payment check (a trailing slash stripped, a path changed) cannot
   * carry it to a priced handler unpaid.
   */
  @Bean
  @ConditionalOnMissingBean(name = "x402jPaymentGuard")
  public WebFilter x402jPaymentGuard(PaymentGate gate, X402jProperties properties) {
    return filter(gate, properties).guard();
  }

  /**
   * The payment filter, holding paid responses at most {@code x402j.hold-limit} (unset: the paid
   * requirement's {@code maxTimeoutSeconds}).
   */
  private static PaymentWebFilter filter(PaymentGate gate, X402jProperties properties) {
    return new PaymentWebFilter(
        gate,
        properties.getMaxBufferedBytes(),
        Schedulers.boundedElastic(),
        properties.getHoldLimit());
  }

  /** The payment filter with an order among the application's filters. */
  static final class OrderedFilter implements WebFilter, Ordered {
    private final PaymentWebFilter filter;
    private final int order;

    OrderedFilter(PaymentWebFilter filter, int order) {
      this.filter = filter;
      this.order = order;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
      return filter.filter(exchange, chain);
    }

    @Override
    public int getOrder() {
      return order;
    }
  }
}
