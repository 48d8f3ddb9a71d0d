package io.x402j.spring;

import io.x402j.core.TokenAmount;
import io.x402j.server.SettlementOverride;
import io.x402j.servlet.PaymentFilter;
import java.util.Optional;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * What a Spring MVC handler of an {@code upto} route ({@code @X402Price(scheme = "upto")}) charges:
 * call {@link #charge} from the handler (on its request thread) with what it used, at most the
 * {@linkplain #ceiling() ceiling}. It sets the request attribute {@value
 * PaymentFilter#SETTLEMENT_AMOUNT_ATTRIBUTE} that the x402j filter reads after the handler; a
 * handler may instead return a {@code Settlement-Overrides} header in the official SDK's form
 * ({@code ResponseEntity.ok().header(SettlementOverride.HEADER,
 * SettlementOverride.amount("2500").toHeader())}), which the filter strips. Not charging anything
 * explicitly charges the whole ceiling.
 */
public final class X402Settlement {
  private X402Settlement() {}

  /**
   * Charges {@code amount} for the current paid request: atomic units ({@code "2500"}), dollars
   * ({@code "$0.0025"}) or a percentage of the ceiling ({@code "50%"}).
   *
   * @throws IllegalArgumentException when the amount does not parse
   * @throws IllegalStateException outside a request
   */
  public static void charge(String amount) {
    charge(SettlementOverride.amount(amount));
  }

  /** Charges {@code atomicUnits} for the current paid request. */
  public static void charge(long atomicUnits) {
    charge(SettlementOverride.atomic(atomicUnits));
  }

  /** Charges {@code amount} for the current paid request. */
  public static void charge(SettlementOverride amount) {
    current()
        .setAttribute(
            PaymentFilter.SETTLEMENT_AMOUNT_ATTRIBUTE, amount, RequestAttributes.SCOPE_REQUEST);
  }

  /** The most the current paid request may be charged, in atomic units; empty when unpaid. */
  public static Optional<TokenAmount> ceiling() {
    Object value =
        current().getAttribute(PaymentFilter.CEILING_ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
    return value instanceof TokenAmount amount ? Optional.of(amount) : Optional.empty();
  }

  private static RequestAttributes current() {
    RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
    if (attributes == null) {
      throw new IllegalStateException("X402Settlement is used outside a request's thread");
    }
    return attributes;
  }
}
