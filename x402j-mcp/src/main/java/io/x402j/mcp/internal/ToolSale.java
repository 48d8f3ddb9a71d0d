package io.x402j.mcp.internal;

import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.x402j.core.support.Futures;
import io.x402j.core.support.Text;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.MalformedMessageException;
import io.x402j.core.wire.PaymentHeader;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.WireCodec;
import io.x402j.mcp.McpPayments;
import io.x402j.server.Admission;
import io.x402j.server.Completion;
import io.x402j.server.GateDecision;
import io.x402j.server.GateResponse;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentGate;
import io.x402j.server.SettlementOverride;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sells one tool call through the HTTP {@link PaymentGate}: the call is presented to the gate as a
 * {@link ToolCall}, and the gate's answers are translated to MCP. The gate decides everything about
 * money (matching, replay store, verification, settlement only after the tool succeeded, receipts);
 * this class only sequences the tool between {@link Admission}'s verify and complete, and never
 * returns the tool's result unless the completion says {@link Completion.Release release}.
 *
 * <p>Every payment problem becomes a payment-required answer naming it (a tool result, or the
 * JSON-RPC 402 error when {@code errorForm}); a tool that throws is not charged and its exception
 * propagates as the SDK would report it for an unpaid tool. Immutable and thread-safe. Not part of
 * the x402j API.
 */
public final class ToolSale {
  private static final Logger LOG = LoggerFactory.getLogger(ToolSale.class);
  private static final HeaderCodec HEADERS = HeaderCodec.standard();
  private static final WireCodec WIRE = WireCodec.standard();

  /** The {@code _meta} key through which a tool states what an {@code upto} call charges. */
  public static final String SETTLEMENT_OVERRIDE_META = "x402j/settlement-override";

  private final PaymentGate gate;
  private final boolean errorForm;

  /**
   * @param gate the gate whose routes resolve {@link ToolCall}s to their price
   * @param errorForm whether payment-required answers are JSON-RPC 402 errors rather than results
   */
  public ToolSale(PaymentGate gate, boolean errorForm) {
    this.gate = Objects.requireNonNull(gate, "gate");
    this.errorForm = errorForm;
  }

  /** Closes the gate: writes the sales events its writer still holds and stops the writer. */
  public void close() {
    gate.close();
  }

  /**
   * Runs {@code tool} for {@code request} if, and settles only when, it is paid. The future fails
   * with the tool's own exception, or with the 402 {@code McpError} in the error form.
   */
  public CompletableFuture<CallToolResult> call(
      String name,
      CallToolRequest request,
      PaidRoute price,
      Function<CallToolRequest, CompletableFuture<CallToolResult>> tool) {
    ToolCall unpaid = new ToolCall(name, request, price, null);
    PaymentPayload payment;
    try {
      payment = McpPayments.paymentPayload(request).orElse(null);
    } catch (MalformedMessageException e) {
      return askForPayment(unpaid, "invalid payment: " + e.getMessage(), null);
    }
    String header = null;
    if (payment != null) {
      header = HEADERS.encodePaymentSignature(payment);
      if (header.length() > HEADERS.maxLength()) {
        return askForPayment(
            unpaid,
            "invalid payment: _meta[\""
                + McpPayments.PAYMENT_META
                + "\"] is too large ("
                + header.length()
                + " characters encoded, at most "
                + HEADERS.maxLength()
                + ")",
            null);
      }
    }
    // Tool names are exact, case-sensitive strings: the gate's comparison of URL paths (case
    // folded, normalised, skipped when unparseable) would let a payment for one tool buy another.
    String elsewhere =
        payment != null
                && payment.resource() != null
                && payment.resource().url() != null
                && !payment.resource().url().equals(unpaid.url())
            ? "the payment was made for "
                + Text.quote(payment.resource().url())
                + ", not for this tool ("
                + unpaid.url()
                + ")"
            : null;
    ToolCall call = new ToolCall(name, request, price, header);
    return gate.check(call).thenCompose(decision -> decided(call, decision, elsewhere, tool));
  }

  private CompletableFuture<CallToolResult> decided(
      ToolCall call,
      GateDecision decision,
      String elsewhere,
      Function<CallToolRequest, CompletableFuture<CallToolResult>> tool) {
    if (decision instanceof GateDecision.Respond respond) {
      return answer(call, respond.response());
    }
    if (decision instanceof GateDecision.Admit admit
        && elsewhere != null
        && !admit.admission().settledBeforeHandler()) {
      admit.admission().abandon(); // the tool does not run; the payment stays the buyer's
      return askForPayment(call.unpaid(), elsewhere, null);
    }
    if (decision instanceof GateDecision.Admit admit) {
      return admitted(call, admit.admission(), tool);
    }
    // The resolver prices every tool call; a free decision would be a bug, never a free call.
    return CompletableFuture.failedFuture(
        new IllegalStateException("the gate let a sold tool call through unpaid"));
  }

  private CompletableFuture<CallToolResult> admitted(
      ToolCall call,
      Admission admission,
      Function<CallToolRequest, CompletableFuture<CallToolResult>> tool) {
    CompletableFuture<CallToolResult> run;
    try {
      run = Objects.requireNonNull(tool.apply(call.request()), "the tool returned no future");
    } catch (RuntimeException | Error e) {
      admission.abandon();
      return CompletableFuture.failedFuture(e);
    }
    return run.handle(
            (result, error) -> {
              if (error != null || result == null) {
                // Not charged: the payment may be used again.
                admission.abandon();
                return CompletableFuture.<CallToolResult>failedFuture(
                    error != null
                        ? Futures.unwrap(error)
                        : new IllegalStateException("tool " + call.name() + " returned no result"));
              }
              return complete(call, admission, result);
            })
        .thenCompose(f -> f);
  }

  private CompletableFuture<CallToolResult> complete(
      ToolCall call, Admission admission, CallToolResult result) {
    boolean failed = Boolean.TRUE.equals(result.isError());
    SettlementOverride amount = null;
    // Settled before the tool ran: the stated amount is ignored, never a reason to refuse.
    if (!failed && !admission.settledBeforeHandler()) {
      try {
        amount = statedAmount(result);
      } catch (IllegalArgumentException e) {
        admission.abandon();
        LOG.error("tool {} stated an unusable amount: {}", call.name(), e.getMessage());
        return CompletableFuture.completedFuture(
            errorResult(
                "tool "
                    + call.name()
                    + " stated an unusable amount to charge; nothing was charged"));
      }
    }
    // A failed tool is completed as a failed HTTP handler: released without a charge.
    return admission
        .complete(failed ? 500 : 200, amount)
        .thenCompose(completion -> completed(call, result, completion));
  }

  private CompletableFuture<CallToolResult> completed(
      ToolCall call, CallToolResult result, Completion completion) {
    if (completion instanceof Completion.Release release) {
      if (!release.settled()) {
        return CompletableFuture.completedFuture(withMeta(result, null));
      }
      String receipt = headerOf(release.headers(), PaymentHeader.PAYMENT_RESPONSE.headerName());
      SettleResponse settled = receipt == null ? null : HEADERS.decodePaymentResponse(receipt);
      return CompletableFuture.completedFuture(withMeta(result, settled));
    }
    // Refused: the tool's result is dropped, whatever it was.
    return answer(call, ((Completion.Refuse) completion).response());
  }

  /** Translates an answer of the gate that is not the tool's: payment required, or an error. */
  private CompletableFuture<CallToolResult> answer(ToolCall call, GateResponse response) {
    String required = response.header(PaymentHeader.PAYMENT_REQUIRED.headerName());
    if (required != null) {
      return paymentRequired(HEADERS.decodePaymentRequired(required));
    }
    String receipt = response.header(PaymentHeader.PAYMENT_RESPONSE.headerName());
    if (receipt != null) {
      SettleResponse failure = HEADERS.decodePaymentResponse(receipt);
      String reason = failure.errorReason() == null ? "unknown_reason" : failure.errorReason();
      String message = failure.errorMessage();
      String why =
          message == null || message.isBlank() || message.equals(reason)
              ? reason
              : reason + " (" + message + ")";
      return askForPayment(call.unpaid(), "settlement failed: " + why, failure);
    }
    return CompletableFuture.completedFuture(errorResult(errorMessage(response)));
  }

  /**
   * Asks for payment for {@code unpaid}, with {@code error} as the reason: the gate prices the call
   * exactly as for an unpaid request. A settlement failure's receipt rides along under {@code
   * x402/payment-response}, as the TypeScript server does.
   */
  private CompletableFuture<CallToolResult> askForPayment(
      ToolCall unpaid, String error, SettleResponse failure) {
    return gate.check(unpaid)
        .thenCompose(
            decision -> {
              if (decision instanceof GateDecision.Respond respond) {
                String header =
                    respond.response().header(PaymentHeader.PAYMENT_REQUIRED.headerName());
                if (header != null) {
                  PaymentRequired offer = HEADERS.decodePaymentRequired(header);
                  Map<String, Object> extra = new LinkedHashMap<>(offer.additionalFields());
                  if (failure != null) {
                    extra.put(
                        McpPayments.PAYMENT_RESPONSE_META, McpJson.toMap(WIRE.toJson(failure)));
                  }
                  return paymentRequired(
                      new PaymentRequired(
                          error, offer.resource(), offer.accepts(), offer.extensions(), extra));
                }
                return CompletableFuture.completedFuture(
                    errorResult(error + " (" + errorMessage(respond.response()) + ")"));
              }
              if (decision instanceof GateDecision.Admit admit) {
                admit.admission().abandon(); // cannot happen without a payment
              }
              return CompletableFuture.completedFuture(errorResult(error));
            });
  }

  private CompletableFuture<CallToolResult> paymentRequired(PaymentRequired required) {
    if (errorForm) {
      return CompletableFuture.failedFuture(McpPayments.paymentRequiredError(required));
    }
    return CompletableFuture.completedFuture(McpPayments.paymentRequiredResult(required));
  }

  /** The tool's result with the receipt added and the settlement statement removed. */
  private static CallToolResult withMeta(CallToolResult result, SettleResponse receipt) {
    Map<String, Object> meta =
        result.meta() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(result.meta());
    boolean stated = meta.remove(SETTLEMENT_OVERRIDE_META) != null;
    // Only the paywall issues receipts: one the tool wrote itself never reaches the caller.
    stated |= meta.remove(McpPayments.PAYMENT_RESPONSE_META) != null;
    if (receipt == null && !stated) {
      return result;
    }
    if (receipt != null) {
      meta.put(McpPayments.PAYMENT_RESPONSE_META, McpJson.toMap(WIRE.toJson(receipt)));
    }
    return new CallToolResult(
        result.content(),
        result.isError(),
        result.structuredContent(),
        meta.isEmpty() ? null : meta);
  }

  private static SettlementOverride statedAmount(CallToolResult result) {
    Map<String, Object> meta = result.meta();
    Object stated = meta == null ? null : meta.get(SETTLEMENT_OVERRIDE_META);
    return stated == null ? null : SettlementOverride.of(stated);
  }

  private static CallToolResult errorResult(String message) {
    return CallToolResult.builder().isError(true).addTextContent(message).build();
  }

  private static String errorMessage(GateResponse response) {
    Map<String, Object> body = McpJson.parseObjectOrNull(response.bodyText());
    Object error = body == null ? null : body.get("error");
    return error instanceof String text
        ? text
        : "payment processing failed (" + response.status() + ")";
  }

  private static String headerOf(Map<String, String> headers, String name) {
    for (Map.Entry<String, String> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }
}
