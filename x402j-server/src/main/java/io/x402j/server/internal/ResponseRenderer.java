package io.x402j.server.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.x402j.core.ErrorReason;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentHeader;
import io.x402j.core.wire.PaymentRequirementsV1;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.WireCodec;
import io.x402j.server.GateRequest;
import io.x402j.server.GateResponse;
import io.x402j.server.PaymentGate;
import io.x402j.server.PaywallOptions;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the gate's answers: the 402 that asks for a payment (the v2 {@code PAYMENT-REQUIRED}
 * header, the v1 JSON body, or the paywall page for a browser), refusals of a payment in the
 * payer's protocol version, receipt headers, and plain errors. Every gated answer is {@code
 * no-store} and exposes the x402 headers to browser scripts. Immutable. Not part of the x402j API.
 */
public final class ResponseRenderer {
  private static final String JSON = "application/json";
  private static final String EXPOSE = "Access-Control-Expose-Headers";

  private final NetworkRegistry networks;
  private final PaywallOptions paywall;
  private final HeaderCodec headers;
  private final WireCodec wire;
  private final ObjectMapper mapper = new ObjectMapper();

  /** Renders with these codecs; the paywall page names tokens from {@code networks}. */
  public ResponseRenderer(
      NetworkRegistry networks, PaywallOptions paywall, HeaderCodec headers, WireCodec wire) {
    this.networks = networks;
    this.paywall = paywall;
    this.headers = headers;
    this.wire = wire;
  }

  /** The 402 for a request without a payment: the paywall page for a browser, else JSON. */
  public GateResponse unpaid(RouteOffer offer, GateRequest request) {
    Map<String, String> h = baseHeaders(offer, "Payment required");
    if (paywall.enabled() && offer.route().protocolV2() && isBrowser(request)) {
      String html =
          paywall.customHtml() != null
              ? paywall.customHtml()
              : PaywallPage.render(
                  offer.paymentRequired("Payment required"), networks, paywall.appName(), wire);
      return GateResponse.of(402, "text/html; charset=utf-8", html, h);
    }
    String body = offer.speaksV1() ? v1Body(offer, "X-PAYMENT header is required", null) : "{}";
    return GateResponse.of(402, JSON, body, h);
  }

  /**
   * The 402 refusing a payment before settlement, in the payer's protocol version.
   *
   * @param payer the payer, when the facilitator named one, else {@code null}
   */
  public GateResponse refusal(RouteOffer offer, int x402Version, String reason, String payer) {
    Map<String, String> h = baseHeaders(offer, reason);
    String body = x402Version == 1 && offer.speaksV1() ? v1Body(offer, reason, payer) : "{}";
    // As the official server: a payer without a Permit2 allowance gets 412 with the same
    // PAYMENT-REQUIRED, so a client can approve Permit2 (or sponsor it) and pay again.
    int status = ErrorReason.PERMIT2_ALLOWANCE_REQUIRED.wire().equals(reason) ? 412 : 402;
    return GateResponse.of(status, JSON, body, h);
  }

  /** The 402 for a settlement that failed: the failure receipt (v2) or the v1 body. */
  public GateResponse settlementRefusal(PaidRequest paid, SettleResponse receipt) {
    String reason =
        receipt.errorReason() == null
            ? ErrorReason.UNEXPECTED_SETTLE_ERROR.wire()
            : receipt.errorReason();
    if (paid.x402Version() == 1) {
      // The v1 SDK sends no receipt with a failed settlement; its client rejects an empty hash.
      return GateResponse.of(
          402,
          JSON,
          v1Body(paid.offer(), reason, receipt.payer()),
          baseHeaders(paid.offer(), null));
    }
    Map<String, String> h = new LinkedHashMap<>();
    h.put(PaymentHeader.PAYMENT_RESPONSE.headerName(), headers.encodePaymentResponse(receipt));
    h.put("Cache-Control", "no-store");
    h.put(EXPOSE, PaymentGate.EXPOSED_HEADERS);
    return GateResponse.of(402, JSON, "{}", h);
  }

  /** The 402 for a settlement still pending when the gate stopped waiting: ask again later. */
  public GateResponse stillPending(PaidRequest paid, SettleResponse receipt) {
    GateResponse refusal = settlementRefusal(paid, receipt);
    Map<String, String> withRetry = new LinkedHashMap<>(refusal.headers());
    withRetry.put("Retry-After", "5");
    return new GateResponse(402, withRetry, refusal.body());
  }

  /** The headers released with a settled (or knowingly pending) response: the receipt. */
  public Map<String, String> receiptHeaders(int x402Version, SettleResponse receipt) {
    Map<String, String> out = new LinkedHashMap<>();
    if (x402Version == 2) {
      out.put(PaymentHeader.PAYMENT_RESPONSE.headerName(), headers.encodePaymentResponse(receipt));
    } else {
      out.put(
          PaymentHeader.X_PAYMENT_RESPONSE.headerName(), headers.encodeXPaymentResponse(receipt));
    }
    out.put(EXPOSE, PaymentGate.EXPOSED_HEADERS);
    return out;
  }

  /** The headers released with a response nothing was charged for. */
  public Map<String, String> unchargedHeaders() {
    return Map.of(EXPOSE, PaymentGate.EXPOSED_HEADERS);
  }

  /** A plain JSON error, {@code {"error": message}}. */
  public GateResponse error(int status, String message) {
    ObjectNode body = mapper.createObjectNode();
    body.put("error", message);
    return GateResponse.of(status, JSON, body.toString(), Map.of("Cache-Control", "no-store"));
  }

  private Map<String, String> baseHeaders(RouteOffer offer, String error) {
    Map<String, String> h = new LinkedHashMap<>();
    if (error != null && offer.route().protocolV2()) {
      h.put(
          PaymentHeader.PAYMENT_REQUIRED.headerName(),
          headers.encodePaymentRequired(offer.paymentRequired(error)));
    }
    h.put("Cache-Control", "no-store");
    h.put(EXPOSE, PaymentGate.EXPOSED_HEADERS);
    return h;
  }

  private String v1Body(RouteOffer offer, String error, String payer) {
    ObjectNode root = mapper.createObjectNode();
    root.put("x402Version", 1);
    root.put("error", error);
    ArrayNode accepts = root.putArray("accepts");
    for (PaymentRequirementsV1 r : offer.v1()) {
      try {
        accepts.add(mapper.readTree(wire.toJson(r)));
      } catch (IOException e) {
        throw new IllegalStateException("cannot re-read our own JSON", e);
      }
    }
    if (payer != null) {
      root.put("payer", payer);
    }
    return root.toString();
  }

  private static boolean isBrowser(GateRequest request) {
    return request.header("Accept").orElse("").contains("text/html")
        && request.header("User-Agent").orElse("").contains("Mozilla");
  }
}
