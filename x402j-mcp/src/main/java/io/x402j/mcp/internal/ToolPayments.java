package io.x402j.mcp.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.x402j.client.Charge;
import io.x402j.client.Payer;
import io.x402j.client.PaymentAuthorization;
import io.x402j.client.PaymentChallenge;
import io.x402j.client.PaymentRefusedException;
import io.x402j.core.X402Exception;
import io.x402j.core.support.Text;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.MalformedMessageException;
import io.x402j.core.wire.PaymentHeader;
import io.x402j.core.wire.SettleResponse;
import io.x402j.mcp.McpPaymentException;
import io.x402j.mcp.McpPayments;
import io.x402j.mcp.PaidToolResult;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of paying one tool call, shared by the sync and async paying clients: read the payment
 * request and let the {@link Payer} authorize it, put the payment in the retry's {@code _meta},
 * read the receipt, and turn a second payment request into an error. Not part of the x402j API.
 */
public final class ToolPayments {
  /** The server name used when none is given. */
  public static final URI DEFAULT_SERVER = URI.create("mcp://mcp-server");

  private static final Logger LOG = LoggerFactory.getLogger(ToolPayments.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HeaderCodec HEADERS = HeaderCodec.standard();

  private final Payer payer;
  private final URI server;

  /** Steps paying with {@code payer} for calls to {@code server}. */
  public ToolPayments(Payer payer, URI server) {
    this.payer = Objects.requireNonNull(payer, "payer");
    this.server = checkServer(server);
  }

  /** The server as budgets know it. */
  public URI server() {
    return server;
  }

  /**
   * {@code server}, when it names a host per-host budgets can count against.
   *
   * @throws IllegalArgumentException naming the problem otherwise
   */
  public static URI checkServer(URI server) {
    Objects.requireNonNull(server, "server");
    try {
      new PaymentChallenge(server, Map.of(), null).host();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("server: " + e.getMessage(), e);
    }
    return server;
  }

  /** Whether the caller already put a payment in the request. */
  public static boolean carriesPayment(McpSchema.CallToolRequest request) {
    return request.meta() != null && request.meta().containsKey(McpPayments.PAYMENT_META);
  }

  /**
   * Pays what tool {@code tool} asked for: reads it, checks it against the spend controls and
   * budgets, records the spend and signs.
   *
   * @throws PaymentRefusedException when nothing may be paid (nothing signed)
   * @throws X402Exception when the payment request is unreadable (nothing signed)
   */
  public PaymentAuthorization authorize(String tool, ObjectNode required) {
    try {
      return payer.authorize(ToolChallenges.challenge(server, required));
    } catch (PaymentRefusedException e) {
      throw e;
    } catch (X402Exception e) {
      throw new X402Exception(
          "tool "
              + Text.quote(tool)
              + " at "
              + server
              + " asked for payment with an unreadable PaymentRequired; nothing was paid: "
              + e.getMessage(),
          e);
    }
  }

  /** {@code request} with the signed payment added to its {@code _meta}, all else kept. */
  public McpSchema.CallToolRequest withPayment(
      McpSchema.CallToolRequest request, PaymentAuthorization authorization) {
    Map<String, Object> meta = new LinkedHashMap<>();
    if (request.meta() != null) {
      meta.putAll(request.meta());
    }
    if (authorization.headerName().equals(PaymentHeader.X_PAYMENT.headerName())) {
      // A v1 payment (McpPayments speaks v2): the X-PAYMENT JSON as it is.
      meta.put(
          McpPayments.PAYMENT_META,
          McpJson.toMap(HEADERS.json(PaymentHeader.X_PAYMENT, authorization.headerValue())));
    } else {
      meta.putAll(
          McpPayments.paymentMeta(HEADERS.decodePaymentSignature(authorization.headerValue())));
    }
    return new McpSchema.CallToolRequest(request.name(), request.arguments(), meta);
  }

  /**
   * The settlement receipt in {@code result}'s {@code _meta}, if it carries a readable one; an
   * unreadable one is logged and counts as none.
   */
  public Optional<SettleResponse> receipt(McpSchema.CallToolResult result) {
    try {
      return McpPayments.paymentResponse(result);
    } catch (MalformedMessageException e) {
      LOG.warn("the receipt from {} is unreadable: {}", server, Text.quote(e.getMessage()));
      return Optional.empty();
    }
  }

  /**
   * The error for a call that asked for payment again after being paid: the payer is told (the
   * payment keeps counting as spent), and the error says what was paid and the server's reason.
   */
  public McpPaymentException askedAgain(
      String tool,
      PaymentAuthorization authorization,
      ObjectNode required,
      SettleResponse receipt) {
    Charge charge = payer.paid(authorization, 402, receipt);
    Optional<String> reason = ToolChallenges.reason(required);
    if (reason.isEmpty() && receipt != null && receipt.errorReason() != null) {
      reason = ToolChallenges.reason(JSON.createObjectNode().put("error", receipt.errorReason()));
    }
    return new McpPaymentException(
        "tool "
            + Text.quote(tool)
            + " at "
            + server
            + " was paid ("
            + authorization.payment().describe()
            + ") and asked for payment again: "
            + reason.orElse("no reason given")
            + "; it is not paid twice",
        authorization.payment(),
        charge,
        receipt,
        null);
  }

  /**
   * What the paid retry's answer means: the result with what was paid, or (thrown) the error for a
   * second payment request. Tells the payer how the call ended either way.
   *
   * @throws McpPaymentException when the answer asks for payment again
   */
  public PaidToolResult paidAnswer(
      String tool, PaymentAuthorization authorization, McpSchema.CallToolResult answer) {
    Optional<ObjectNode> again = ToolChallenges.of(answer);
    SettleResponse receipt = receipt(answer).orElse(null);
    if (again.isPresent()) {
      throw askedAgain(tool, authorization, again.get(), receipt);
    }
    // The payer's hooks take an HTTP status: a tool error reads as a failed request.
    Charge charge =
        payer.paid(authorization, Boolean.TRUE.equals(answer.isError()) ? 500 : 200, receipt);
    return new PaidToolResult(answer, authorization.payment(), receipt, charge);
  }

  /**
   * The error for a paid retry that failed with {@code failure} instead of answering: a 402 error
   * asking again, another JSON-RPC error (the payer is told), or no answer at all (the payment
   * keeps counting at its full amount: it may have been settled).
   */
  public McpPaymentException paidFailure(
      String tool, PaymentAuthorization authorization, Throwable failure) {
    if (failure instanceof McpError error) {
      Optional<ObjectNode> again = ToolChallenges.of(error);
      if (again.isPresent()) {
        return askedAgain(tool, authorization, again.get(), null);
      }
      Charge charge = payer.paid(authorization, 500, null);
      return new McpPaymentException(
          "tool "
              + Text.quote(tool)
              + " at "
              + server
              + " was paid ("
              + authorization.payment().describe()
              + ") and answered with an error: "
              + Text.quote(error.getMessage()),
          authorization.payment(),
          charge,
          null,
          error);
    }
    return new McpPaymentException(
        "tool "
            + Text.quote(tool)
            + " at "
            + server
            + " was paid ("
            + authorization.payment().describe()
            + ") and the call got no answer: "
            + Text.quote(String.valueOf(failure.getMessage())),
        authorization.payment(),
        null,
        null,
        failure);
  }
}
