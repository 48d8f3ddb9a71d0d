package io.x402j.spring;

import io.x402j.core.NetworkRegistry;
import io.x402j.core.facilitator.Facilitator;
import io.x402j.server.GateExtension;
import io.x402j.server.PaymentGate;
import io.x402j.server.PaymentListener;
import io.x402j.server.ReplayStore;
import io.x402j.server.SalesRecord;
import io.x402j.servlet.PaymentFilter;
import io.x402j.spring.internal.AnnotatedRoutes;
import io.x402j.spring.internal.GateAssembly;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
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
import org.springframework.core.Ordered;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
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
    return GateAssembly.facilitator(properties);
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
    return GateAssembly.gate(
        properties,
        facilitator,
        networks,
        factory -> new AnnotatedRoutes(mapping, factory, properties.getDiscovery()),
        listeners,
        replayStore,
        extensions,
        salesRecord);
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

  /**
   * The last check before a handler runs ({@link PaymentFilter#guard}, from a Spring MVC handler
   * interceptor, after every servlet filter): a filter that rewrote the request after the payment
   * filter (a trailing slash stripped, a path changed) cannot carry it to a priced handler unpaid.
   */
  @Bean
  @ConditionalOnMissingBean(name = "x402jPaymentGuard")
  public static WebMvcConfigurer x402jPaymentGuard(
      ObjectProvider<PaymentGate> gate, ObjectProvider<X402jProperties> properties) {
    // The gate is looked up at the first request: it is built from the handler mapping, which is
    // built with the interceptors.
    SingletonSupplier<PaymentFilter> guard =
        SingletonSupplier.of(
            () ->
                new PaymentFilter(gate.getObject(), properties.getObject().getMaxBufferedBytes()));
    HandlerInterceptor interceptor =
        new HandlerInterceptor() {
          @Override
          public boolean preHandle(
              HttpServletRequest request, HttpServletResponse response, Object handler)
              throws IOException {
            return guard.obtain().guard(request, response);
          }
        };
    return new WebMvcConfigurer() {
      @Override
      public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(interceptor).order(Ordered.LOWEST_PRECEDENCE);
      }
    };
  }
}
