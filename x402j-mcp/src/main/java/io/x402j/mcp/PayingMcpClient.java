package io.x402j.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.x402j.client.Payer;
import io.x402j.client.PaymentAuthorization;
import io.x402j.client.PaymentRefusedException;
import io.x402j.core.X402Exception;
import io.x402j.mcp.internal.ToolChallenges;
import io.x402j.mcp.internal.ToolPayments;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An MCP client that pays for tools: a call answered with a payment request (a tool result with
 * {@code isError} and the {@code PaymentRequired}, or the JSON-RPC error 402) is paid by the {@link
 * Payer} — the same spend controls, budgets and spend log as {@link io.x402j.client.X402Client} —
 * and sent once more with the payment in {@code params._meta["x402/payment"]}, keeping the caller's
 * arguments and other {@code _meta}. The result comes back with what was paid and the server's
 * receipt ({@code _meta["x402/payment-response"]}). Wraps an initialised {@link McpSyncClient};
 * thread-safe when it is.
 *
 * <p>It pays at most once per call and never retries a paid call: a second payment request after
 * paying is a {@link McpPaymentException} carrying the server's reason and what was paid. An offer
 * the spend controls refuse is a {@link PaymentRefusedException} naming the limit; an unreadable
 * payment request an {@link X402Exception}: nothing is signed or spent for either. A paid result
 * without a readable receipt is returned, {@link PaidToolResult#paidWithoutReceipt()}, and counts
 * as spent, as a paid HTTP answer without {@code PAYMENT-RESPONSE} does. Both protocol versions are
 * paid (a v1 payment request gets a v1 payment). A call whose {@code _meta} already carries a
 * payment is sent as it is.
 *
 * <pre>{@code
 * PayingMcpClient tools =
 *     PayingMcpClient.builder(mcpClient, payer).server(URI.create("https://tools.example/mcp")).build();
 * PaidToolResult r = tools.callTool("forecast", Map.of("city", "Oslo"));
 * r.paid().ifPresent(p -> log.info("paid {} in {}", p.describe(), r.transaction().orElse("?")));
 * }</pre>
 */
public final class PayingMcpClient implements AutoCloseable {
  private final McpSyncClient client;
  private final Payer payer;
  private final ToolPayments payments;

  private PayingMcpClient(Builder b) {
    this.client = b.client;
    this.payer = b.payer;
    this.payments = new ToolPayments(b.payer, b.server);
  }

  /** Starts a client calling tools through {@code client} and paying with {@code payer}. */
  public static Builder builder(McpSyncClient client, Payer payer) {
    return new Builder(client, payer);
  }

  /** The MCP client calls go through. */
  public McpSyncClient client() {
    return client;
  }

  /** The payer. */
  public Payer payer() {
    return payer;
  }

  /** The server as budgets and the spend log know it. */
  public URI server() {
    return payments.server();
  }

  /**
   * Calls tool {@code name} with {@code arguments}, paying if asked.
   *
   * @throws PaymentRefusedException when a payment was asked but may not be made (nothing signed)
   * @throws X402Exception when the payment request is unreadable (nothing signed)
   * @throws McpPaymentException when a payment was made and the call did not get its result
   * @throws McpError when the server answers the unpaid call with another JSON-RPC error
   */
  public PaidToolResult callTool(String name, Map<String, Object> arguments) {
    return callTool(new McpSchema.CallToolRequest(name, arguments, null));
  }

  /**
   * Calls a tool, paying if asked; {@code request}'s arguments and {@code _meta} are sent with the
   * paid retry too.
   *
   * @throws PaymentRefusedException when a payment was asked but may not be made (nothing signed)
   * @throws X402Exception when the payment request is unreadable (nothing signed)
   * @throws McpPaymentException when a payment was made and the call did not get its result
   * @throws McpError when the server answers the unpaid call with another JSON-RPC error
   */
  public PaidToolResult callTool(McpSchema.CallToolRequest request) {
    Objects.requireNonNull(request, "request");
    if (ToolPayments.carriesPayment(request)) {
      // Paid by the caller: never add a second payment.
      McpSchema.CallToolResult result = client.callTool(request);
      return PaidToolResult.unpaid(result, payments.receipt(result).orElse(null));
    }
    McpSchema.CallToolResult first;
    ObjectNode required;
    try {
      first = client.callTool(request);
      Optional<ObjectNode> asked = ToolChallenges.of(first);
      if (asked.isEmpty()) {
        return PaidToolResult.unpaid(first, null);
      }
      required = asked.get();
    } catch (McpError e) {
      required = ToolChallenges.of(e).orElseThrow(() -> e);
    }
    PaymentAuthorization authorization = payments.authorize(request.name(), required);
    McpSchema.CallToolRequest paid = payments.withPayment(request, authorization);
    McpSchema.CallToolResult answer;
    try {
      answer = client.callTool(paid);
    } catch (RuntimeException e) {
      throw payments.paidFailure(request.name(), authorization, e);
    }
    return payments.paidAnswer(request.name(), authorization, answer);
  }

  /** Closes the MCP client. */
  @Override
  public void close() {
    client.close();
  }

  /** Builds a {@link PayingMcpClient}. */
  public static final class Builder {
    private final McpSyncClient client;
    private final Payer payer;
    private URI server = ToolPayments.DEFAULT_SERVER;

    private Builder(McpSyncClient client, Payer payer) {
      this.client = Objects.requireNonNull(client, "client");
      this.payer = Objects.requireNonNull(payer, "payer");
    }

    /**
     * The server as budgets and the spend log know it: per-host budgets ({@link
     * io.x402j.client.SpendControls.Builder#hostBudgetUsd}) count against its host. Give the
     * streamable HTTP URL, or a name such as {@code mcp://weather-tools} for a stdio server
     * (default {@code mcp://mcp-server}). Never taken from the server's answer.
     *
     * @throws IllegalArgumentException if it names no usable host
     */
    public Builder server(URI server) {
      this.server = ToolPayments.checkServer(server);
      return this;
    }

    /** The client. */
    public PayingMcpClient build() {
      return new PayingMcpClient(this);
    }
  }
}
