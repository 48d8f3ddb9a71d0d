package io.x402j.evm.facilitator.internal;

import static io.x402j.evm.facilitator.internal.ChainReads.describe;

import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.core.support.Futures;
import io.x402j.settlement.SettlementState;
import io.x402j.settlement.Submission;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The step every settlement path shares after its transaction is broadcast: wait for the receipt
 * within the chain's receipt timeout, then free the signer's nonce and let the caller judge the
 * receipt; with no receipt in time the settlement stays pending (the hash is no longer watched).
 * Not part of the x402j API.
 */
final class ReceiptWait {
  private ReceiptWait() {}

  /**
   * The outcome of {@code submission}: {@code judge} applied to its receipt, or pending with the
   * reason no receipt came.
   *
   * @param knownLane the nonce lane the transaction was sent from, or null to look it up by signer
   * @param reply the answer builder for the payment (network and payer)
   */
  static CompletableFuture<Outcome> outcome(
      EvmChain chain,
      Submission submission,
      NonceLane knownLane,
      SettleReply reply,
      Function<JsonNode, CompletableFuture<Outcome>> judge) {
    String hash = submission.transaction();
    Duration timeout = chain.config().receiptTimeout();
    NonceLane lane = knownLane != null ? knownLane : chain.laneOf(EvmLedgerKey.signer(submission));
    return chain
        .receipts()
        .await(hash)
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (receipt, error) -> {
              if (error != null) {
                chain.receipts().forget(hash);
                String why =
                    Futures.unwrap(error) instanceof TimeoutException
                        ? "no receipt within " + timeout.toSeconds() + " s"
                        : "receipt polling failed: " + describe(error);
                return CompletableFuture.completedFuture(
                    new Outcome(
                        SettlementState.PENDING,
                        reply.pending(
                            hash,
                            "transaction "
                                + hash
                                + " was broadcast; "
                                + why
                                + "; settle again to follow it")));
              }
              if (lane != null) {
                lane.done(EvmLedgerKey.accountNonce(submission));
              }
              return judge.apply(receipt);
            })
        .thenCompose(outcome -> outcome);
  }
}
