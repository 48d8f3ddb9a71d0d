package io.x402j.client.testing;

import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentRequired;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * An embedded Jetty server on the loopback that plays a seller from a script: a request without a
 * payment gets a 402 with the scripted {@code PAYMENT-REQUIRED}; a paid one gets 200 and, when set,
 * a {@code PAYMENT-RESPONSE} carrying the scripted JSON as it is (Base64), so tests can send
 * receipts no honest server would. Nothing is verified or settled. Records the payment headers.
 */
public final class ScriptedShop implements AutoCloseable {
  private final Server server;
  private volatile String paymentRequired;
  private volatile String receiptJson;
  private volatile int paidStatus = 200;
  private volatile String paidBody = "paid";
  private volatile boolean dropsPaid;

  /** The payment headers received, in order. */
  public final List<String> payments = new CopyOnWriteArrayList<>();

  private ScriptedShop() throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            return answer(request, response, callback);
          }
        });
    server.start();
  }

  /** Starts the server. */
  public static ScriptedShop start() throws Exception {
    return new ScriptedShop();
  }

  /** The base URL, {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  /** The 402 to answer unpaid requests with. */
  public ScriptedShop asks(PaymentRequired required) {
    this.paymentRequired = HeaderCodec.standard().encodePaymentRequired(required);
    return this;
  }

  /** The receipt JSON sent, Base64-encoded as it is, with paid requests; {@code null} for none. */
  public ScriptedShop answersWithReceipt(String json) {
    this.receiptJson = json;
    return this;
  }

  /** The status and body paid requests get (default 200, {@code paid}). */
  public ScriptedShop answersPaidWith(int status, String body) {
    this.paidStatus = status;
    this.paidBody = body;
    return this;
  }

  /** Paid requests are recorded, then their connection is closed without an answer. */
  public ScriptedShop dropsPaidRequests() {
    this.dropsPaid = true;
    return this;
  }

  private boolean answer(Request request, Response response, Callback callback) {
    String payment = request.getHeaders().get("PAYMENT-SIGNATURE");
    if (payment == null) {
      payment = request.getHeaders().get("X-PAYMENT");
    }
    String body;
    if (payment == null) {
      response.setStatus(402);
      response.getHeaders().put("PAYMENT-REQUIRED", paymentRequired);
      body = "{}";
    } else {
      payments.add(payment);
      if (dropsPaid) {
        request.getConnectionMetaData().getConnection().getEndPoint().close();
        callback.failed(new java.io.IOException("the scripted shop dropped a paid request"));
        return true;
      }
      String receipt = receiptJson;
      if (receipt != null) {
        response
            .getHeaders()
            .put(
                "PAYMENT-RESPONSE",
                Base64.getEncoder().encodeToString(receipt.getBytes(StandardCharsets.UTF_8)));
      }
      response.setStatus(paidStatus);
      body = paidBody;
    }
    response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    return true;
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("stopping the scripted shop failed", e);
    }
  }
}
