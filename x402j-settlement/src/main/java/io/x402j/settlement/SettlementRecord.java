package io.x402j.settlement;

import io.x402j.core.TokenAmount;
import io.x402j.core.wire.SettleResponse;
import io.x402j.settlement.internal.Canonical;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One settlement as a ledger keeps it.
 *
 * @param key the payment settled
 * @param fingerprint a digest of the signed payment, to tell a repeat from a conflict
 * @param settlementId the settlement attempt that holds the claim, as its resource server named it;
 *     {@code null} when it named none
 * @param transfer what the payment moves
 * @param details the scheme's own data about the payment (e.g. the EIP-3009 authorization nonce)
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
    Transfer transfer,
    Map<String, String> details,
    SettlementState state,
    Submission submission,
    SettleResponse outcome,
    Instant createdAt,
    Instant updatedAt) {
  /** Validates the fields. */
  public SettlementRecord {
    Objects.requireNonNull(key, "key");
    Canonical.token(fingerprint, "fingerprint", SettlementRequest.MAX_FINGERPRINT_LENGTH);
    Canonical.optionalToken(
        settlementId, "settlement id", SettlementRequest.MAX_SETTLEMENT_ID_LENGTH);
    Objects.requireNonNull(transfer, "transfer");
    details = Canonical.details(details, "details");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /** The account whose balance pays. */
  public String payer() {
    return transfer.payer();
  }

  /** The recipient. */
  public String payTo() {
    return transfer.payTo();
  }

  /** The token. */
  public String asset() {
    return transfer.asset();
  }

  /** The amount in atomic units. */
  public TokenAmount amount() {
    return transfer.amount();
  }

  /** A copy in another state. */
  public SettlementRecord with(
      SettlementState newState, Submission newSubmission, SettleResponse newOutcome, Instant now) {
    return new SettlementRecord(
        key,
        fingerprint,
        settlementId,
        transfer,
        details,
        newState,
        newSubmission,
        newOutcome,
        createdAt,
        now);
  }
}
