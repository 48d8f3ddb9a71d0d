package io.x402j.evm.facilitator.internal;

import static io.x402j.evm.facilitator.internal.ChainReads.describe;

import io.x402j.core.ErrorReason;
import io.x402j.core.wire.SettleResponse;
import io.x402j.evm.facilitator.ExactEvmFacilitator;
import io.x402j.settlement.OutcomeFence;
import io.x402j.settlement.SettlementState;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes settlement outcomes to the ledger, then answers with them. Invariants: an outcome is
 * written only under its fence (the claim it was reached under, or the transaction it is about), so
 * an attempt that lost its claim never overwrites another's record; a ledger failure here is logged
 * and never changes the answer, since the chain (or the refusal) already decided it. Not part of
 * the x402j API.
 */
final class OutcomeRecorder {
  /** Logged under the facade's name, as before the split, so logging configurations still apply. */
  private static final Logger LOG = LoggerFactory.getLogger(ExactEvmFacilitator.class);

  private final SettlementContext ctx;

  OutcomeRecorder(SettlementContext ctx) {
    this.ctx = ctx;
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
    return record(
        key,
        OutcomeFence.ofClaim(claimedAt),
        new Outcome(
            SettlementState.FAILED,
            new SettleReply(key.network().toString(), check.payer()).refused(reason, message)));
  }

  /**
   * Records an outcome, then answers with it. A ledger failure here is logged and never changes the
   * answer: the chain already decided it.
   */
  CompletableFuture<SettleResponse> record(EvmLedgerKey key, OutcomeFence fence, Outcome outcome) {
    return CompletableFuture.supplyAsync(
            () ->
                ctx.ledger()
                    .outcome(
                        key.ledgerKey(), fence, outcome.state(), outcome.response(), ctx.now()),
            ctx.blocking())
        .handle(
            (recorded, e) -> {
              if (e == null && !recorded) {
                // Another attempt holds the record now, or it is confirmed: this answer is about
                // this attempt only and must not overwrite that one.
                LOG.info(
                    "outcome {} of {} payer {} nonce {} not recorded: the settlement changed hands",
                    outcome.state(),
                    key.network(),
                    key.payer(),
                    key.nonce());
              }
              if (e != null) {
                LOG.error(
                    "could not record outcome {} of {} payer {} nonce {}: {}",
                    outcome.state(),
                    key.network(),
                    key.payer(),
                    key.nonce(),
                    describe(e));
              }
              return outcome.response();
            });
  }
}
