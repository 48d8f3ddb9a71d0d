package io.x402j.evm.settle;

import io.x402j.core.TokenAmount;
import io.x402j.core.wire.SettleResponse;
import io.x402j.evm.EvmAddress;
import java.time.Instant;
import java.util.Objects;

/**
 * One settlement as a ledger keeps it.
 *
 * @param key the authorization settled
 * @param fingerprint a digest of the signed authorization, to tell a repeat from a conflict
 * @param settlementId the settlement attempt that holds the claim, as its resource server named it;
 *     {@code null} when it named none
 * @param payTo the recipient of the authorization
 * @param amount the authorized amount in atomic units
 * @param state where the settlement is
 * @param submission the transaction, once signed; {@code null} before
 * @param outcome the answer given, once final or pending; {@code null} before
 * @param createdAt when the payment was first claimed
 * @param updatedAt when the record last changed
 */
public record SettlementRecord(
    SettlementKey key,
    String fingerprint,
    String settlementId,
    EvmAddress payTo,
    TokenAmount amount,
    SettlementState state,
    Submission submission,
    SettleResponse outcome,
    Instant createdAt,
    Instant updatedAt) {
  /** Validates the fields. */
  public SettlementRecord {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(payTo, "payTo");
    Objects.requireNonNull(amount, "amount");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /** A copy in another state. */
  public SettlementRecord with(
      SettlementState newState, Submission newSubmission, SettleResponse newOutcome, Instant now) {
    return new SettlementRecord(
        key,
        fingerprint,
        settlementId,
        payTo,
        amount,
        newState,
        newSubmission,
        newOutcome,
        createdAt,
        now);
  }
}
