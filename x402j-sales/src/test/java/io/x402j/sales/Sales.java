package io.x402j.sales;

import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.server.Sale;
import io.x402j.server.SaleState;
import java.time.Instant;

/** Sales for tests. */
final class Sales {
  static final Network BASE_SEPOLIA = Network.evm(84532);
  static final String USDC = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
  static final String SELLER = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";

  private Sales() {}

  static Sale sale(
      Instant at, SaleState state, String route, long amount, String payer, String id, String tx) {
    return new Sale(
        at,
        state,
        "GET",
        route,
        "exact",
        BASE_SEPOLIA,
        USDC,
        TokenAmount.of(amount),
        SELLER,
        payer,
        id,
        tx,
        state == SaleState.REFUSED ? "insufficient_funds" : null,
        2);
  }
}
