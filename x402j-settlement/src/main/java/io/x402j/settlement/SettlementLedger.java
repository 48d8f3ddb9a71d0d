package io.x402j.settlement;

import io.x402j.core.Network;
import io.x402j.core.wire.SettleResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Durable memory of settlements, so that one payment is settled at most once and none is lost,
 * whatever its scheme and chain: a payment is claimed atomically before anything is signed, its
 * transaction is recorded before it is broadcast, and its outcome after. Records are keyed by
 * {@link SettlementKey} (network, scheme, canonical payment id); the scheme's own data rides along
 * as canonical strings, so one ledger holds every engine's settlements. Implementations must be
 * thread-safe; a shared database lets several facilitator instances take payments concurrently.
 *
 * <p>Methods may block (JDBC); x402j calls them off request threads. Times are kept to the
 * millisecond.
 */
public interface SettlementLedger {
  /** The result of {@link #claim}. */
  record Claim(boolean owned, SettlementRecord record) {}

  /**
   * Claims the settlement of {@code request.key()} atomically. The caller owns it ({@code owned})
   * when no record existed, when the record {@link SettlementState#FAILED failed} (no money moved,
   * so a new attempt is safe), or when a {@link SettlementState#CLAIMED claim} is older than {@code
   * lease} (its owner died before signing). Otherwise the existing record is returned for the
   * caller to follow. A claim the caller owns records {@code request.settlementId()} as the attempt
   * holding it.
   */
  Claim claim(SettlementRequest request, Instant now, Duration lease);

  /**
   * Records the signed transaction before it is broadcast, provided the caller still holds the
   * claim it was given at {@code claimedAt} (the record is {@link SettlementState#CLAIMED} and
   * unchanged since). This fences a slow owner off from a payment another facilitator took over.
   *
   * @return whether the transaction was recorded; when not, the caller must not broadcast it
   */
  boolean submitted(SettlementKey key, Submission submission, Instant claimedAt, Instant now);

  /**
   * Records that the transaction provably never reached the network (the node refused it), so the
   * claim returns to {@link SettlementState#CLAIMED} for another attempt: only while the record
   * still holds {@code transaction} as its submission.
   *
   * @return whether the claim was returned
   */
  boolean notBroadcast(SettlementKey key, String transaction, Instant now);

  /**
   * Records the answer given: {@link SettlementState#CONFIRMED}, {@link SettlementState#FAILED} or
   * {@link SettlementState#PENDING}, provided {@code fence} {@link OutcomeFence#admits admits} the
   * record as it is then (checked and written atomically).
   *
   * @return whether it was recorded; when not, the record belongs to another attempt, or is already
   *     confirmed, and the caller should answer from the record instead
   */
  boolean outcome(
      SettlementKey key,
      OutcomeFence fence,
      SettlementState state,
      SettleResponse response,
      Instant now);

  /** The record of {@code key}. */
  Optional<SettlementRecord> find(SettlementKey key);

  /** Records whose outcome is still to be learned from the chain: submitted or pending. */
  List<SettlementRecord> unresolved();

  /**
   * A page of records, newest first, for operators.
   *
   * @param filter which records; empty fields match everything
   * @param offset how many matching records to skip
   * @param limit the most to return
   */
  List<SettlementRecord> list(SettlementFilter filter, int offset, int limit);

  /**
   * The settlements of one payer's token on one network that are not final yet ({@link
   * SettlementState#CLAIMED claimed}, {@link SettlementState#SUBMITTED submitted} or {@link
   * SettlementState#PENDING pending}), of every scheme, oldest first, at most {@code limit}: what
   * that balance is already committed to. A facilitator subtracts them from the balance before it
   * signs another transfer from the same payer, so that facilitators sharing a ledger do not spend
   * one balance twice.
   *
   * @param asset the token's canonical string
   * @param payer the payer's canonical string
   */
  List<SettlementRecord> inFlight(Network network, String asset, String payer, int limit);

  /** How many settlements are in each state, for metrics; states without any are left out. */
  Map<SettlementState, Long> countByState();
}
