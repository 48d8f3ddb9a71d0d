package io.x402j.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.x402j.client.Payer;
import io.x402j.mcp.internal.ToolChallenges;
import io.x402j.mcp.internal.ToolPayments;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The reactive {@link PayingMcpClient}: wraps an initialised {@link McpAsyncClient} and pays
 * exactly as the synchronous one does (one payment per call, never a second; the same {@link Payer}
 * controls, budgets and spend log; the same errors, delivered as the {@link Mono}'s error). Signing
 * and the payer's bookkeeping may block (a node read for Permit2 or Solana, the spend log file), so
 * they run on a {@link Scheduler} for blocking work (default {@link Schedulers#boundedElastic()}).
 */
public final class PayingMcpAsyncClient {
  private final McpAsyncClient client;
  private final ToolPayments payments;
  private final Scheduler blocking;

  private PayingMcpAsyncClient(Builder b) {
    this.client = b.client;
    this.payments = new ToolPayments(b.payer, b.server);
    this.blocking = b.blocking;
  }

  /** Starts a client calling tools through {@code client} and paying with {@code payer}. */
  public static Builder builder(McpAsyncClient client, Payer payer) {
    return new Builder(client, payer);
  }

  /** The MCP client calls go through. */
  public McpAsyncClient client() {
    return client;
  }

  /** The server as budgets and the spend log know it. */
  public URI server() {
    return payments.server();
  }

  /** Calls tool {@code name} with {@code arguments}, paying if asked; see {@link #callTool}. */
  public Mono<PaidToolResult> callTool(String name, Map<String, Object> arguments) {
    return callTool(new McpSchema.CallToolRequest(name, arguments, null));
  }

  /**
   * Calls a tool, paying if asked; fails as {@link
   * PayingMcpClient#callTool(McpSchema.CallToolRequest)} throws.
   */
  public Mono<PaidToolResult> callTool(McpSchema.CallToolRequest request) {
    Objects.requireNonNull(request, "request");
    if (ToolPayments.carriesPayment(request)) {
      return client
          .callTool(request)
          .map(r -> PaidToolResult.unpaid(r, payments.receipt(r).orElse(null)));
    }
    return client
        .callTool(request)
        .map(r -> new First(r, ToolChallenges.of(r)))
        .onErrorResume(
            McpError.class,
            e -> {
              Optional<ObjectNode> asked = ToolChallenges.of(e);
              return asked.isPresent() ? Mono.just(new First(null, asked)) : Mono.error(e);
            })
        .flatMap(
            first ->
                first.asked().isEmpty()
                    ? Mono.just(PaidToolResult.unpaid(first.result(), null))
                    : pay(request, first.asked().get()));
  }

  private Mono<PaidToolResult> pay(McpSchema.CallToolRequest request, ObjectNode required) {
    return Mono.fromCallable(() -> payments.authorize(request.name(), required))
        .subscribeOn(blocking)
        .flatMap(
            authorization ->
                client
                    .callTool(payments.withPayment(request, authorization))
                    .onErrorMap(e -> payments.paidFailure(request.name(), authorization, e))
                    .publishOn(blocking)
                    .map(answer -> payments.paidAnswer(request.name(), authorization, answer)));
  }

  /** The first answer: a result, a payment request, or both (a payment-required result). */
  private record First(McpSchema.CallToolResult result, Optional<ObjectNode> asked) {}

  /** Builds a {@link PayingMcpAsyncClient}. */
  public static final class Builder {
    private final McpAsyncClient client;
    private final Payer payer;
    private URI server = ToolPayments.DEFAULT_SERVER;
    private Scheduler blocking = Schedulers.boundedElastic();

    private Builder(McpAsyncClient client, Payer payer) {
      this.client = Objects.requireNonNull(client, "client");
      this.payer = Objects.requireNonNull(payer, "payer");
    }

    /**
     * The server as budgets and the spend log know it; see {@link PayingMcpClient.Builder#server}.
     */
    public Builder server(URI server) {
      this.server = ToolPayments.checkServer(server);
      return this;
    }

    /**
     * Where signing and the payer's bookkeeping run (default {@link Schedulers#boundedElastic()}).
     */
    public Builder blockingScheduler(Scheduler scheduler) {
      this.blocking = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** The client. */
    public PayingMcpAsyncClient build() {
      return new PayingMcpAsyncClient(this);
    }
  }
}
