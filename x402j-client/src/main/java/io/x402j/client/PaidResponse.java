package io.x402j.client;

import io.x402j.core.wire.SettleResponse;
import java.net.http.HttpResponse;
import java.util.Objects;
import java.util.Optional;

/**
 * The final answer to a request, and the payment made for it, if any.
 *
 * @param response the final HTTP response (the paid retry's, when a payment was made)
 * @param payment what was paid, or {@code null} when nothing was
 * @param receipt the settlement receipt the server sent, or {@code null}
 * @param dryRun whether this was a dry run: {@code payment} is then what would have been paid, and
 *     {@code response} the unpaid 402
 * @param charge what the payment cost (authorised and charged: they differ for {@code upto}), or
 *     {@code null} when nothing was paid
 * @param <T> the body type
 */
public record PaidResponse<T>(
    HttpResponse<T> response,
    PlannedPayment payment,
    SettleResponse receipt,
    boolean dryRun,
    Charge charge) {
  /** Validates the fields. */
  public PaidResponse {
    Objects.requireNonNull(response, "response");
  }

  /** A response without a known charge. */
  public PaidResponse(
      HttpResponse<T> response, PlannedPayment payment, SettleResponse receipt, boolean dryRun) {
    this(response, payment, receipt, dryRun, null);
  }

  /**
   * What the payment cost, when one was made: the amount authorised (the ceiling of an {@code upto}
   * offer) and the amount charged against the spend controls.
   */
  public Optional<Charge> charged() {
    return dryRun ? Optional.empty() : Optional.ofNullable(charge);
  }

  /** The HTTP status. */
  public int statusCode() {
    return response.statusCode();
  }

  /** The body. */
  public T body() {
    return response.body();
  }

  /** What was paid, if anything (nothing in a dry run). */
  public Optional<PlannedPayment> paid() {
    return dryRun ? Optional.empty() : Optional.ofNullable(payment);
  }

  /** In a dry run, what would have been paid. */
  public Optional<PlannedPayment> wouldPay() {
    return dryRun ? Optional.ofNullable(payment) : Optional.empty();
  }

  /** The receipt, if the server sent one. */
  public Optional<SettleResponse> settlement() {
    return Optional.ofNullable(receipt);
  }

  /** Whether a payment was made and the server reports it settled. */
  public boolean settled() {
    return !dryRun && payment != null && receipt != null && receipt.success();
  }
}
