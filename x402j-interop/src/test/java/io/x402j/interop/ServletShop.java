package io.x402j.interop;

import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.PaymentOption;
import io.x402j.server.RouteTable;
import io.x402j.servlet.PaymentFilter;
import io.x402j.testkit.TestMarket;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * An x402j servlet application selling {@code GET /weather} ($0.01) and {@code POST /translate}
 * ($0.02) on a devnet that mirrors Base Sepolia, with the facilitator over HTTP. Its handler also
 * answers {@code POST /infer} (for an upto route): it charges 100 atomic units per token it says it
 * used ({@code {"tokens": n}} in the request) with a {@code Settlement-Overrides} header.
 */
final class ServletShop implements AutoCloseable {
  final TestMarket market;
  final Server server;
  final String base;

  private ServletShop(TestMarket market, Server server, String base) {
    this.market = market;
    this.server = server;
    this.base = base;
  }

  static ServletShop start() throws Exception {
    TestMarket market = TestMarket.startMirroringBaseSepolia();
    PaymentGate gate =
        PaymentGate.builder()
            .facilitator(HttpFacilitatorClient.builder(market.facilitatorUrl()).build())
            .networks(market.networks())
            .routes(
                RouteTable.builder()
                    .route(
                        "GET /weather",
                        PaidRoute.builder()
                            .accept(
                                PaymentOption.builder(market.network())
                                    .price("$0.01")
                                    .payTo(market.payTo())
                                    .build())
                            .description("Today's weather")
                            .mimeType("application/json")
                            .build())
                    .route(
                        "POST /translate", PaidRoute.of("$0.02", market.network(), market.payTo()))
                    .build())
            .build();
    return serve(market, gate);
  }

  /**
   * The shop's handlers behind {@code gate}, on any network the gate sells (e.g. Solana); {@code
   * market} is the EVM market it belongs to, or {@code null}.
   */
  static ServletShop serve(TestMarket market, PaymentGate gate) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    context.addFilter(
        new FilterHolder(new PaymentFilter(gate)), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new Shop()), "/*");
    server.setHandler(context);
    server.start();
    return new ServletShop(market, server, "http://127.0.0.1:" + connector.getLocalPort());
  }

  /** The shop's handlers; they know nothing about payments. */
  static final class Shop extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      resp.setContentType("application/json");
      if (req.getRequestURI().equals("/infer")) {
        // An upto route: says how many tokens it used, 100 atomic units each.
        String text = new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        java.util.regex.Matcher m =
            java.util.regex.Pattern.compile("\"tokens\"\\s*:\\s*(\\d+)").matcher(text);
        long tokens = m.find() ? Long.parseLong(m.group(1)) : 0;
        resp.setHeader("Settlement-Overrides", "{\"amount\":\"" + tokens * 100 + "\"}");
        resp.getWriter().write("{\"tokens\":" + tokens + "}");
      } else if (req.getMethod().equals("POST")) {
        String text = new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        resp.getWriter().write("{\"translated\":" + text + "}");
      } else {
        resp.getWriter().write("{\"weather\":\"sunny\"}");
      }
    }
  }

  /** The buyer's key and the chain, for Node scripts (never on a command line). */
  Map<String, String> buyerEnv() {
    return Map.of(
        "X402J_TEST_KEY", market.info().requireAccount("buyer").privateKey(),
        "X402J_TEST_RPC", market.info().rpcUrl());
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the shop", e);
    } finally {
      if (market != null) {
        market.close();
      }
    }
  }
}
