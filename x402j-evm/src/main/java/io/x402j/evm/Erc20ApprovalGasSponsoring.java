package io.x402j.evm;

import io.x402j.core.ErrorReason;
import io.x402j.evm.internal.Extensions;
import io.x402j.evm.internal.WireFields;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code info} of the {@code erc20ApprovalGasSponsoring} payment extension: a raw signed
 * transaction of the payer calling {@code token.approve(Permit2, amount)}, which the facilitator
 * funds and broadcasts before settling, for tokens without EIP-2612. The official client approves
 * the uint256 maximum.
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
   * Why this approval cannot be used for a payment by {@code payer} in {@code token}, in the order
   * and with the reasons of @x402/evm's facilitator: {@code from} not the payer, {@code asset} not
   * the token, {@code spender} not Permit2, the transaction not decodable, its target not the
   * token, its call data not {@code approve(Permit2, amount)} (selector, spender, and here also the
   * stated amount and exact length), its signature unusable or its signer not the payer. Empty when
   * it can be used. Fees, account nonce, chain and balance are the facilitator's to check against
   * the chain.
   */
  public Optional<ErrorReason> problem(EvmAddress payer, EvmAddress token) {
    if (!from.equals(payer)) {
      return Optional.of(ErrorReason.ERC20_APPROVAL_FROM_MISMATCH);
    }
    if (!asset.equals(token)) {
      return Optional.of(ErrorReason.ERC20_APPROVAL_ASSET_MISMATCH);
    }
    if (!spender.equals(Permit2.ADDRESS)) {
      return Optional.of(ErrorReason.ERC20_APPROVAL_SPENDER_NOT_PERMIT2);
    }
    Eip1559Transaction.Signed signed;
    try {
      signed = decodeTransaction();
    } catch (Eip1559Transaction.InvalidSignatureException e) {
      return Optional.of(ErrorReason.ERC20_APPROVAL_TX_INVALID_SIGNATURE);
    } catch (IllegalArgumentException e) {
      return Optional.of(ErrorReason.ERC20_APPROVAL_TX_PARSE_FAILED);
    }
    Eip1559Transaction tx = signed.transaction();
    if (!tx.to().equals(token)) {
      return Optional.of(ErrorReason.ERC20_APPROVAL_TX_WRONG_TARGET);
    }
    byte[] data = tx.data();
    byte[] selector = Abi.selector(Permit2Calls.ERC20_APPROVE);
    if (data.length < 4 || !Arrays.equals(data, 0, 4, selector, 0, 4)) {
      return Optional.of(ErrorReason.ERC20_APPROVAL_TX_WRONG_SELECTOR);
    }
    if (data.length != 4 + 64) {
      return Optional.of(ErrorReason.ERC20_APPROVAL_TX_INVALID_CALLDATA);
    }
    for (int i = 4; i < 4 + 12; i++) {
      if (data[i] != 0) {
        return Optional.of(ErrorReason.ERC20_APPROVAL_TX_INVALID_CALLDATA);
      }
    }
    byte[] args = Arrays.copyOfRange(data, 4, data.length);
    if (!Abi.decodeAddress(args, 0).equals(Permit2.ADDRESS)) {
      return Optional.of(ErrorReason.ERC20_APPROVAL_TX_WRONG_SPENDER);
    }
    if (!Abi.decodeUint(args, 1).equals(amount)) {
      return Optional.of(ErrorReason.ERC20_APPROVAL_TX_INVALID_CALLDATA);
    }
    if (!signed.sender().equals(payer)) {
      return Optional.of(ErrorReason.ERC20_APPROVAL_TX_SIGNER_MISMATCH);
    }
    return Optional.empty();
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
