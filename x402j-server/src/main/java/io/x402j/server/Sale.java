package io.x402j.server;

import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import java.time.Instant;
import java.util.Objects;

/**
 * One event of a sale as the gate tells its {@link SalesRecord}: a payment admitted, settled,
 * refused or left pending on a paid route. Amounts are atomic units of {@code asset}, never
 * floating point.
 *
 * @param at when it happened (the gate's clock)
 * @param state what happened
 * @param method the request method
 * @param route the matched route pattern, e.g. {@code GET /weather}
 * @param scheme the payment scheme, e.g. {@code exact}
 * @param network the network paid on
 * @param asset the token (address or mint) paid with
 * @param amount the price in atomic units: what was offered, or for a settled {@code upto} payment,
 *     what was charged
 * @param payTo the seller's recipient address
 * @param payer the payer's address once known, else {@code null}
 * @param paymentId the payment's canonical identity (the same payment, however spelled, has the
 *     same id), or {@code null} when the payment was refused before it could be identified
 * @param transaction the settlement transaction, or {@code null}
 * @param reason why a refused or pending payment is so (an x402 reason), else {@code null}
 * @param x402Version the protocol version of the payment
 */
public record Sale(
    Instant at,
    SaleState state,
    String method,
    String route,
    String scheme,
    Network network,
    String asset,
    TokenAmount amount,
    String payTo,
    String payer,
    String paymentId,
    String transaction,
    String reason,
    int x402Version) {
  /** Validates the required fields. */
  public Sale {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(asset, "asset");
    Objects.requireNonNull(amount, "amount");
    Objects.requireNonNull(payTo, "payTo");
    if (transaction != null && transaction.isEmpty()) {
      transaction = null;
    }
  }
}
