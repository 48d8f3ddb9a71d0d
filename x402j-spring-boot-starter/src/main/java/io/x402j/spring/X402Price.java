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
 *
 * @PostMapping("/infer")
 * @X402Price(value = "$0.10", scheme = "upto")
 * Answer infer(@RequestBody Prompt p) {
 *   Answer a = model.run(p);
 *   X402Settlement.charge(a.tokens() * 10);   // atomic units, at most the ceiling
 *   return a;
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface X402Price {
  /**
   * The price: {@code $0.001}, {@code 0.001 USDC}, or a whole number of atomic units. For {@code
   * scheme = "upto"} it is the ceiling the payer authorises.
   */
  String value();

  /**
   * {@code exact} (the default) or {@code upto}: usage-based, the handler charges at most {@link
   * #value} and states what it used with {@link X402Settlement#charge} (or the request attribute
   * {@code io.x402j.settlement.amount}, or a {@code Settlement-Overrides} response header); stating
   * nothing charges the whole ceiling.
   */
  String scheme() default "exact";

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
