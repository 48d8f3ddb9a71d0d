package io.x402j.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.client.PaidResponse;
import io.x402j.client.Payer;
import io.x402j.client.SignInChoice;
import io.x402j.client.SpendControls;
import io.x402j.client.X402Client;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.PaymentWaiver;
import io.x402j.server.RouteTable;
import io.x402j.server.siwx.SignInWithXExtension;
import io.x402j.testkit.RawHttp;
import io.x402j.testkit.TestMarket;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The application behind the filter is told who signed in: a buyer pays on the devnet, then signs
 * in with sign-in-with-x and its handler sees the wallet in {@link
 * PaymentFilter#SIGNED_IN_ATTRIBUTE}; on a paid or free request the attribute is absent.
 */
class PaymentFilterSignInIT {
  static TestMarket market;
  static Server server;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.start(); // bound first: the sign-in origin names the port
    int port = connector.getLocalPort();
    base = "http://127.0.0.1:" + port;
    server.stop();
    connector.setPort(port);
    market = TestMarket.start();
    PaymentGate gate =
        PaymentGate.builder()
            .facilitator(HttpFacilitatorClient.builder(market.facilitatorUrl()).build())
            .networks(market.networks())
            .routes(
                RouteTable.builder()
                    .route("GET /report", PaidRoute.of("$0.01", market.network(), market.payTo()))
                    .build())
            .extension(SignInWithXExtension.builder().origin(base).build())
            .build();
    ServletContextHandler context = new ServletContextHandler("/");
    context.addFilter(
        new FilterHolder(new PaymentFilter(gate, 64 * 1024)),
        "/*",
        EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new WhoAmI()), "/*");
    server.setHandler(context);
    server.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.stop();
    market.close();
  }

  /** Answers with who the filter says signed in, or "nobody". */
  static final class WhoAmI extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      Object signedIn = req.getAttribute(PaymentFilter.SIGNED_IN_ATTRIBUTE);
      resp.setContentType("text/plain");
      resp.getWriter()
          .write(
              signedIn instanceof PaymentWaiver.Granted g
                  ? g.account() + " " + g.subject() + " " + g.network()
                  : "nobody");
    }
  }

  @Test
  void aWalletThatPaidSignsInAndTheHandlerKnowsWhichWallet() throws Exception {
    X402Client client =
        X402Client.builder(
                Payer.builder()
                    .signer(market.buyer())
                    .networks(market.networks())
                    .spendControls(SpendControls.unlimited())
                    .signIn(SignInChoice.whenPaidWithin(Duration.ofDays(1)))
                    .build())
            .build();
    HttpRequest report = HttpRequest.newBuilder(URI.create(base + "/report")).build();
    BigInteger before = market.sellerBalance();

    PaidResponse<String> paid = client.send(report, HttpResponse.BodyHandlers.ofString());
    assertThat(paid.statusCode()).isEqualTo(200);
    assertThat(paid.body()).isEqualTo("nobody"); // a paid request is no sign-in
    BigInteger afterPayment = market.sellerBalance();
    assertThat(afterPayment).isGreaterThan(before);

    PaidResponse<String> signedIn = client.send(report, HttpResponse.BodyHandlers.ofString());
    assertThat(signedIn.statusCode()).isEqualTo(200);
    String address = market.buyer().address().toString();
    assertThat(signedIn.body())
        .isEqualTo(market.network() + ":" + address + " " + address + " " + market.network());
    assertThat(market.sellerBalance()).isEqualTo(afterPayment); // nothing paid again
  }

  @Test
  void anUnpricedRequestHasNoSignedInAttribute() throws Exception {
    String whole =
        new RawHttp("127.0.0.1", URI.create(base).getPort())
            .exchangeWhole(
                ("GET /free HTTP/1.1\r\nHost: 127.0.0.1\r\nSign-In-With-X: x\r\n"
                        + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
    assertThat(whole).startsWith("HTTP/1.1 200").endsWith("nobody");
  }
}
