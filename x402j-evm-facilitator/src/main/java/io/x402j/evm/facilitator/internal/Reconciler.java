package io.x402j.evm.facilitator.internal;

import static io.x402j.evm.facilitator.internal.ChainReads.decodeBool;
import static io.x402j.evm.facilitator.internal.ChainReads.ethCall;

import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.core.ErrorReason;
import io.x402j.evm.Eip3009Calls;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.facilitator.ExactEvmFacilitator;
import io.x402j.evm.facilitator.ExactEvmFacilitator.ReconcileReport;
import io.x402j.evm.rpc.RpcCall;
import io.x402j.settlement.OutcomeFence;
import io.x402j.settlement.SettlementRecord;
import io.x402j.settlement.SettlementState;
import io.x402j.settlement.Submission;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves the settlements the ledger holds as submitted or pending against the chain, after a
 * crash or a lost answer. Invariants: a transaction is only ever broadcast again from the signed
 * bytes in the ledger (the same transaction, so never a second transfer); a settlement is failed
 * only when its transaction provably moved no money or can never be mined (its nonce taken, its
 * authorization used elsewhere and not by a transaction that paid exactly this payment); while the
 * node holds a transaction, its nonce stays set aside in this facilitator's lane, and a nonce the
 * node provably does not hold is released. Records of other engines in a shared ledger are left
 * alone. Not part of the x402j API.
 */
public final class Reconciler {
  /** Logged under the facade's name, as before the split, so logging configurations still apply. */
  private static final Logger LOG = LoggerFactory.getLogger(ExactEvmFacilitator.class);

  private final SettlementContext ctx;
  private final ReceiptJudge judge;
  private final OutcomeRecorder recorder;
  private final Permit2Engine permit2;
  private final ApprovalSponsor sponsor;

  /**
   * A reconciler of the settlements of {@code ctx}'s ledger on its chains: EIP-3009 ones itself,
   * Permit2 ones through {@code permit2}.
   */
  public Reconciler(SettlementContext ctx, Permit2Engine permit2) {
    this.ctx = ctx;
    this.permit2 = permit2;
    this.sponsor = new ApprovalSponsor(ctx);
    this.judge = new ReceiptJudge(ctx.onRevert());
    this.recorder = new OutcomeRecorder(ctx);
  }

  private enum Resolution {
    CONFIRMED,
    FAILED,
    REBROADCAST,
    STILL_PENDING
  }

  /**
   * Resolves every settlement the ledger holds as submitted or pending against the chain: a receipt
   * confirms or fails it; a transaction the node never received is broadcast again from the signed
   * bytes in the ledger (the same transaction, so never a second transfer); a nonce that another
   * transaction took, or an authorization used elsewhere, fails it. Run it at start, before taking
   * new settlements, and periodically.
   */
  public CompletableFuture<ReconcileReport> reconcile() {
    return CompletableFuture.supplyAsync(ctx.ledger()::unresolved, ctx.blocking())
        .thenCompose(
            records -> {
              List<CompletableFuture<Resolution>> all = new ArrayList<>();
              for (SettlementRecord record : records) {
                // A shared ledger holds other engines' settlements too: those are theirs to judge.
                EvmLedgerKey.from(record.key())
                    .ifPresent(
                        key ->
                            all.add(
                                reconcileOne(key, record)
                                    .exceptionally(e -> Resolution.STILL_PENDING)));
                if (ApprovalSponsor.owns(record.key())) {
                  all.add(
                      sponsor
                          .reconcile(record)
                          .thenApply(r -> Resolution.valueOf(r.name()))
                          .exceptionally(e -> Resolution.STILL_PENDING));
                }
                Permit2LedgerKey.from(record.key())
                    .ifPresent(
                        key ->
                            all.add(
                                permit2
                                    .reconcile(key, record)
                                    .thenApply(r -> Resolution.valueOf(r.name()))
                                    .exceptionally(e -> Resolution.STILL_PENDING)));
              }
              return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]))
                  .thenApply(
                      ignored -> {
                        int[] counts = new int[Resolution.values().length];
                        all.forEach(f -> counts[f.join().ordinal()]++);
                        return new ReconcileReport(
                            counts[Resolution.CONFIRMED.ordinal()],
                            counts[Resolution.FAILED.ordinal()],
                            counts[Resolution.REBROADCAST.ordinal()],
                            counts[Resolution.STILL_PENDING.ordinal()]);
                      });
            });
  }

  private CompletableFuture<Resolution> reconcileOne(EvmLedgerKey key, SettlementRecord record) {
    EvmChain chain = ctx.chains().get(key.network());
    Submission submission = record.submission();
    if (chain == null || submission == null) {
      return done(Resolution.STILL_PENDING);
    }
    String hash = submission.transaction();
    // Our lane, when this facilitator signed the transaction. While the node holds it, its nonce
    // is spoken for: the node's pending count may not include it yet (it can wait behind a gap),
    // and a new transaction given that nonce would be refused as a replacement.
    NonceLane lane = chain.laneOf(EvmLedgerKey.signer(submission));
    List<RpcCall> calls =
        List.of(
            RpcCall.of("eth_getTransactionReceipt", hash),
            RpcCall.of("eth_getTransactionByHash", hash),
            ethCall(null, key.asset(), Eip3009Calls.authorizationState(key.payer(), key.nonce())));
    return chain
        .rpc()
        .batch(calls)
        .thenCompose(
            results -> {
              JsonNode receipt = results.get(0).ok() ? results.get(0).result() : null;
              if (receipt != null && !receipt.isNull()) {
                return reconciledReceipt(key, record, lane, receipt);
              }
              JsonNode pooled = results.get(1).ok() ? results.get(1).result() : null;
              if (pooled != null && !pooled.isNull()) {
                hold(lane, submission);
                return done(Resolution.STILL_PENDING); // in the node's pool, not mined yet
              }
              if (!results.get(2).ok()) {
                return done(Resolution.STILL_PENDING);
              }
              if (decodeBool(results.get(2))) {
                unhold(lane, submission); // never to be sent: its nonce is free again
                // Used by another transaction: if that one paid exactly this, it settled it.
                return chain
                    .rpc()
                    .call("eth_blockNumber")
                    .thenCompose(
                        head ->
                            judge.usedBy(
                                chain,
                                key,
                                EvmLedgerKey.payTo(record),
                                record.amount(),
                                Hex.parseQuantity(head.asText()),
                                10_000))
                    .exceptionally(e -> null)
                    .thenCompose(
                        theirs ->
                            theirs != null
                                ? recorder
                                    .record(key, OutcomeFence.ofTransaction(hash), theirs)
                                    .thenApply(r -> Resolution.CONFIRMED)
                                : reconciledFailure(
                                    key,
                                    hash,
                                    ErrorReason.EXACT_EVM_NONCE_ALREADY_USED,
                                    "the authorization was used by another transaction"));
              }
              return chain
                  .rpc()
                  .call("eth_sendRawTransaction", submission.raw())
                  .thenApply(
                      sent -> {
                        LOG.info("rebroadcast settlement transaction {} from the ledger", hash);
                        hold(lane, submission);
                        return Resolution.REBROADCAST;
                      })
                  .exceptionallyCompose(
                      error -> {
                        NodeRefusal refusal = NodeRefusal.of(error);
                        if (refusal == NodeRefusal.ALREADY_KNOWN) {
                          hold(lane, submission);
                          return done(Resolution.REBROADCAST);
                        }
                        if (refusal == NodeRefusal.NONCE_TAKEN) {
                          // Perhaps by this very transaction, mined since the first look.
                          return chain
                              .rpc()
                              .call("eth_getTransactionReceipt", hash)
                              .thenCompose(
                                  late -> {
                                    if (late != null && !late.isNull()) {
                                      return reconciledReceipt(key, record, lane, late);
                                    }
                                    if (lane != null) {
                                      // another transaction's now
                                      lane.done(EvmLedgerKey.accountNonce(submission));
                                    }
                                    return reconciledFailure(
                                        key,
                                        hash,
                                        ErrorReason.UNEXPECTED_SETTLE_ERROR,
                                        "transaction "
                                            + hash
                                            + " never reached the network and its nonce was"
                                            + " taken");
                                  });
                        }
                        // Refused for another reason (fees, say): not at the node, so its nonce
                        // must not stay set aside, or every later transaction waits behind it.
                        unhold(lane, submission);
                        return done(Resolution.STILL_PENDING);
                      });
            });
  }

  private static void hold(NonceLane lane, Submission submission) {
    if (lane != null) {
      lane.hold(EvmLedgerKey.accountNonce(submission));
    }
  }

  private static void unhold(NonceLane lane, Submission submission) {
    if (lane != null) {
      lane.unhold(EvmLedgerKey.accountNonce(submission));
    }
  }

  private CompletableFuture<Resolution> reconciledReceipt(
      EvmLedgerKey key, SettlementRecord record, NonceLane lane, JsonNode receipt) {
    Submission submission = record.submission();
    if (lane != null) {
      lane.done(EvmLedgerKey.accountNonce(submission));
    }
    String hash = submission.transaction();
    EvmAddress payTo = EvmLedgerKey.payTo(record);
    return judge
        .explained(
            ctx.chains().get(key.network()),
            key,
            payTo,
            record.amount(),
            receipt,
            ReceiptJudge.judge(key, payTo, record.amount(), receipt, hash))
        .thenApply(outcome -> judge.reported(key, outcome, hash))
        .thenCompose(
            outcome ->
                recorder
                    .record(key, OutcomeFence.ofTransaction(hash), outcome)
                    .thenApply(
                        r ->
                            outcome.state() == SettlementState.CONFIRMED
                                ? Resolution.CONFIRMED
                                : Resolution.FAILED));
  }

  private CompletableFuture<Resolution> reconciledFailure(
      EvmLedgerKey key, String transaction, ErrorReason reason, String message) {
    Outcome outcome =
        new Outcome(
            SettlementState.FAILED,
            new SettleReply(key.network().toString(), key.payer().toString())
                .refused(reason, message));
    return recorder
        .record(key, OutcomeFence.ofTransaction(transaction), outcome)
        .thenApply(r -> Resolution.FAILED);
  }

  private static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
