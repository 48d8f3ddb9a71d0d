package io.x402j.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.RouteTable;
import io.x402j.testkit.TestMarket;
import jakarta.servlet.AsyncContext;
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
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Attacks on the servlet filter with asynchronous handlers. {@code request.startAsync()} (no
 * arguments) initialises the AsyncContext with the original, unwrapped request and response
 * (Servlet specification): whatever the handler writes through {@code getResponse()} bypasses the
 * filter's BufferedResponse and PreflightResponse. The filter is registered async-supported, as
 * Spring Boot's FilterRegistrationBean does by default. Tests marked BREAK fail on the code they
 * were written against.
 */
class AttackIT {
  static final HttpClient HTTP = HttpClient.newHttpClient();

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
                    .route("GET /stream", PaidRoute.of("$0.01", market.network(), market.payTo()))
                    .build())
            .build();
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/shop");
    FilterHolder filter = new FilterHolder(new PaymentFilter(gate));
    filter.setAsyncSupported(true);
    context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
    ServletHolder servlet = new ServletHolder(new AsyncShop());
    servlet.setAsyncSupported(true);
    context.addServlet(servlet, "/*");
    server.setHandler(context);
    server.start();
    base = "http://127.0.0.1:" + connector.getLocalPort() + "/shop";
  }

  @AfterAll
  static void stop() throws Exception {
    server.stop();
    market.close();
  }

  /**
   * A streaming handler, naive about methods (as PaymentFilterIT's shop is): it answers through an
   * AsyncContext, writing and flushing its report, then completes.
   */
  static final class AsyncShop extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      AsyncContext async = req.startAsync();
      HttpServletResponse out = (HttpServletResponse) async.getResponse();
      out.setContentType("text/plain");
      out.getOutputStream().write("the secret stream".getBytes(StandardCharsets.UTF_8));
      out.flushBuffer();
      async.complete();
    }
  }

  static HttpResponse<String> send(String method, String path, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    headers.forEach(b::header);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Found by review: a free CORS preflight's handler could start async processing, whose context
   * holds the container's own response rather than the filter's PreflightResponse, and so carry the
   * paid body out with no payment. Async is now refused on preflights and paid requests.
   */
  @Test
  void aPreflightToAnAsyncHandlerCannotCarryThePaidBodyOut() throws Exception {
    assertThat(send("GET", "/stream", Map.of()).statusCode()).isEqualTo(402);

    HttpResponse<String> preflight =
        send(
            "OPTIONS",
            "/stream",
            Map.of("Origin", "https://evil.example", "Access-Control-Request-Method", "GET"));

    assertThat(preflight.body()).as("a free preflight's body").doesNotContain("secret");
  }

  /**
   * Found by review: an async handler wrote and flushed to the container's response, past the
   * payment buffer, before the filter noticed and abandoned the payment; the same header then
   * bought the body again and again. Async is now refused before anything is written.
   */
  @Test
  void aPaidRequestToAnAsyncHandlerGetsNoBodyUnsettled() throws Exception {
    HttpResponse<String> unpaid = send("GET", "/stream", Map.of());
    assertThat(unpaid.statusCode()).isEqualTo(402);
    String payment = market.payV2(unpaid.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
    BigInteger before = market.sellerBalance();

    int served = 0;
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> paid = send("GET", "/stream", Map.of("PAYMENT-SIGNATURE", payment));
      if (paid.body().contains("secret")) {
        served++;
      }
    }

    BigInteger earned = market.sellerBalance().subtract(before);
    assertThat(served)
        .as("bodies served for one payment; the seller earned %s", earned)
        .isLessThanOrEqualTo(earned.signum() > 0 ? 1 : 0);
  }
}
