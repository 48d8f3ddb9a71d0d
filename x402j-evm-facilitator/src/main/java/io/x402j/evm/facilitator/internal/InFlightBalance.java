package io.x402j.evm.facilitator.internal;

import io.x402j.evm.Eip3009Authorization;
import io.x402j.evm.rpc.RpcCall;
import io.x402j.evm.rpc.RpcResult;
import io.x402j.settlement.SettlementKey;
import io.x402j.settlement.SettlementRecord;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads what is already committed from a payer's token balance besides one payment: by this process
 * (its {@link Reservations}) and by facilitators sharing the ledger (its unfinished records).
 * Invariants: this process's own settlements are counted once, by the reservations, never again
 * from the ledger; a claim older than its lease counts for nothing (its owner is presumed dead, and
 * a take-over is fenced); a settlement whose receipt the node returned is left out, since the
 * balance read in the same batch already shows it; at most {@link #IN_FLIGHT_LIMIT} records are
 * read, and reaching it is said so the caller refuses. Not part of the x402j API.
 */
final class InFlightBalance {

  /**
   * The most unfinished settlements of one payer's token that a settlement looks at; a payer with
   * this many in flight is refused until some finish.
   */
  static final int IN_FLIGHT_LIMIT = 100;

  private final SettlementContext ctx;

  InFlightBalance(SettlementContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Adds receipt lookups for this process's other settlements of the payer to a verification's
   * batch, and reads from its results what they commit besides this payment: those already mined
   * show in the balance.
   */
  Function<List<RpcResult>, BigInteger> committedBesides(
      PaymentCheck.Result check, List<RpcCall> calls) {
    EvmLedgerKey key = keyOf(check);
    int receiptsAt = calls.size();
    List<SettlementKey> receiptKeys =
        receiptCalls(calls, List.of(), ctx.reservations().others(key));
    return results ->
        ctx.reservations().reservedBesides(key, mined(results, receiptsAt, receiptKeys));
  }

  private static EvmLedgerKey keyOf(PaymentCheck.Result check) {
    Eip3009Authorization a = check.payload().authorization();
    return new EvmLedgerKey(check.chain().config().network(), check.asset(), a.from(), a.nonce());
  }

  /**
   * What facilitators sharing the ledger have committed from one payer's balance, besides the
   * settlements of this process (which the {@link Reservations} count).
   *
   * @param unsigned the sum of the amounts of live claims not signed yet
   * @param signed the settlements signed, whose transactions may be mined by now
   * @param tooMany whether the payer has so many in flight that not all were read
   */
  record Committed(BigInteger unsigned, List<SettlementRecord> signed, boolean tooMany) {}

  Committed committedElsewhere(EvmLedgerKey key) {
    return committedElsewhere(Reservations.Slot.of(key));
  }

  /** As {@link #committedElsewhere(EvmLedgerKey)} for any settlement (EIP-3009 or Permit2). */
  Committed committedElsewhere(Reservations.Slot key) {
    List<SettlementRecord> records =
        ctx.ledger()
            .inFlight(
                key.network(), key.asset().toLowerHex(), key.payer().toLowerHex(), IN_FLIGHT_LIMIT);
    Instant now = ctx.now();
    BigInteger unsigned = BigInteger.ZERO;
    List<SettlementRecord> signed = new ArrayList<>();
    for (SettlementRecord record : records) {
      if (record.key().equals(key.key()) || ctx.reservations().isHeld(record.key())) {
        continue; // this process's own: counted by the reservations
      }
      if (record.submission() != null) {
        signed.add(record);
      } else if (record.updatedAt().plus(ctx.claimLease()).isAfter(now)) {
        unsigned = unsigned.add(record.amount().value());
      }
      // A claim older than its lease: the owner is presumed dead, and a take-over is fenced.
    }
    return new Committed(unsigned, signed, records.size() >= IN_FLIGHT_LIMIT);
  }

  /**
   * Adds a receipt lookup for each signed settlement (from the ledger, and this process's) to
   * {@code calls}; returns their keys in order.
   */
  static List<SettlementKey> receiptCalls(
      List<RpcCall> calls, List<SettlementRecord> records, List<Reservations.Entry> mine) {
    List<SettlementKey> keys = new ArrayList<>();
    for (SettlementRecord record : records) {
      calls.add(RpcCall.of("eth_getTransactionReceipt", record.submission().transaction()));
      keys.add(record.key());
    }
    for (Reservations.Entry entry : mine) {
      if (entry.transaction() != null) {
        calls.add(RpcCall.of("eth_getTransactionReceipt", entry.transaction()));
        keys.add(entry.key());
      }
    }
    return keys;
  }

  /** The settlements whose receipt the node returned: mined, so already in the balance. */
  static Set<SettlementKey> mined(List<RpcResult> results, int first, List<SettlementKey> keys) {
    Set<SettlementKey> mined = new HashSet<>();
    for (int i = 0; i < keys.size(); i++) {
      RpcResult receipt = results.get(first + i);
      if (receipt.ok() && receipt.result() != null && !receipt.result().isNull()) {
        mined.add(keys.get(i));
      }
    }
    return mined;
  }
}
