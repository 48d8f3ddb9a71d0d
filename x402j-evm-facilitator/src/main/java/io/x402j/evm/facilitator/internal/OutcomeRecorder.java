package io.x402j.evm.facilitator.internal;

import io.x402j.core.ErrorReason;
import io.x402j.core.wire.SettleResponse;
import io.x402j.evm.facilitator.ExactEvmFacilitator;
import io.x402j.settlement.OutcomeFence;
import io.x402j.settlement.SettlementOutcomes;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Writes EVM settlement outcomes to the ledger through the scheme-neutral {@link
 * SettlementOutcomes}, then answers with them: an outcome is written only under its fence, and a
 * ledger failure never changes the answer. Not part of the x402j API.
 */
final class OutcomeRecorder {
  private final SettlementOutcomes outcomes;

  OutcomeRecorder(SettlementContext ctx) {
    // Logged under the facade's name, as before the split, so logging configurations still apply.
    this.outcomes =
        new SettlementOutcomes(
            ctx.ledger(), ctx.clock(), ctx.blocking(), ExactEvmFacilitator.class);
  }

  /**
   * Records a failure reached before anything was broadcast, under the claim of {@code claimedAt}.
   */
  CompletableFuture<SettleResponse> fail(
      EvmLedgerKey key,
      Instant claimedAt,
      ErrorReason reason,
      String message,
      PaymentCheck.Result check) {
    return outcomes.fail(
        key.ledgerKey(),
        claimedAt,
        new SettleReply(key.network().toString(), check.payer()).refused(reason, message));
  }

  /**
   * Records an outcome, then answers with it. A ledger failure here is logged and never changes the
   * answer: the chain already decided it.
   */
  CompletableFuture<SettleResponse> record(EvmLedgerKey key, OutcomeFence fence, Outcome outcome) {
    return outcomes.record(key.ledgerKey(), fence, outcome.state(), outcome.response());
  }
}
