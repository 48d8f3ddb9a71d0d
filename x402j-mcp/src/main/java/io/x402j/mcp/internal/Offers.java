package io.x402j.mcp.internal;

import io.x402j.client.PlannedPayment;
import io.x402j.core.TokenAmount;
import java.util.LinkedHashMap;
import java.util.Map;

/** Payments and offers as the wallet's tools report them. */
final class Offers {
  private Offers() {}

  /**
   * An offer: scheme, network, amount in atomic units, and in tokens and dollars where the token is
   * known, payTo, asset.
   */
  static Map<String, Object> offer(PlannedPayment p) {
    var r = p.requirements();
    Map<String, Object> offer = new LinkedHashMap<>();
    offer.put("scheme", r.scheme());
    offer.put("network", r.network().toString());
    offer.put("amountAtomic", r.amount().value().toString());
    p.tokens().ifPresent(t -> offer.put("amount", t.toPlainString() + " " + p.asset().symbol()));
    p.usd().ifPresent(usd -> offer.put("usd", "$" + usd.toPlainString()));
    offer.put("asset", r.asset());
    offer.put("payTo", r.payTo());
    offer.put("maxTimeoutSeconds", r.maxTimeoutSeconds());
    if (p.v1Requirements() != null && !p.v1Requirements().description().isEmpty()) {
      offer.put("description", p.v1Requirements().description());
    }
    return offer;
  }

  /** {@code amount} of {@code p}'s token: whole tokens and symbol when known, else atomic units. */
  static String amount(PlannedPayment p, TokenAmount amount) {
    if (p.asset() == null) {
      return amount.value() + " atomic units";
    }
    return amount.toUnits(p.asset().decimals()).toPlainString() + " " + p.asset().symbol();
  }
}
