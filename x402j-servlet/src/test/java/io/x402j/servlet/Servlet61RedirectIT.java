package io.x402j.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.SettleResponse;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.RouteTable;
import io.x402j.testkit.TestMarket;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The filter in a Servlet 6.1 container (Jetty 12.1, ee11), whose response wrapper hands the
 * redirects 6.1 added straight to the client unless the buffered response holds them too.
 */
class Servlet61RedirectIT {
  static final HeaderCodec HEADERS = HeaderCodec.standard();
  static final HttpClient HTTP = HttpClient.newHttpClient(); // follows no redirects
  static final String SIGNED = "https://cdn.example/file?sig=secret";

  static TestMarket market;
  static Server server;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.start();
    PaymentGate gate =
        PaymentGate.builder()
            .facilitator(HttpFacilitatorClient.builder(market.facilitatorUrl()).build())
            .networks(market.networks())
            .routes(
                RouteTable.builder()
                    .route("/download/*", PaidRoute.of("$0.01", market.network(), market.payTo()))
                    .build())
            .build();
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    context.addFilter(
        new FilterHolder(new PaymentFilter(gate)), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new Downloads()), "/download/*");
    server.setHandler(context);
    server.start();
    base = "http://127.0.0.1:" + connector.getLocalPort();
  }

  @AfterAll
  static void stop() throws Exception {
    server.stop();
    market.close();
  }

  /** Hands out signed links with each of the 6.1 redirects; "drain" empties the buyer first. */
  static final class Downloads extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      String how = req.getPathInfo().substring(1);
      if (how.startsWith("drain-")) {
        market.drainBuyer();
        how = how.substring("drain-".length());
      }
      switch (how) {
        case "status" -> resp.sendRedirect(SIGNED, 303);
        case "keep" -> resp.sendRedirect(SIGNED, false);
        case "both" -> resp.sendRedirect(SIGNED, 307, true);
        default -> resp.sendRedirect(SIGNED);
      }
    }
  }

  static HttpResponse<String> get(String path, String payment) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (payment != null) {
      b.header("PAYMENT-SIGNATURE", payment);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String pay(String path) throws Exception {
    HttpResponse<String> unpaid = get(path, null);
    assertThat(unpaid.statusCode()).isEqualTo(402);
    return market.payV2(unpaid.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
  }

  @Test
  void aRedirectWhoseSettlementFailsNeverReachesTheClient() throws Exception {
    for (String how : new String[] {"status", "keep", "both", "plain"}) {
      BigInteger before = market.sellerBalance();
      String path = "/download/drain-" + how;
      String payment = pay(path);

      HttpResponse<String> response = get(path, payment);

      assertThat(response.statusCode()).as(how).isEqualTo(402);
      assertThat(response.headers().firstValue("Location")).as(how).isEmpty();
      assertThat(market.sellerBalance()).isEqualTo(before);
      market.fundBuyer(BigInteger.valueOf(500_000_000));
    }
  }

  @Test
  void aPaidRedirectGoesOutWithItsStatusAfterSettlement() throws Exception {
    String payment = pay("/download/status");

    HttpResponse<String> response = get("/download/status", payment);

    assertThat(response.statusCode()).isEqualTo(303);
    assertThat(response.headers().firstValue("Location")).hasValue(SIGNED);
    SettleResponse receipt =
        HEADERS.decodePaymentResponse(
            response.headers().firstValue("PAYMENT-RESPONSE").orElseThrow());
    assertThat(receipt.success()).isTrue();
  }
}
