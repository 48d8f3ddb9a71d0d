package io.x402j.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Charges for a Spring MVC handler method (or every handler of a controller) with x402. Unset
 * attributes take the defaults from {@code x402j.*} properties.
 *
 * <pre>{@code
 * @GetMapping("/weather")
 * @X402Price(value = "$0.001", description = "Today's weather")
 * Weather weather() { … }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface X402Price {
  /** The price: {@code $0.001}, {@code 0.001 USDC}, or a whole number of atomic units. */
  String value();

  /** What the resource is, shown to payers. */
  String description() default "";

  /** The media type of the response, e.g. {@code application/json}. */
  String mimeType() default "";

  /** The network (CAIP-2, e.g. {@code eip155:8453}); default {@code x402j.network}. */
  String network() default "";

  /** The recipient; default {@code x402j.pay-to}. */
  String payTo() default "";

  /** Settle before the handler runs, for handlers with side effects. */
  boolean settleBeforeHandler() default false;
}
