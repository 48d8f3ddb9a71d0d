package io.x402j.server;

import io.x402j.core.extensions.PaymentIdentifierExtension;
import io.x402j.server.RouteResolver.ResolvedRoute;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code payment-identifier} extension for a {@link PaymentGate}: routes declare it in their
 * 402 ({@code {"info":{"required":…},"schema":…}}), and the gate treats a payment's {@code
 * extensions["payment-identifier"].info.id} as an idempotency key, kept in its {@link ReplayStore}
 * (so gates sharing a store share ids):
 *
 * <ul>
 *   <li>a route declaring {@code required: true} answers a payment without an id 400, naming the
 *       missing field; a malformed id (not 16–128 of {@code A-Z a-z 0-9 _ -}) is 400 on any route
 *       that declares the extension;
 *   <li>the first payment presented with an id owns it; the same id with another payment (another
 *       authorization, or the same one for another resource or price) is 409 {@code
 *       payment_identifier_conflict}, before anything is verified;
 *   <li>the same id with the same payment — by its parsed identity, however the header spells it —
 *       while the first request is still running is 409 {@code payment_in_progress} with {@code
 *       Retry-After}; once it settled, 409 {@code payment_already_used} with the stored settlement
 *       receipt in {@code PAYMENT-RESPONSE}; while its settlement is pending, the request follows
 *       that settlement as any repeat of the payment does.
 * </ul>
 *
 * <p>The response body of a settled payment is not kept and not sent again: one payment buys one
 * response, and a handler never runs twice for one payment. The lookup happens before verification,
 * so anyone holding a copy of the payment header could ask for it; the receipt tells the payer its
 * payment settled (and in which transaction) without handing the resource out twice.
 *
 * <pre>{@code
 * PaymentGate.builder()
 *     .extension(PaymentIdentifiers.required())   // or optional(), or perRoute(route -> …)
 * }</pre>
 */
public final class PaymentIdentifiers implements GateExtension {
  /** How a route declares the extension. */
  public enum Mode {
    /** Not declared: ids are ignored. */
    OFF,
    /** Declared with {@code required: false}: payments may carry an id. */
    OPTIONAL,
    /** Declared with {@code required: true}: payments without an id are refused with 400. */
    REQUIRED
  }

  private final Function<ResolvedRoute, Mode> modes;

  private PaymentIdentifiers(Function<ResolvedRoute, Mode> modes) {
    this.modes = modes;
  }

  /** Every route declares the extension with {@code required: false}. */
  public static PaymentIdentifiers optional() {
    return new PaymentIdentifiers(route -> Mode.OPTIONAL);
  }

  /** Every route declares the extension with {@code required: true}. */
  public static PaymentIdentifiers required() {
    return new PaymentIdentifiers(route -> Mode.REQUIRED);
  }

  /**
   * Each route declares what {@code modes} says for it (a {@code null} answer is {@link Mode#OFF}).
   */
  public static PaymentIdentifiers perRoute(Function<ResolvedRoute, Mode> modes) {
    return new PaymentIdentifiers(Objects.requireNonNull(modes, "modes"));
  }

  /** How {@code route} declares the extension. */
  public Mode mode(ResolvedRoute route) {
    Mode mode = modes.apply(route);
    return mode == null ? Mode.OFF : mode;
  }

  @Override
  public String key() {
    return PaymentIdentifierExtension.KEY;
  }

  @Override
  public Optional<Object> declare(ResolvedRoute route, GateRequest request) {
    Mode mode = mode(route);
    return mode == Mode.OFF
        ? Optional.empty()
        : Optional.of(PaymentIdentifierExtension.declaration(mode == Mode.REQUIRED));
  }
}
