package io.x402j.client.testing;

import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.ResourceInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * Two embedded Jetty servers on the loopback, for redirect tests: a shop, reached as {@code
 * 127.0.0.1}, that asks $0.01 (USDC on Base Sepolia) for every path and answers a paid request with
 * 200, or for {@code /away} with a redirect to the other server; and an elsewhere, reached as
 * {@code localhost} on another port, whose {@code /hop} redirects to the shop's {@code /weather}.
 * Nothing is verified or settled: the tests look at where the payment header went. Both record what
 * they receive.
 */
public final class TwoOrigins implements AutoCloseable {
  /** A request as received: the path and the payment header, if any. */
  public record Received(String method, String path, String payment) {}

  /** The recipient of the shop's 402s. */
  public static final String SELLER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";

  private final Server shop;
  private final Server elsewhere;

  /** What the shop received. */
  public final List<Received> atShop = new CopyOnWriteArrayList<>();

  /** What the other server received. */
  public final List<Received> atElsewhere = new CopyOnWriteArrayList<>();

  /** The {@code SIGN-IN-WITH-X} headers the shop received (requests without one are not listed). */
  public final List<String> signInsAtShop = new CopyOnWriteArrayList<>();

  private TwoOrigins() throws Exception {
    shop = start(this::shop);
    elsewhere = start(this::elsewhere);
  }

  /** Starts both servers. */
  public static TwoOrigins start() throws Exception {
    return new TwoOrigins();
  }

  /** The shop's base URL, {@code http://127.0.0.1:<port>}. */
  public String shop() {
    return "http://127.0.0.1:" + port(shop);
  }

  /** The other server's base URL, {@code http://localhost:<port>}. */
  public String elsewhere() {
    return "http://localhost:" + port(elsewhere);
  }

  /** The shop's 402 header: $0.01 for {@code resource.url} https://trusted.example + path. */
  static String paymentRequired(String path) {
    PaymentRequirements r =
        PaymentRequirements.builder()
            .network(Network.evm(84532))
            .amount(TokenAmount.of(10_000))
            .asset("0x036CbD53842c5426634e7929541eC2318f3dCF7e")
            .payTo(SELLER)
            .extra("name", "USDC")
            .extra("version", "2")
            .build();
    return HeaderCodec.standard()
        .encodePaymentRequired(
            PaymentRequired.of(
                "Payment required", ResourceInfo.of("https://trusted.example" + path), List.of(r)));
  }

  private boolean shop(Request request, Response response, Callback callback) {
    Received received = received(request);
    atShop.add(received);
    String signIn = request.getHeaders().get("SIGN-IN-WITH-X");
    if (signIn != null) {
      signInsAtShop.add(signIn);
    }
    if (received.payment() == null) {
      response.setStatus(402);
      response.getHeaders().put("PAYMENT-REQUIRED", paymentRequired(received.path()));
      write(response, "{}", callback);
    } else if (received.path().equals("/away")) {
      redirect(response, elsewhere() + "/landing", callback);
    } else {
      write(response, "paid", callback);
    }
    return true;
  }

  private boolean elsewhere(Request request, Response response, Callback callback) {
    Received received = received(request);
    atElsewhere.add(received);
    if (received.path().equals("/hop")) {
      redirect(response, shop() + "/weather", callback);
    } else {
      write(response, "elsewhere", callback);
    }
    return true;
  }

  private static Received received(Request request) {
    String payment = request.getHeaders().get("PAYMENT-SIGNATURE");
    if (payment == null) {
      payment = request.getHeaders().get("X-PAYMENT");
    }
    return new Received(request.getMethod(), Request.getPathInContext(request), payment);
  }

  private static void redirect(Response response, String location, Callback callback) {
    response.setStatus(302);
    response.getHeaders().put("Location", location);
    write(response, "", callback);
  }

  private static void write(Response response, String body, Callback callback) {
    response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
  }

  private interface Answering {
    boolean answer(Request request, Response response, Callback callback);
  }

  private static Server start(Answering answering) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            return answering.answer(request, response, callback);
          }
        });
    server.start();
    return server;
  }

  private static int port(Server server) {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  @Override
  public void close() {
    try {
      shop.stop();
      elsewhere.stop();
    } catch (Exception e) {
      throw new IllegalStateException("stopping the test servers failed", e);
    }
  }
}
