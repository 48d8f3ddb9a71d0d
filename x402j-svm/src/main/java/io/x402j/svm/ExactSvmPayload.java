package io.x402j.svm;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;

/**
 * The exact scheme's Solana payload: {@code {"transaction": "<base64 wire transaction>"}}, the
 * transaction partially signed (the fee payer's slot is left for the facilitator). Parsing is
 * strict: the standard base64 alphabet with canonical padding and no whitespace, then a strict
 * {@link SolanaTransaction#decode}. A payment is identified by {@link #paymentId}, derived from the
 * decoded message, never from the base64 text.
 *
 * @param transaction the decoded transaction
 */
public record ExactSvmPayload(SolanaTransaction transaction) {
  /** The longest base64 text accepted: a {@value SolanaTransaction#MAX_SIZE}-byte transaction. */
  public static final int MAX_BASE64_LENGTH = (SolanaTransaction.MAX_SIZE + 2) / 3 * 4;

  /** Checks the transaction is present. */
  public ExactSvmPayload {
    Objects.requireNonNull(transaction, "transaction");
  }

  /**
   * Reads the scheme payload of a payment.
   *
   * @throws IllegalArgumentException if {@code payload} has other fields than {@code transaction},
   *     or the transaction is not a strict base64 string of a well-formed transaction ({@link
   *     SolanaDecodeException} for a bad transaction); the message says which
   */
  public static ExactSvmPayload parse(Map<String, ?> payload) {
    Objects.requireNonNull(payload, "payload");
    for (String key : payload.keySet()) {
      if (!"transaction".equals(key)) {
        throw new IllegalArgumentException(
            "the exact SVM payload has an unknown field " + io.x402j.core.support.Text.quote(key));
      }
    }
    Object value = payload.get("transaction");
    if (!(value instanceof String)) {
      throw new IllegalArgumentException(
          value == null
              ? "the exact SVM payload lacks its transaction"
              : "the exact SVM payload's transaction must be a base64 string");
    }
    return new ExactSvmPayload(SolanaTransaction.decode(base64((String) value)));
  }

  /**
   * Decodes strict standard base64 (RFC 4648 §4): no whitespace, no URL-safe characters, canonical
   * padding and zero unused bits, and at most {@link #MAX_BASE64_LENGTH} characters.
   *
   * @throws IllegalArgumentException naming the problem
   */
  public static byte[] base64(String text) {
    Objects.requireNonNull(text, "text");
    if (text.isEmpty()) {
      throw new IllegalArgumentException("the transaction is empty");
    }
    if (text.length() > MAX_BASE64_LENGTH) {
      throw new IllegalArgumentException(
          "the transaction is "
              + text.length()
              + " base64 characters, more than a "
              + SolanaTransaction.MAX_SIZE
              + "-byte transaction needs");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '+'
              || c == '/'
              || c == '=';
      if (!ok) {
        throw new IllegalArgumentException(
            "the transaction is not standard base64: "
                + (c == '-' || c == '_' ? "URL-safe character " : "character ")
                + String.format("U+%04X", (int) c)
                + " at index "
                + i);
      }
    }
    if (text.length() % 4 != 0) {
      throw new IllegalArgumentException(
          "the transaction is not canonically padded base64 (length "
              + text.length()
              + " is not a multiple of 4)");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the transaction is not valid base64: " + e.getMessage());
    }
    if (!Base64.getEncoder().encodeToString(bytes).equals(text)) {
      throw new IllegalArgumentException(
          "the transaction is not canonical base64 (misplaced padding or non-zero unused bits)");
    }
    return bytes;
  }

  /** The base64 wire transaction. */
  public String transactionBase64() {
    return Base64.getEncoder().encodeToString(transaction.encode());
  }

  /** The payload object as it travels: {@code {"transaction": base64}}. */
  public Map<String, Object> toMap() {
    return Map.of("transaction", transactionBase64());
  }

  /** This payload's {@link #paymentId(SolanaTransaction)}. */
  public String paymentId() {
    return paymentId(transaction);
  }

  /**
   * The identity of a Solana payment: lower-case hex SHA-256 of the transaction's message bytes.
   * Signatures are not part of it, so the same payment with or without the fee payer's signature
   * (or re-encoded base64) has one identity, as the official facilitator's duplicate key.
   */
  public static String paymentId(SolanaTransaction transaction) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(transaction.messageBytes()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }
}
