package io.x402j.interop;

import io.x402j.devnet.NodeProject.Service;
import io.x402j.testkit.TestMarket;
import java.time.Duration;
import java.util.Map;

/** The official TypeScript facilitator and Express servers, run with Node on a test market. */
final class OfficialStack {
  private OfficialStack() {}

  /** The official facilitator, paying gas from the market's {@code other-facilitator}. */
  static Service facilitator(TestMarket market) throws Exception {
    return Node.project()
        .start(
            "facilitator.mjs",
            Map.of(
                "X402J_GAS_KEY", market.info().requireAccount("other-facilitator").privateKey(),
                "X402J_TEST_RPC", market.info().rpcUrl()),
            Duration.ofSeconds(60));
  }

  /**
   * The official Express servers ({@code GET /weather} with @x402/express, {@code GET /v1/weather}
   * with x402-express, $0.01 each) paying the market's seller through {@code facilitatorUrl}.
   */
  static Service expressServer(TestMarket market, String facilitatorUrl) throws Exception {
    return expressServer(market, facilitatorUrl, false);
  }

  /**
   * The official Express servers; with {@code permit2Routes} also {@code GET /permit2/weather}
   * ($0.01 exact by Permit2) and {@code POST /infer} (upto $0.10, charging 100 atomic units per
   * token the handler says it used), which need a facilitator serving upto.
   */
  static Service expressServer(TestMarket market, String facilitatorUrl, boolean permit2Routes)
      throws Exception {
    return Node.project()
        .start(
            "express-server.mjs",
            Map.of(
                "X402J_PAY_TO",
                market.seller().toString(),
                "X402J_FACILITATOR_URL",
                facilitatorUrl,
                "X402J_PERMIT2_ROUTES",
                permit2Routes ? "1" : "0"),
            Duration.ofSeconds(60));
  }
}
