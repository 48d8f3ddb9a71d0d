package io.x402j.server.internal;

import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.PaymentRequirementsV1;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.server.GateRequest;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentEvent;
import io.x402j.server.RouteResolver.ResolvedRoute;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a route asks of one request: the resource and every payment option, each in the protocol
 * versions it is offered in. Priced per request (a price or recipient may depend on it), by {@link
 * Offers}. Not part of the x402j API.
 *
 * @param resolved the route and the pattern it was found by
 * @param resource what the payment is for
 * @param payments the payment options, in the order the route lists them
 * @param extensions the extensions the 402 declares (the gate's {@code GateExtension}s and gas
 *     sponsoring for Permit2 options), or {@code null} when it declares none
 */
public record RouteOffer(
    ResolvedRoute resolved,
    ResourceInfo resource,
    List<OfferedPayment> payments,
    Map<String, Object> extensions) {
  /** Validates and copies the fields. */
  public RouteOffer {
    Objects.requireNonNull(resolved, "resolved");
    Objects.requireNonNull(resource, "resource");
    payments = List.copyOf(payments);
    extensions =
        extensions == null || extensions.isEmpty()
            ? null
            : Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
  }

  /** An offer declaring no extensions. */
  public RouteOffer(ResolvedRoute resolved, ResourceInfo resource, List<OfferedPayment> payments) {
    this(resolved, resource, payments, null);
  }

  /** This offer declaring {@code declared} (null or empty: none) in its 402. */
  public RouteOffer withExtensions(Map<String, Object> declared) {
    return new RouteOffer(resolved, resource, payments, declared);
  }

  /**
   * This offer declaring {@code more} (null or empty: nothing more) besides what it declares.
   *
   * @throws IllegalStateException when a key is declared twice
   */
  public RouteOffer declaring(Map<String, Object> more) {
    if (more == null || more.isEmpty()) {
      return this;
    }
    Map<String, Object> merged = new LinkedHashMap<>(extensions == null ? Map.of() : extensions);
    for (Map.Entry<String, Object> e : more.entrySet()) {
      if (merged.putIfAbsent(e.getKey(), e.getValue()) != null) {
        throw new IllegalStateException("extension " + e.getKey() + " is declared twice");
      }
    }
    return new RouteOffer(resolved, resource, payments, merged);
  }

  /** The v2 402 of this offer, with {@code error}. */
  public PaymentRequired paymentRequired(String error) {
    return new PaymentRequired(error, resource, v2(), extensions, Map.of());
  }

  /** The route. */
  public PaidRoute route() {
    return resolved.route();
  }

  /** The pattern the route was found by. */
  public String pattern() {
    return resolved.pattern();
  }

  /** Every option's v2 requirements, as a v2 402 lists them. */
  public List<PaymentRequirements> v2() {
    return payments.stream().map(OfferedPayment::requirements).toList();
  }

  /** The v1 requirements of the options offered to v1 payers, as a v1 402 lists them. */
  public List<PaymentRequirementsV1> v1() {
    return payments.stream().flatMap(p -> p.v1().stream()).toList();
  }

  /** Whether any option is offered to v1 payers. */
  public boolean speaksV1() {
    return payments.stream().anyMatch(p -> p.v1Requirements() != null);
  }

  /** The event the listeners get for a payment of this offer. */
  public PaymentEvent event(
      GateRequest request, int x402Version, PaymentRequirements paid, String payer) {
    return new PaymentEvent(request.method(), request.path(), pattern(), x402Version, paid, payer);
  }
}
