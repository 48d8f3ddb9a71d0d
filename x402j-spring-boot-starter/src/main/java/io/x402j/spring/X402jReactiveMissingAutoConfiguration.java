package io.x402j.spring;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;

/**
 * Stops a Spring WebFlux application that has the starter but not {@code x402j-webflux}: without it
 * nothing would be charged, and its {@link X402Price} routes would be served free. Set {@code
 * x402j.enabled=false} to run such an application without payments on purpose.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnMissingClass("io.x402j.webflux.PaymentWebFilter")
@ConditionalOnProperty(prefix = "x402j", name = "enabled", matchIfMissing = true)
public class X402jReactiveMissingAutoConfiguration {
  /**
   * Fails the start, naming the missing dependency.
   *
   * @throws IllegalStateException always
   */
  @Bean
  public Object x402jWebFluxMissing() {
    throw new IllegalStateException(
        "x402j: this is a Spring WebFlux application, but io.x402j:x402j-webflux is not on the"
            + " class path, so no route would be charged; add it next to"
            + " x402j-spring-boot-starter (or set x402j.enabled=false)");
  }
}
