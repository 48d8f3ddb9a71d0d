package io.x402j.evm;

import io.x402j.core.TokenAmount;
import io.x402j.core.internal.Text;
import io.x402j.evm.internal.Hex;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code payload} of an exact-scheme EVM payment: an EIP-3009 authorization and the payer's
 * signature of it. The signature is kept as sent: 65 bytes for an ordinary account, longer for some
 * smart-contract wallets.
 *
 * @param signature the signature in hex
 * @param authorization the signed authorization
 */
public record ExactEvmPayload(String signature, Eip3009Authorization authorization) {
  /** Validates the fields. */
  public ExactEvmPayload {
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(authorization, "authorization");
  }

  /**
   * Reads the payload of a payment.
   *
   * @throws IllegalArgumentException naming the first field that is missing or malformed, e.g.
   *     {@code payload.authorization.validBefore must be a decimal string}
   */
  public static ExactEvmPayload fromMap(Map<String, Object> payload) {
    if (payload == null) {
      throw new IllegalArgumentException("payload is missing");
    }
    Object signature = payload.get("signature");
    if (!(signature instanceof String)) {
      throw new IllegalArgumentException("payload.signature must be a hex string");
    }
    String sig = (String) signature;
    if (!sig.startsWith("0x")
        || sig.length() < 2 + 130
        || sig.length() % 2 != 0
        || !isHexDigits(sig)) {
      throw new IllegalArgumentException(
          "payload.signature "
              + Text.quote(sig)
              + " is not 0x followed by at least 65 bytes of hex");
    }
    Object auth = payload.get("authorization");
    if (!(auth instanceof Map)) {
      throw new IllegalArgumentException("payload.authorization must be an object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> a = (Map<String, Object>) auth;
    Eip3009Authorization authorization =
        new Eip3009Authorization(
            address(a, "from"),
            address(a, "to"),
            amount(a, "value"),
            uint(a, "validAfter"),
            uint(a, "validBefore"),
            nonce(a));
    return new ExactEvmPayload(sig, authorization);
  }

  private static boolean isHexDigits(String hex) {
    for (int i = 2; i < hex.length(); i++) {
      if (Character.digit(hex.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  private static String string(Map<String, Object> a, String field) {
    Object value = a.get(field);
    if (!(value instanceof String)) {
      throw new IllegalArgumentException("payload.authorization." + field + " must be a string");
    }
    return (String) value;
  }

  private static EvmAddress address(Map<String, Object> a, String field) {
    try {
      return EvmAddress.parse(string(a, field));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("payload.authorization." + field + ": " + e.getMessage());
    }
  }

  private static TokenAmount amount(Map<String, Object> a, String field) {
    try {
      return TokenAmount.parse(string(a, field));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("payload.authorization." + field + ": " + e.getMessage());
    }
  }

  private static BigInteger uint(Map<String, Object> a, String field) {
    return amount(a, field).value();
  }

  private static Bytes32 nonce(Map<String, Object> a) {
    try {
      return Bytes32.parse(string(a, "nonce"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("payload.authorization.nonce: " + e.getMessage());
    }
  }

  /** Whether the signature is the 65-byte {@code r ‖ s ‖ v} form. */
  public boolean isEcdsaSignature() {
    return signature.length() == 2 + 130;
  }

  /** The signature bytes. */
  public byte[] signatureBytes() {
    return Hex.decode(signature);
  }

  /**
   * The payload as JSON values, in the field order of the official SDK: {@code authorization}
   * ({@code from, to, value, validAfter, validBefore, nonce}) then {@code signature}.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("from", authorization.from().toString());
    a.put("to", authorization.to().toString());
    a.put("value", authorization.value().toString());
    a.put("validAfter", authorization.validAfter().toString());
    a.put("validBefore", authorization.validBefore().toString());
    a.put("nonce", authorization.nonce().toString());
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("authorization", a);
    payload.put("signature", signature);
    return payload;
  }
}
