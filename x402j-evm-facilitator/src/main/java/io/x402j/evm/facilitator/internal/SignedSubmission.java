package io.x402j.evm.facilitator.internal;

import io.x402j.evm.Eip1559Transaction;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.facilitator.internal.FeeQuote.Quote;
import io.x402j.settlement.SettlementKey;
import io.x402j.settlement.Submission;
import java.math.BigInteger;
import java.time.Instant;

/**
 * The step every settlement path shares before its broadcast: take the next nonce of a signer's
 * lane, sign the transaction, record it in the ledger under the claim (before broadcast, and only
 * while the claim is still this one's) and mark this process's reservation signed (when it has
 * one). Not part of the x402j API.
 */
final class SignedSubmission {
  private SignedSubmission() {}

  /** The ledger gave the payment to another facilitator while this one was signing. */
  static final class ClaimLostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ClaimLostException() {
      super("the settlement claim was taken over", null, false, false);
    }
  }

  /**
   * Signs a call of {@code data} with {@code value} wei to {@code to} with {@code lane}'s signer
   * and records it; blocking (the ledger is written). The nonce goes back to the lane when anything
   * fails.
   *
   * @param slot the reservation to mark signed, or null for a transaction that has none
   * @throws ClaimLostException when the claim is no longer this one's (nothing was recorded)
   */
  static Submission sign(
      SettlementContext ctx,
      NonceLane lane,
      long chainId,
      EvmAddress to,
      BigInteger value,
      byte[] data,
      Quote quote,
      SettlementKey ledgerKey,
      Reservations.Slot slot,
      Instant fence) {
    long nonce = lane.allocate();
    try {
      Eip1559Transaction tx =
          new Eip1559Transaction(
              chainId,
              nonce,
              quote.maxPriorityFeePerGas(),
              quote.maxFeePerGas(),
              quote.gasLimit(),
              to,
              value,
              data);
      byte[] raw = tx.encodeSigned(lane.signer().sign(tx.signingHash()));
      Submission submission =
          EvmLedgerKey.submission(
              Eip1559Transaction.hash(raw).toString(),
              lane.signer().address(),
              nonce,
              Hex.encode(raw));
      if (!ctx.ledger().submitted(ledgerKey, submission, fence, ctx.now())) {
        throw new ClaimLostException();
      }
      if (slot != null) {
        ctx.reservations().signed(slot, submission.transaction());
      }
      return submission;
    } catch (RuntimeException e) {
      lane.release(nonce); // nothing left this process
      throw e;
    }
  }
}
