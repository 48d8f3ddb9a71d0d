package io.x402j.evm;

import io.x402j.evm.internal.Extensions;
import io.x402j.evm.internal.WireFields;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code info} of the {@code eip2612GasSponsoring} payment extension: the payer's EIP-2612
 * permit approving Permit2 for a token, which the facilitator submits through the proxy's {@code
 * settleWithPermit} so the payer needs no approval transaction of their own.
 *
 * <p>This record only reads and writes the wire form; the facilitator checks the permit against the
 * payment.
 *
 * @param from the payer (the permit's owner)
 * @param asset the token
 * @param spender Permit2 ({@link Permit2#ADDRESS})
 * @param amount the approved value; the proxies require it to equal the Permit2 permitted amount
 * @param nonce the token's {@code nonces(from)} when signed
 * @param deadline the permit's deadline (Unix seconds)
 * @param signature the 65-byte permit signature, as sent
 * @param version the extension version, {@code "1"}
 */
public record Eip2612GasSponsoring(
    EvmAddress from,
    EvmAddress asset,
    EvmAddress spender,
    BigInteger amount,
    BigInteger nonce,
    BigInteger deadline,
    String signature,
    String version) {
  /** The extension's key in {@code extensions}. */
  public static final String KEY = "eip2612GasSponsoring";

  /** The version this implementation writes. */
  public static final String VERSION = "1";

  private static final String PATH = "extensions." + KEY + ".info";

  /** Validates the fields; the signature must be 65 bytes of ASCII hex with valid r, s, v. */
  public Eip2612GasSponsoring {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(asset, "asset");
    Objects.requireNonNull(spender, "spender");
    WireFields.requireUint256(amount, "amount");
    WireFields.requireUint256(nonce, "nonce");
    WireFields.requireUint256(deadline, "deadline");
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(version, "version");
    Signature.parse(signature);
  }

  /**
   * Reads the extension's {@code info}.
   *
   * @throws IllegalArgumentException naming the first bad field, e.g. {@code
   *     extensions.eip2612GasSponsoring.info.amount: …}
   */
  public static Eip2612GasSponsoring fromMap(Map<String, Object> info) {
    if (info == null) {
      throw new IllegalArgumentException(PATH + " is missing");
    }
    String signature = WireFields.string(info, PATH, "signature");
    try {
      Signature.parse(signature);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(PATH + ".signature: " + e.getMessage(), e);
    }
    return new Eip2612GasSponsoring(
        WireFields.address(info, PATH, "from"),
        WireFields.address(info, PATH, "asset"),
        WireFields.address(info, PATH, "spender"),
        WireFields.uint256(info, PATH, "amount"),
        WireFields.uint256(info, PATH, "nonce"),
        WireFields.uint256(info, PATH, "deadline"),
        signature,
        Extensions.version(info, PATH));
  }

  /**
   * The extension in a payment's {@code extensions}, or empty when absent.
   *
   * @throws IllegalArgumentException when present but malformed
   */
  public static Optional<Eip2612GasSponsoring> fromExtensions(Map<String, ?> extensions) {
    return Extensions.info(extensions, KEY).map(Eip2612GasSponsoring::fromMap);
  }

  /** The parsed signature. */
  public Signature parsedSignature() {
    return Signature.parse(signature);
  }

  /** The permit to pass to a proxy's {@code settleWithPermit}. */
  public Eip2612Permit permit() {
    return new Eip2612Permit(amount, deadline, parsedSignature());
  }

  /**
   * The info as JSON values in the official field order: {@code from, asset, spender, amount,
   * nonce, deadline, signature, version}.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("from", from.toString());
    m.put("asset", asset.toString());
    m.put("spender", spender.toString());
    m.put("amount", amount.toString());
    m.put("nonce", nonce.toString());
    m.put("deadline", deadline.toString());
    m.put("signature", signature);
    m.put("version", version);
    return m;
  }

  /** {@code {"eip2612GasSponsoring": {"info": toMap()}}}, to merge into a payment's extensions. */
  public Map<String, Object> toExtensions() {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("info", toMap());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(KEY, entry);
    return out;
  }
}
