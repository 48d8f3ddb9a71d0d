package io.x402j.core.extensions.offerreceipt;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The signed part of a receipt (spec §5.2).
 *
 * @param version the payload version, 1
 * @param network CAIP-2 network of the payment
 * @param resourceUrl the paid resource
 * @param payer who paid (a wallet address)
 * @param issuedAt when the receipt was issued (Unix seconds)
 * @param transaction the settlement transaction, or {@code ""} when left out (privacy)
 */
public record ReceiptPayload(
    long version,
    String network,
    String resourceUrl,
    String payer,
    long issuedAt,
    String transaction) {
  /** Requires every field; a {@code null} transaction is {@code ""}. */
  public ReceiptPayload {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(resourceUrl, "resourceUrl");
    Objects.requireNonNull(payer, "payer");
    transaction = transaction == null ? "" : transaction;
    if (version < 0 || issuedAt < 0) {
      throw new IllegalArgumentException("version and issuedAt must not be negative");
    }
  }

  /**
   * The payload as JSON.
   *
   * @param emptyTransaction whether an absent transaction is written as {@code ""} (EIP-712, whose
   *     schema is fixed) or left out (JWS)
   */
  public Map<String, Object> toMap(boolean emptyTransaction) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", version);
    m.put("network", network);
    m.put("resourceUrl", resourceUrl);
    m.put("payer", payer);
    m.put("issuedAt", issuedAt);
    if (emptyTransaction || !transaction.isEmpty()) {
      m.put("transaction", transaction);
    }
    return m;
  }

  /**
   * Reads a payload as transmitted.
   *
   * @throws IllegalArgumentException naming the field that is missing or of the wrong type
   */
  public static ReceiptPayload fromMap(Object value) {
    Map<String, Object> m = Fields.object(value, "receipt payload");
    Object tx = m.get("transaction");
    if (tx != null && !(tx instanceof String)) {
      throw new IllegalArgumentException("receipt payload: transaction is not a string");
    }
    return new ReceiptPayload(
        Fields.uint(m, "version", true),
        Fields.string(m, "network"),
        Fields.string(m, "resourceUrl"),
        Fields.string(m, "payer"),
        Fields.uint(m, "issuedAt", true),
        (String) tx);
  }
}
