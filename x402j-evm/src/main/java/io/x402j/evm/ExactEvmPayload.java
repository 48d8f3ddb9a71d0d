package io.x402j.evm;

import io.x402j.core.TokenAmount;
import io.x402j.core.support.Text;
import io.x402j.evm.internal.WireFields;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code payload} of an exact-scheme EVM payment: an EIP-3009 authorization and the payer's
 * signature of it. The signature is kept as sent (ASCII hex in either case): 65 bytes for an
 * ordinary account, longer for some smart-contract wallets. What identifies the payment is the
 * parsed authorization and {@link #canonicalSignature()}, never this text.
 *
 * @param signature the signature: {@code 0x} and at least 65 bytes of ASCII hex
 * @param authorization the signed authorization
 */
public record ExactEvmPayload(String signature, Eip3009Authorization authorization) {
  /**
   * Validates the fields.
   *
   * @throws IllegalArgumentException if the signature is not {@code 0x} followed by at least 65
   *     whole bytes of ASCII hex
   */
  public ExactEvmPayload {
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(authorization, "authorization");
    String problem = signatureProblem(signature);
    if (problem != null) {
      throw new IllegalArgumentException("signature " + Text.quote(signature) + " " + problem);
    }
  }

  /** Why {@code signature} is not 0x and at least 65 whole bytes of ASCII hex, or null. */
  private static String signatureProblem(String signature) {
    return WireFields.whyNotHexBytes(signature, 65);
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
    String problem = signatureProblem(sig);
    if (problem != null) {
      throw new IllegalArgumentException("payload.signature " + Text.quote(sig) + " " + problem);
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
   * The signature in one form for all its spellings: lower-case hex, and for the 65-byte {@code r ‖
   * s ‖ v} form {@code v} as 27 or 28 (wallets also write 0 or 1, which recover the same signer).
   * Other lengths (smart-wallet signatures) are their exact bytes.
   */
  public String canonicalSignature() {
    byte[] bytes = signatureBytes();
    if (bytes.length == 65 && (bytes[64] == 0 || bytes[64] == 1)) {
      bytes[64] += 27;
    }
    return Hex.encode(bytes);
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
