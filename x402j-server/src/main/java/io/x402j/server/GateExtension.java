package io.x402j.server;

import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.core.wire.SettleResponse;
import io.x402j.server.RouteResolver.ResolvedRoute;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A protocol v2 extension the seller's gate speaks (Bazaar discovery, payment identifiers, sign-in,
 * receipts, ...), registered with {@link PaymentGate.Builder#extension}. Each extension owns one
 * key of the {@code extensions} maps and takes part at three points:
 *
 * <ol>
 *   <li>{@link #declare}: what the 402 for a route declares under {@code extensions[key()]};
 *   <li>{@link #checkEcho}: a v2 payment matched to the offer is checked against that declaration
 *       before anything is verified; a refusal answers 402 naming the extension and what is wrong;
 *   <li>{@link #settled}: after a successful settlement, what the receipt ({@code
 *       PAYMENT-RESPONSE}) carries under {@code extensions[key()]}.
 * </ol>
 *
 * <p>Values are JSON values in the form {@link io.x402j.core.support.JsonValues} describes ({@code
 * Map}, {@code List}, {@code String}, numbers, {@code Boolean}); the gate copies them into that
 * canonical form. An extension that throws is a bug of the seller's: the gate answers with an error
 * that names the extension (never the exception's text), refuses the payment if its echo could not
 * be checked, and never withholds a settled receipt. Implementations must be thread-safe.
 */
public interface GateExtension {
  /** The {@code extensions} map key this extension owns, e.g. {@code "bazaar"}. */
  String key();

  /**
   * What a 402 for {@code route} declares under {@code extensions[key()]}, if anything. Called for
   * every 402 of the route (and again for the offer a payment is matched against), so it must be
   * cheap and deterministic for a given request. Default: nothing.
   */
  default Optional<Object> declare(ResolvedRoute route, GateRequest request) {
    return Optional.empty();
  }

  /**
   * Like {@link #declare(ResolvedRoute, GateRequest)}, also given what the 402 offers: its {@code
   * resource} and its v2 {@code accepts} in order. For declarations that depend on the offered
   * terms, such as signed offers ({@code offer-receipt}). The gate calls this one. Default: {@link
   * #declare(ResolvedRoute, GateRequest)}.
   */
  default Optional<Object> declare(
      ResolvedRoute route,
      GateRequest request,
      ResourceInfo resource,
      List<PaymentRequirements> accepts) {
    return declare(route, request);
  }

  /**
   * Checks a protocol v2 payment's echo before it is verified. Called for every v2 payment matched
   * to a route's offer, whether or not anything was declared or echoed.
   *
   * @param declared what {@link #declare} declared for this request (canonical JSON), or {@code
   *     null} when nothing
   * @param echoed what the payment carries under {@code extensions[key()]}, or {@code null} when
   *     nothing
   * @param payment the whole payment
   * @return a refusal when the payment must not be verified; default: none
   */
  default Optional<ExtensionRefusal> checkEcho(
      Object declared, Object echoed, PaymentPayload payment) {
    return Optional.empty();
  }

  /**
   * What the receipt of a successfully settled protocol v2 payment carries under {@code
   * extensions[key()]} (e.g. a signed receipt), if anything. Default: nothing.
   */
  default Optional<Object> settled(
      ResolvedRoute route, GateRequest request, PaymentPayload payment, SettleResponse settlement) {
    return Optional.empty();
  }

  /**
   * Whether {@code request} to the paid {@code route} may be served without payment. Asked for
   * every request to a paid route, after the route is priced and before its payment header is
   * looked at; the first {@link PaymentWaiver.Granted} lets the request through as free (nothing is
   * verified or settled). A {@link PaymentWaiver.Denied} request that carries a payment goes on to
   * pay; one without is answered with the route's 402 naming the extension and the reason. Default:
   * nothing to say (empty), the request pays as usual.
   *
   * @param route the route, as priced for this request
   * @param request the request
   * @return a future answer; it must not fail (the gate treats a failure as a denial it logs)
   */
  default CompletableFuture<Optional<PaymentWaiver>> admitWithoutPayment(
      ResolvedRoute route, GateRequest request) {
    return CompletableFuture.completedFuture(Optional.empty());
  }
}
