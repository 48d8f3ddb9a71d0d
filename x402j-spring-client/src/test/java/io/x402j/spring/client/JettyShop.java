package io.x402j.spring.client;

import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.RouteTable;
import io.x402j.servlet.PaymentFilter;
import io.x402j.testkit.TestMarket;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A seller for the Spring payers' tests: x402j's servlet filter in embedded Jetty, with the x402j
 * facilitator over HTTP on the devnet. {@code GET /weather} and {@code POST /echo} (echoes the
 * body) cost $0.01. With {@code v1Only} the 402 answers lose the v2 {@code PAYMENT-REQUIRED}
 * header, as an x402 v1 server sends them.
 */
final class JettyShop implements AutoCloseable {
  private final Server server;
  private final int port;

  /** Requests the application handled (paid ones). */
  final AtomicInteger handled = new AtomicInteger();

  /** Requests received, paid or not. */
  final AtomicInteger received = new AtomicInteger();

  /** Requests that carried a sign-in-with-x header. */
  final AtomicInteger signIns = new AtomicInteger();

  private JettyShop(TestMarket market, boolean v1Only, boolean signIn) throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    connector.open(); // the port is known before the gate, which names its origin
    port = connector.getLocalPort();
    PaymentGate.Builder builder = PaymentGate.builder();
    if (signIn) {
      builder.extension(io.x402j.server.siwx.SignInWithXExtension.builder().origin(url()).build());
    }
    PaymentGate gate =
        builder
            .facilitator(HttpFacilitatorClient.builder(market.facilitatorUrl()).build())
            .networks(market.networks())
            .routes(
                RouteTable.builder()
                    .route("GET /weather", PaidRoute.of("$0.01", market.network(), market.payTo()))
                    .route("POST /echo", PaidRoute.of("$0.01", market.network(), market.payTo()))
                    .build())
            .build();
    ServletContextHandler context = new ServletContextHandler("/");
    Filter counting =
        (req, resp, chain) -> {
          received.incrementAndGet();
          if (((jakarta.servlet.http.HttpServletRequest) req).getHeader("SIGN-IN-WITH-X") != null) {
            signIns.incrementAndGet();
          }
          chain.doFilter(req, v1Only ? new V1Only((HttpServletResponse) resp) : resp);
        };
    context.addFilter(new FilterHolder(counting), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addFilter(
        new FilterHolder(new PaymentFilter(gate, 64 * 1024)),
        "/*",
        EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new Shop(handled)), "/*");
    server.setHandler(context);
    server.start();
  }

  static JettyShop start(TestMarket market) throws Exception {
    return new JettyShop(market, false, false);
  }

  static JettyShop startV1Only(TestMarket market) throws Exception {
    return new JettyShop(market, true, false);
  }

  /** A shop whose gate declares sign-in-with-x: a wallet that paid may sign in instead. */
  static JettyShop startWithSignIn(TestMarket market) throws Exception {
    return new JettyShop(market, false, true);
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** Drops the v2 header from 402 answers. */
  private static final class V1Only extends HttpServletResponseWrapper {
    V1Only(HttpServletResponse response) {
      super(response);
    }

    @Override
    public void setHeader(String name, String value) {
      if (!name.equalsIgnoreCase("PAYMENT-REQUIRED")) {
        super.setHeader(name, value);
      }
    }

    @Override
    public void addHeader(String name, String value) {
      if (!name.equalsIgnoreCase("PAYMENT-REQUIRED")) {
        super.addHeader(name, value);
      }
    }
  }

  private static final class Shop extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final AtomicInteger handled;

    Shop(AtomicInteger handled) {
      this.handled = handled;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      handled.incrementAndGet();
      switch (req.getRequestURI()) {
        case "/weather" -> {
          resp.setContentType("application/json");
          resp.getWriter().write("{\"weather\":\"sunny\"}");
        }
        case "/echo" -> {
          resp.setContentType(req.getContentType());
          resp.getOutputStream().write(req.getInputStream().readAllBytes());
        }
        default -> resp.sendError(404);
      }
    }
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("stopping the shop failed", e);
    }
  }
}
