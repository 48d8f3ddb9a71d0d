package io.x402j.evm.facilitator.internal;

import io.x402j.core.ErrorReason;
import io.x402j.core.support.Futures;
import io.x402j.core.support.Text;
import io.x402j.core.wire.SettleResponse;
import io.x402j.evm.Eip3009Authorization;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.facilitator.ExactEvmFacilitator;
import io.x402j.evm.facilitator.internal.FeeQuote.Quote;
import io.x402j.evm.rpc.RpcException;
import io.x402j.settlement.OutcomeFence;
import io.x402j.settlement.Submission;
import java.math.BigInteger;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs a prepared settlement transaction on a signer's nonce lane, broadcasts it and tracks it to
 * its outcome. Invariants: the signed transaction is recorded in the ledger before it is broadcast,
 * and only while the claim is still this attempt's (a lost claim is followed, never broadcast); a
 * nonce goes back to the lane only when the transaction provably went nowhere (the node refused it
 * or could not be reached), and a released nonce that higher ones wait behind is filled with a
 * no-op transfer; a transaction whose fate is unknown (timeout, dropped connection, already known)
 * is tracked, never resent with another nonce; a taken nonce resyncs the lane and the settlement is
 * prepared again, at most {@value #MAX_SEND_ATTEMPTS} times; no receipt within the network's
 * receipt timeout answers {@code settlement_pending} with the transaction hash. Not part of the
 * x402j API.
 */
final class Submitter {
  /** Logged under the facade's name, as before the split, so logging configurations still apply. */
  private static final Logger LOG = LoggerFactory.getLogger(ExactEvmFacilitator.class);

  private static final int MAX_SEND_ATTEMPTS = 3;

  private final SettlementContext ctx;
  private final Settlement settlement;
  private final OutcomeRecorder recorder;
  private final ReceiptJudge judge;

  Submitter(
      SettlementContext ctx, Settlement settlement, OutcomeRecorder recorder, ReceiptJudge judge) {
    this.ctx = ctx;
    this.settlement = settlement;
    this.recorder = recorder;
    this.judge = judge;
  }

  CompletableFuture<SettleResponse> signAndSend(
      PaymentCheck.Result check,
      EvmLedgerKey key,
      String settlementId,
      NonceLane lane,
      EvmAddress to,
      byte[] data,
      Quote quote,
      Instant fence,
      int attempt) {
    EvmChain chain = check.chain();
    long chainId = key.network().chainId();
    CompletableFuture<Submission> signed =
        CompletableFuture.supplyAsync(
            () ->
                SignedSubmission.sign(
                    ctx,
                    lane,
                    chainId,
                    to,
                    BigInteger.ZERO,
                    data,
                    quote,
                    key.ledgerKey(),
                    Reservations.Slot.of(key),
                    fence),
            ctx.blocking());
    return signed
        .thenCompose(
            submission ->
                chain
                    .rpc()
                    .call("eth_sendRawTransaction", submission.raw())
                    .handle(
                        (hash, sendError) ->
                            sendOutcome(
                                check,
                                key,
                                settlementId,
                                lane,
                                submission,
                                quote,
                                sendError,
                                attempt))
                    .thenCompose(outcome -> outcome))
        .exceptionallyCompose(
            error -> {
              if (Futures.unwrap(error) instanceof SignedSubmission.ClaimLostException) {
                // Another facilitator took the payment over: follow it, never broadcast.
                return CompletableFuture.supplyAsync(
                        () -> ctx.ledger().find(key.ledgerKey()).orElseThrow(), ctx.blocking())
                    .thenCompose(
                        record ->
                            settlement.follow(
                                check,
                                key,
                                Settlement.fingerprint(check),
                                settlementId,
                                record,
                                ctx.now()));
              }
              return CompletableFuture.failedFuture(error);
            });
  }

  private CompletableFuture<SettleResponse> sendOutcome(
      PaymentCheck.Result check,
      EvmLedgerKey key,
      String settlementId,
      NonceLane lane,
      Submission submission,
      Quote quote,
      Throwable error,
      int attempt) {
    if (error == null) {
      return track(check, key, submission, lane);
    }
    Throwable cause = Futures.unwrap(error);
    if (!(cause instanceof RpcException)) {
      return track(check, key, submission, lane); // unknown: it may have arrived
    }
    RpcException failure = (RpcException) cause;
    NodeRefusal refusal = NodeRefusal.of(failure);
    if (failure.kind() == RpcException.Kind.RPC_ERROR && refusal == NodeRefusal.ALREADY_KNOWN) {
      return track(check, key, submission, lane); // the node has it already
    }
    if (failure.kind() != RpcException.Kind.RPC_ERROR
        && failure.kind() != RpcException.Kind.UNREACHABLE) {
      return track(check, key, submission, lane); // timeout or dropped connection: unknown
    }
    // The node refused the transaction or could not be reached: it provably went nowhere.
    boolean staleNonce = refusal == NodeRefusal.NONCE_TAKEN;
    Instant reclaimed = ctx.now();
    CompletableFuture<Void> released =
        CompletableFuture.runAsync(
            () -> {
              // When the record no longer holds this transaction, the claim is not this one's any
              // more: the next submitted() or outcome() is then refused by their fences.
              if (!ctx.ledger()
                  .notBroadcast(key.ledgerKey(), submission.transaction(), reclaimed)) {
                LOG.warn("settlement of {} changed hands while its broadcast failed", key);
              }
            },
            ctx.blocking());
    if (staleNonce) {
      lane.done(EvmLedgerKey.accountNonce(submission)); // someone else's transaction holds it
      LOG.warn(
          "nonce {} of {} on {} is taken ({}); resyncing the lane",
          submission.sequence(),
          submission.signer(),
          key.network(),
          Text.quote(failure.error().message()));
      return released
          .thenCompose(ignored -> LaneRepair.resync(check.chain(), lane))
          .thenCompose(
              ignored ->
                  attempt < MAX_SEND_ATTEMPTS
                      ? settlement.execute(check, key, settlementId, reclaimed, attempt + 1)
                      : recorder.fail(
                          key,
                          reclaimed,
                          ErrorReason.UNEXPECTED_SETTLE_ERROR,
                          "could not get a usable nonce",
                          check));
    }
    LaneRepair.release(
        check.chain(), lane, EvmLedgerKey.accountNonce(submission), quote, ctx.blocking());
    String reason =
        refusal == NodeRefusal.INSUFFICIENT_FUNDS
            ? "facilitator signer "
                + EvmLedgerKey.signer(submission)
                + " has too little ETH for gas"
            : "the node refused the settlement transaction: " + failure.getMessage();
    return released.thenCompose(
        ignored ->
            recorder.fail(key, reclaimed, ErrorReason.UNEXPECTED_SETTLE_ERROR, reason, check));
  }

  CompletableFuture<SettleResponse> track(
      PaymentCheck.Result check, EvmLedgerKey key, Submission submission, NonceLane knownLane) {
    EvmChain chain = check.chain();
    String hash = submission.transaction();
    Eip3009Authorization a = check.payload().authorization();
    return ReceiptWait.outcome(
            chain,
            submission,
            knownLane,
            new SettleReply(key.network().toString(), check.payer()),
            receipt ->
                judge
                    .explained(
                        chain,
                        key,
                        a.to(),
                        a.value(),
                        receipt,
                        ReceiptJudge.judge(key, a.to(), a.value(), receipt, hash))
                    .thenApply(outcome -> judge.reported(key, outcome, hash)))
        .thenCompose(outcome -> recorder.record(key, OutcomeFence.ofTransaction(hash), outcome));
  }

  private static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
