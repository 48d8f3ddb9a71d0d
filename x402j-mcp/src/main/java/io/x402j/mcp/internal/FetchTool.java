package io.x402j.mcp.internal;

import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.x402j.client.Charge;
import io.x402j.client.PaidResponse;
import io.x402j.client.PaymentAnswerLostException;
import io.x402j.client.PaymentRefusedException;
import io.x402j.client.PlannedPayment;
import io.x402j.client.X402Client;
import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.TokenAmount;
import io.x402j.core.X402Exception;
import io.x402j.core.support.Text;
import io.x402j.core.wire.PaymentHeader;
import io.x402j.core.wire.SettleResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code x402_fetch}: requests a URL through the {@link X402Client}, so a 402 is paid exactly as
 * {@code x402j pay} pays it (the same payer, spend controls, budget and spend log), and reports the
 * answer and what was paid.
 */
public final class FetchTool {
  /** The tool's arguments. */
  public static final Set<String> ARGUMENTS = Set.of("url", "method", "headers", "body");

  /** The response headers reported. */
  private static final List<String> HEADERS =
      List.of(
          "content-type",
          "content-length",
          "content-encoding",
          "location",
          "retry-after",
          "cache-control",
          "etag",
          "last-modified");

  private final X402Client client;
  private final Accounts accounts;
  private final NetworkRegistry networks;
  private final int maxBodyBytes;
  private final Duration timeout;

  /** A tool sending with {@code client}; bodies are cut at {@code maxBodyBytes}. */
  public FetchTool(
      X402Client client,
      Accounts accounts,
      NetworkRegistry networks,
      int maxBodyBytes,
      Duration timeout) {
    this.client = client;
    this.accounts = accounts;
    this.networks = networks;
    this.maxBodyBytes = maxBodyBytes;
    this.timeout = timeout;
  }

  /** Runs a call. */
  public CallToolResult call(Map<String, Object> arguments) {
    HttpRequest request;
    URI url;
    try {
      ToolArguments args = ToolArguments.of(arguments, ARGUMENTS);
      url = args.url("url");
      String body = args.optionalString("body");
      String method = args.method("method", body != null);
      Map<String, String> headers = args.headers("headers");
      request = request(url, method, headers, body);
    } catch (IllegalArgumentException e) {
      return ToolResults.error(e.getMessage());
    }
    PaidResponse<CappedBody.Read> response;
    try {
      // At most maxBodyBytes (+1) of the body are read, and the body ends at the timeout: the
      // request's own timeout ends at the headers, and a paid answer must still be reported.
      response = client.send(request, CappedBody.handler(maxBodyBytes, timeout));
    } catch (PaymentRefusedException e) {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("paid", false);
      details.put("reasons", e.reasons());
      return ToolResults.error(
          "nothing was paid for " + url + ": " + String.join("; ", e.reasons()), details);
    } catch (X402Exception e) {
      return ToolResults.error("the payment failed: " + e.getMessage(), Map.of("paid", false));
    } catch (PaymentAnswerLostException e) {
      // Signed and sent: it may have been settled. "paid: false" would invite a second payment.
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("paid", true);
      details.put("answerLost", true);
      details.put("payment", payment(e.payment(), null, null));
      return ToolResults.error(
          "paid "
              + e.payment().describe()
              + " to "
              + url
              + " but the answer was lost ("
              + (e.getCause() == null ? "no reason given" : e.getCause().getMessage())
              + "); the payment may have been settled, so do not pay for this request again"
              + " without checking",
          details);
    } catch (IOException e) {
      return ToolResults.error(
          "cannot reach " + url + ": " + e.getMessage(), Map.of("paid", false));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ToolResults.error("interrupted", Map.of("paid", false));
    }
    return answer(response);
  }

  private HttpRequest request(URI url, String method, Map<String, String> headers, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(url)
            .timeout(timeout)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    boolean contentType = false;
    for (Map.Entry<String, String> h : headers.entrySet()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (name.equals(PaymentHeader.PAYMENT_SIGNATURE.headerName().toLowerCase(Locale.ROOT))
          || name.equals(PaymentHeader.X_PAYMENT.headerName().toLowerCase(Locale.ROOT))) {
        throw new ToolArguments.BadArgument(
            "headers: " + h.getKey() + " is not sent by the caller; the wallet pays");
      }
      contentType |= name.equals("content-type");
      try {
        b.header(h.getKey(), h.getValue());
      } catch (IllegalArgumentException e) {
        throw new ToolArguments.BadArgument(
            "headers: " + Text.quote(h.getKey()) + " cannot be sent: " + e.getMessage());
      }
    }
    if (body != null && !contentType) {
      b.header("Content-Type", "application/json");
    }
    return b.build();
  }

  private CallToolResult answer(PaidResponse<CappedBody.Read> response) {
    Map<String, Object> out = new LinkedHashMap<>();
    int status = response.statusCode();
    out.put("status", status);
    out.put("url", response.response().uri().toString());
    Map<String, String> headers = new LinkedHashMap<>();
    for (String name : HEADERS) {
      response.response().headers().firstValue(name).ifPresent(v -> headers.put(name, v));
    }
    out.put("headers", headers);
    SettleResponse receipt = response.receipt();
    PlannedPayment paid = response.paid().orElse(null);
    out.put("paid", paid != null);
    if (paid != null) {
      out.put("payment", payment(paid, response.charged().orElse(null), receipt));
    }
    CappedBody.Read body = response.body();
    HttpBodies.describe(
        body.bytes(),
        headers.get("content-type"),
        declaredLength(response.response().headers()),
        body.timedOut(),
        maxBodyBytes,
        out);
    if (paid != null && status == 402) {
      return ToolResults.error(
          "paid "
              + paid.describe()
              + " but the server answered the payment with another 402"
              + (receipt == null || receipt.errorReason() == null
                  ? ""
                  : ": " + Text.quote(receipt.errorReason())),
          out);
    }
    if (paid != null && receipt != null && !receipt.success()) {
      return ToolResults.error(
          "paid "
              + paid.describe()
              + " but the payment did not settle: "
              + Text.quote(receipt.errorReason())
              + (receipt.errorMessage() == null
                  ? ""
                  : " (" + Text.quote(receipt.errorMessage()) + ")"),
          out);
    }
    if (paid == null && status == 402) {
      return ToolResults.error("HTTP 402 without payable x402 requirements; nothing was paid", out);
    }
    return ToolResults.ok(out);
  }

  private Map<String, Object> payment(PlannedPayment paid, Charge charge, SettleResponse receipt) {
    var r = paid.requirements();
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("scheme", r.scheme());
    p.put("network", r.network().toString());
    TokenAmount charged = charge != null ? charge.charged() : r.amount();
    p.put("amount", Offers.amount(paid, charged));
    p.put("amountAtomic", charged.value().toString());
    if (paid.usd().isPresent()) {
      p.put("usd", "$" + charged.toUnits(paid.asset().decimals()).toPlainString());
    }
    p.put("asset", r.asset());
    p.put("payTo", r.payTo());
    // The wallet's own address signed: a seller's receipt must not rename the payer.
    String payer =
        accounts
            .on(r.network())
            .orElse(
                receipt != null && receipt.payer() != null && !receipt.payer().isEmpty()
                    ? receipt.payer()
                    : null);
    if (payer != null) {
      p.put("payer", payer);
    }
    if (receipt != null) {
      // A receipt for another network is not this payment's settlement, whatever it says.
      boolean ours = sameNetwork(r.network(), receipt.network());
      p.put("settled", receipt.success() && ours);
      if (!ours) {
        p.put("receiptNetwork", receipt.network());
      }
      if (receipt.transaction() != null && !receipt.transaction().isEmpty()) {
        p.put("transaction", receipt.transaction());
      }
    }
    return p;
  }

  /** Whether a receipt's network (CAIP-2, or a v1 name) is {@code paidOn}. */
  private boolean sameNetwork(Network paidOn, String stated) {
    if (stated == null) {
      return false;
    }
    try {
      return networks.resolve(stated).equals(paidOn);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The Content-Length the server declared, if it is a number. */
  private static java.util.OptionalLong declaredLength(java.net.http.HttpHeaders headers) {
    try {
      return headers.firstValueAsLong("content-length");
    } catch (NumberFormatException e) {
      return java.util.OptionalLong.empty();
    }
  }
}
