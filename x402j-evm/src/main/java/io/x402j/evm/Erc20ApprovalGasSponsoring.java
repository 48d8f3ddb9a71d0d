package io.x402j.evm;

import io.x402j.evm.internal.Extensions;
import io.x402j.evm.internal.WireFields;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code info} of the {@code erc20ApprovalGasSponsoring} payment extension: a raw signed
 * transaction of the payer calling {@code token.approve(Permit2, amount)}, which the facilitator
 * funds and broadcasts before settling, for tokens without EIP-2612. The official client approves
 * the uint256 maximum. This record only reads and writes the wire form and decodes the transaction;
 * the facilitator checks it against the payment.
 *
 * @param from the payer (the transaction's signer)
 * @param asset the token (the transaction's target)
 * @param spender Permit2 ({@link Permit2#ADDRESS})
 * @param amount the approved amount as stated by the payer
 * @param signedTransaction the raw signed transaction, {@code 0x} hex, as sent
 * @param version the extension version, {@code "1"}
 */
public record Erc20ApprovalGasSponsoring(
    EvmAddress from,
    EvmAddress asset,
    EvmAddress spender,
    BigInteger amount,
    String signedTransaction,
    String version) {
  /** The extension's key in {@code extensions}. */
  public static final String KEY = "erc20ApprovalGasSponsoring";

  /** The version this implementation writes. */
  public static final String VERSION = "1";

  private static final String PATH = "extensions." + KEY + ".info";

  /** Validates the fields; the transaction must be {@code 0x} and whole bytes of ASCII hex. */
  public Erc20ApprovalGasSponsoring {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(asset, "asset");
    Objects.requireNonNull(spender, "spender");
    WireFields.requireUint256(amount, "amount");
    Objects.requireNonNull(signedTransaction, "signedTransaction");
    Objects.requireNonNull(version, "version");
    String problem = WireFields.whyNotHexBytes(signedTransaction, 1);
    if (problem != null) {
      throw new IllegalArgumentException("signedTransaction " + problem);
    }
  }

  /**
   * Reads the extension's {@code info}. The transaction is only checked to be hex here; {@link
   * #decodeTransaction()} decodes it.
   *
   * @throws IllegalArgumentException naming the first bad field
   */
  public static Erc20ApprovalGasSponsoring fromMap(Map<String, Object> info) {
    if (info == null) {
      throw new IllegalArgumentException(PATH + " is missing");
    }
    return new Erc20ApprovalGasSponsoring(
        WireFields.address(info, PATH, "from"),
        WireFields.address(info, PATH, "asset"),
        WireFields.address(info, PATH, "spender"),
        WireFields.uint256(info, PATH, "amount"),
        WireFields.hexBytes(info, PATH, "signedTransaction", 1),
        Extensions.version(info, PATH));
  }

  /**
   * The extension in a payment's {@code extensions}, or empty when absent.
   *
   * @throws IllegalArgumentException when present but malformed
   */
  public static Optional<Erc20ApprovalGasSponsoring> fromExtensions(Map<String, ?> extensions) {
    return Extensions.info(extensions, KEY).map(Erc20ApprovalGasSponsoring::fromMap);
  }

  /** The raw transaction bytes. */
  public byte[] transactionBytes() {
    return Hex.decode(signedTransaction);
  }

  /**
   * The decoded transaction with its recovered sender.
   *
   * @throws IllegalArgumentException if it is not a well-formed signed transaction
   */
  public Eip1559Transaction.Signed decodeTransaction() {
    return Eip1559Transaction.decodeSigned(transactionBytes());
  }

  /**
   * The info as JSON values in the official field order: {@code from, asset, spender, amount,
   * signedTransaction, version}.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("from", from.toString());
    m.put("asset", asset.toString());
    m.put("spender", spender.toString());
    m.put("amount", amount.toString());
    m.put("signedTransaction", signedTransaction);
    m.put("version", version);
    return m;
  }

  /** {@code {"erc20ApprovalGasSponsoring": {"info": toMap()}}}. */
  public Map<String, Object> toExtensions() {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("info", toMap());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(KEY, entry);
    return out;
  }
}
