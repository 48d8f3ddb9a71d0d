package io.x402j.mcp;

import io.modelcontextprotocol.spec.McpSchema;
import io.x402j.client.Charge;
import io.x402j.client.PlannedPayment;
import io.x402j.core.TokenAmount;
import io.x402j.core.wire.SettleResponse;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer to a tool call made through a {@link PayingMcpClient}, and the payment made for it, if
 * any: the MCP counterpart of {@link io.x402j.client.PaidResponse}.
 *
 * @param result the tool's result (the paid retry's, when a payment was made)
 * @param payment what was paid, or {@code null} when nothing was
 * @param receipt the settlement receipt the server sent in {@code _meta["x402/payment-response"]},
 *     or {@code null}
 * @param charge what the payment cost as the payer counts it (authorised and charged: they differ
 *     for {@code upto}), or {@code null} when nothing was paid
 */
public record PaidToolResult(
    McpSchema.CallToolResult result,
    PlannedPayment payment,
    SettleResponse receipt,
    Charge charge) {
  /** Validates the fields. */
  public PaidToolResult {
    Objects.requireNonNull(result, "result");
    if ((payment == null) != (charge == null)) {
      throw new IllegalArgumentException("a payment and its charge go together");
    }
  }

  /** A result nothing was paid for. */
  public static PaidToolResult unpaid(McpSchema.CallToolResult result, SettleResponse receipt) {
    return new PaidToolResult(result, null, receipt, null);
  }

  /** What was paid, if anything. */
  public Optional<PlannedPayment> paid() {
    return Optional.ofNullable(payment);
  }

  /** What the payment cost, when one was made. */
  public Optional<Charge> charged() {
    return Optional.ofNullable(charge);
  }

  /** The receipt, if the server sent one. */
  public Optional<SettleResponse> settlement() {
    return Optional.ofNullable(receipt);
  }

  /** Whether a payment was made and the server reports it settled. */
  public boolean settled() {
    return payment != null && receipt != null && receipt.success();
  }

  /**
   * Whether a payment was made and the server sent no readable receipt: the payment is counted as
   * spent (at its full amount), as a paid HTTP request answered without {@code PAYMENT-RESPONSE}.
   */
  public boolean paidWithoutReceipt() {
    return payment != null && receipt == null;
  }

  /** The amount counted against the spend controls, in atomic units, when a payment was made. */
  public Optional<TokenAmount> amount() {
    return charged().map(Charge::charged);
  }

  /** The network paid on (CAIP-2), when a payment was made. */
  public Optional<String> network() {
    return paid().map(p -> p.requirements().network().toString());
  }

  /** The settlement transaction the receipt names, when it names one. */
  public Optional<String> transaction() {
    return settlement().map(SettleResponse::transaction).filter(t -> !t.isEmpty());
  }

  /** The paying address the receipt names, when it names one. */
  public Optional<String> payer() {
    return settlement().map(SettleResponse::payer);
  }

  /** Whether the tool reported an error ({@code isError}). */
  public boolean isError() {
    return Boolean.TRUE.equals(result.isError());
  }
}
