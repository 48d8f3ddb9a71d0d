package io.x402j.evm;

import io.x402j.core.Network;
import io.x402j.core.support.Text;
import io.x402j.evm.internal.WireFields;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code payload} of an exact or upto EVM payment made through Permit2: the owner's signature
 * of a {@link Permit2Authorization}. The wire form, as @x402/evm writes it:
 *
 * <pre>{@code
 * {"signature": "0x…",
 *  "permit2Authorization": {"from", "permitted": {"token", "amount"}, "spender", "nonce",
 *                           "deadline", "witness": {"to", ["facilitator",] "validAfter"}}}
 * }</pre>
 *
 * Numbers are ASCII decimal strings (read by value: {@code "01"} is 1; hex such as {@code "0x1"}
 * and non-ASCII digits are refused); the signature is kept as sent (ASCII hex, at least 65 bytes:
 * longer for smart wallets and ERC-6492 wrappers). What identifies the payment is (network, {@code
 * from}, nonce as a number), never this text.
 *
 * @param signature the signature: {@code 0x} and at least 65 whole bytes of ASCII hex
 * @param authorization the signed authorization
 */
public record Permit2Payload(String signature, Permit2Authorization authorization) {
  private static final String PATH = "payload.permit2Authorization";

  /**
   * Validates the fields.
   *
   * @throws IllegalArgumentException if the signature is not {@code 0x} and at least 65 whole bytes
   *     of ASCII hex
   */
  public Permit2Payload {
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(authorization, "authorization");
    String problem = WireFields.whyNotHexBytes(signature, 65);
    if (problem != null) {
      throw new IllegalArgumentException("signature " + Text.quote(signature) + " " + problem);
    }
  }

  /** Whether {@code payload} is a Permit2 payload (it has {@code permit2Authorization}). */
  public static boolean isPermit2(Map<String, ?> payload) {
    return payload != null && payload.containsKey("permit2Authorization");
  }

  /**
   * Reads a payment's payload. The witness is the upto witness when it has a {@code facilitator}
   * field, else the exact one; use {@link #requireExact()} or {@link #requireUpto()} to insist on
   * one.
   *
   * @throws IllegalArgumentException naming the first field that is missing or malformed, e.g.
   *     {@code payload.permit2Authorization.nonce: value "0x1" is not a decimal string …}
   */
  public static Permit2Payload fromMap(Map<String, Object> payload) {
    if (payload == null) {
      throw new IllegalArgumentException("payload is missing");
    }
    String signature = WireFields.hexBytes(payload, "payload", "signature", 65);
    Map<String, Object> a = WireFields.object(payload, "payload", "permit2Authorization");
    Map<String, Object> permitted = WireFields.object(a, PATH, "permitted");
    Map<String, Object> w = WireFields.object(a, PATH, "witness");
    String witnessPath = PATH + ".witness";
    Permit2Witness witness =
        new Permit2Witness(
            WireFields.address(w, witnessPath, "to"),
            w.containsKey("facilitator") ? WireFields.address(w, witnessPath, "facilitator") : null,
            WireFields.uint256(w, witnessPath, "validAfter"));
    Permit2Authorization authorization =
        new Permit2Authorization(
            WireFields.address(permitted, PATH + ".permitted", "token"),
            WireFields.uint256(permitted, PATH + ".permitted", "amount"),
            WireFields.address(a, PATH, "from"),
            WireFields.address(a, PATH, "spender"),
            WireFields.uint256(a, PATH, "nonce"),
            WireFields.uint256(a, PATH, "deadline"),
            witness);
    return new Permit2Payload(signature, authorization);
  }

  /**
   * This payload if it is the exact scheme's: the exact witness ({@code to, validAfter}) and the
   * exact proxy as spender.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public Permit2Payload requireExact() {
    if (authorization.witness().isUpto()) {
      throw new IllegalArgumentException(
          PATH + ".witness has a facilitator: that is the upto witness, not the exact one");
    }
    if (!authorization.spender().equals(Permit2.EXACT_PROXY)) {
      throw new IllegalArgumentException(
          PATH
              + ".spender "
              + authorization.spender()
              + " is not the exact Permit2 proxy "
              + Permit2.EXACT_PROXY);
    }
    return this;
  }

  /**
   * This payload if it is the upto scheme's: the upto witness ({@code to, facilitator, validAfter})
   * and the upto proxy as spender.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public Permit2Payload requireUpto() {
    if (!authorization.witness().isUpto()) {
      throw new IllegalArgumentException(
          PATH + ".witness.facilitator is missing: the upto witness names the facilitator");
    }
    if (!authorization.spender().equals(Permit2.UPTO_PROXY)) {
      throw new IllegalArgumentException(
          PATH
              + ".spender "
              + authorization.spender()
              + " is not the upto Permit2 proxy "
              + Permit2.UPTO_PROXY);
    }
    return this;
  }

  /**
   * The canonical identity of this payment on {@code network}: {@code permit2|<network>|<owner,
   * lower-case hex>|<nonce, decimal>}. Permit2 nonces are per owner across tokens, spenders and
   * schemes, so exact and upto payments share this space; every spelling of one payment (letter
   * case, leading zeros) has one identity.
   */
  public String identity(Network network) {
    return "permit2|"
        + network
        + "|"
        + authorization.from().toLowerHex()
        + "|"
        + authorization.nonce();
  }

  /** The signature bytes (for an ERC-6492 wrapper, the whole wrapper). */
  public byte[] signatureBytes() {
    return Hex.decode(signature);
  }

  /**
   * The payload as JSON values in the field order of @x402/evm: {@code signature}, then {@code
   * permit2Authorization} ({@code from, permitted{token, amount}, spender, nonce, deadline,
   * witness{to, [facilitator,] validAfter}}). Addresses are checksummed, numbers decimal.
   */
  public Map<String, Object> toMap() {
    Permit2Authorization a = authorization;
    Map<String, Object> permitted = new LinkedHashMap<>();
    permitted.put("token", a.token().toString());
    permitted.put("amount", a.amount().toString());
    Map<String, Object> witness = new LinkedHashMap<>();
    witness.put("to", a.witness().to().toString());
    if (a.witness().isUpto()) {
      witness.put("facilitator", a.witness().facilitator().toString());
    }
    witness.put("validAfter", a.witness().validAfter().toString());
    Map<String, Object> auth = new LinkedHashMap<>();
    auth.put("from", a.from().toString());
    auth.put("permitted", permitted);
    auth.put("spender", a.spender().toString());
    auth.put("nonce", a.nonce().toString());
    auth.put("deadline", a.deadline().toString());
    auth.put("witness", witness);
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("signature", signature);
    payload.put("permit2Authorization", auth);
    return payload;
  }
}
