package io.x402j.settlement;

import io.x402j.settlement.internal.Canonical;
import java.util.Map;
import java.util.Objects;

/**
 * What an engine asks a ledger to claim: the payment, its fingerprint, and what it moves.
 *
 * @param key the payment
 * @param fingerprint a digest of the signed payment (1 to {@value #MAX_FINGERPRINT_LENGTH}
 *     printable ASCII characters)
 * @param transfer what the payment moves
 * @param details the scheme's own data about the payment, kept with the record
 * @param settlementId the resource server's settlement attempt, or {@code null} when it named none
 */
public record SettlementRequest(
    SettlementKey key,
    String fingerprint,
    Transfer transfer,
    Map<String, String> details,
    String settlementId) {
  /** The longest fingerprint a ledger holds. */
  public static final int MAX_FINGERPRINT_LENGTH = 128;

  /** The longest settlement attempt id a ledger holds. */
  public static final int MAX_SETTLEMENT_ID_LENGTH = 128;

  /** Validates the fields. */
  public SettlementRequest {
    Objects.requireNonNull(key, "key");
    Canonical.token(fingerprint, "fingerprint", MAX_FINGERPRINT_LENGTH);
    Objects.requireNonNull(transfer, "transfer");
    details = Canonical.details(details, "details");
    Canonical.optionalToken(settlementId, "settlement id", MAX_SETTLEMENT_ID_LENGTH);
  }

  /** A request without details that names no settlement attempt. */
  public SettlementRequest(SettlementKey key, String fingerprint, Transfer transfer) {
    this(key, fingerprint, transfer, Map.of(), null);
  }
}
