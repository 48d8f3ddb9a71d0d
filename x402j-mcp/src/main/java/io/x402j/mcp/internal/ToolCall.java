package io.x402j.mcp.internal;

import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.x402j.core.wire.PaymentHeader;
import io.x402j.server.GateRequest;
import io.x402j.server.PaidRoute;
import java.util.Objects;
import java.util.Optional;

/**
 * A tool call as the HTTP gate sees it, so that every rule of the gate (matching, replay store,
 * verification, settlement, receipts) applies to MCP unchanged: a {@code POST} to {@code /<tool>}
 * whose URL is the tool's resource {@code mcp://tool/<tool>}, carrying the payment of {@code
 * _meta["x402/payment"]} as a {@code PAYMENT-SIGNATURE} header. The route is the price the tool was
 * sold at ({@link #price}); price functions may {@link #unwrap} the {@link CallToolRequest} to
 * price by arguments. Not part of the x402j API.
 *
 * @param name the tool's name
 * @param request the MCP request
 * @param price the tool's price
 * @param paymentHeader the payment re-encoded as a header value, or {@code null} when unpaid
 */
public record ToolCall(String name, CallToolRequest request, PaidRoute price, String paymentHeader)
    implements GateRequest {
  /** The scheme and authority of a tool's resource URL, as the TypeScript SDK writes it. */
  public static final String URL_PREFIX = "mcp://tool/";

  /** Validates the fields. */
  public ToolCall {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(price, "price");
  }

  /** The same call without its payment (to ask for one). */
  public ToolCall unpaid() {
    return new ToolCall(name, request, price, null);
  }

  @Override
  public String method() {
    return "POST";
  }

  @Override
  public String path() {
    return "/" + name;
  }

  @Override
  public String url() {
    return URL_PREFIX + name;
  }

  @Override
  public Optional<String> header(String headerName) {
    if (paymentHeader != null
        && PaymentHeader.PAYMENT_SIGNATURE.headerName().equalsIgnoreCase(headerName)) {
      return Optional.of(paymentHeader);
    }
    return Optional.empty();
  }

  @Override
  public boolean isCorsPreflight() {
    return false;
  }

  @Override
  public <T> Optional<T> unwrap(Class<T> type) {
    if (type.isInstance(request)) {
      return Optional.of(type.cast(request));
    }
    if (type.isInstance(this)) {
      return Optional.of(type.cast(this));
    }
    return Optional.empty();
  }
}
