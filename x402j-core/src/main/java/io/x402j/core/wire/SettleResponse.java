package io.x402j.core.wire;

import io.x402j.core.ErrorReason;
import io.x402j.core.TokenAmount;
import io.x402j.core.internal.Checks;
import io.x402j.core.support.JsonValues;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The outcome of a settlement (both protocol versions): the facilitator's answer to {@code
 * /settle}, and the receipt a resource server sends in {@code PAYMENT-RESPONSE} or {@code
 * X-PAYMENT-RESPONSE}.
 *
 * @param success whether the payment was settled
 * @param errorReason why not ({@link ErrorReason} wire string), or {@code null}
 * @param errorMessage a human-readable explanation, or {@code null}
 * @param transaction the transaction hash; empty when nothing was broadcast
 * @param network the network: a CAIP-2 identifier in v2, a network name in v1
 * @param payer the payer's address, or {@code null}
 * @param amount the amount actually settled, or {@code null}
 * @param extensions extension data, or {@code null}
 * @param additionalFields fields this version of x402j does not model
 */
public record SettleResponse(
    boolean success,
    String errorReason,
    String errorMessage,
    String transaction,
    String network,
    String payer,
    TokenAmount amount,
    Map<String, Object> extensions,
    Map<String, Object> additionalFields) {

  static final Set<String> FIELDS =
      Set.of(
          "success",
          "errorReason",
          "errorMessage",
          "transaction",
          "network",
          "payer",
          "amount",
          "extensions");

  /** Validates the fields and copies the maps. */
  public SettleResponse {
    Objects.requireNonNull(transaction, "transaction (use \"\" when nothing was broadcast)");
    Objects.requireNonNull(network, "network");
    extensions = JsonValues.canonicalObject(extensions, "extensions");
    additionalFields = Checks.additionalFields(additionalFields, FIELDS, "SettleResponse");
  }

  /** The payment settled in {@code transaction}. */
  public static SettleResponse success(String transaction, String network, String payer) {
    return new SettleResponse(true, null, null, transaction, network, payer, null, null, Map.of());
  }

  /** The payment was not settled; the message defaults to the reason's description. */
  public static SettleResponse failure(
      ErrorReason reason, String message, String transaction, String network, String payer) {
    Objects.requireNonNull(reason, "reason");
    return new SettleResponse(
        false,
        reason.wire(),
        message == null ? reason.description() : message,
        transaction == null ? "" : transaction,
        network,
        payer,
        null,
        null,
        Map.of());
  }

  /** The reason as a known constant; empty on success or for a string x402j does not know. */
  public Optional<ErrorReason> reason() {
    return ErrorReason.fromWire(errorReason);
  }

  /**
   * Whether the transaction was broadcast but its outcome is not known yet ({@code
   * settlement_pending}). Such a payment is neither settled nor failed.
   */
  public boolean isPending() {
    return !success && ErrorReason.SETTLEMENT_PENDING.wire().equals(errorReason);
  }

  /** A copy reporting {@code network} instead (to translate between v1 names and CAIP-2). */
  public SettleResponse withNetwork(String network) {
    return new SettleResponse(
        success,
        errorReason,
        errorMessage,
        transaction,
        network,
        payer,
        amount,
        extensions,
        additionalFields);
  }
}
