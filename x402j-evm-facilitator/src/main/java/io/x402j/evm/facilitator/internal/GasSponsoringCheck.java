package io.x402j.evm.facilitator.internal;

import io.x402j.core.ErrorReason;
import io.x402j.evm.Abi;
import io.x402j.evm.Eip1559Transaction;
import io.x402j.evm.Eip2612GasSponsoring;
import io.x402j.evm.Erc20ApprovalGasSponsoring;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Permit2;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The checks of the two gas-sponsoring payment extensions of a Permit2 payment that need no chain
 * access, in the order and with the reasons of @x402/evm's {@code validateEip2612PermitForPayment}
 * and {@code validateErc20ApprovalForPayment}, plus what the specification asks of the signed
 * approval (its chain, no value, the approved amount covering the payment) and what keeps the
 * facilitator's sponsorship bounded (a gas limit and fee cap). The account nonce and the network's
 * fees are checked on chain by the caller with {@link #approvalOnChain}. Not part of the x402j API.
 */
public final class GasSponsoringCheck {
  /** The margin a permit must stay valid after verification (the official six seconds). */
  public static final long DEADLINE_MARGIN_SECONDS = PaymentCheck.VALID_BEFORE_MARGIN_SECONDS;

  /** The most gas a sponsored approval may ask for: an ERC-20 approve needs about 46,000. */
  public static final long MAX_APPROVAL_GAS = 100_000;

  private static final byte[] APPROVE = Abi.selector("approve(address,uint256)");

  private GasSponsoringCheck() {}

  /**
   * A refusal: the official reason and what is wrong.
   *
   * @param reason the reason
   * @param message what is wrong
   */
  public record Refusal(ErrorReason reason, String message) {}

  /**
   * The outcome of an extension's check: the parsed extension, or a refusal.
   *
   * @param <T> the extension's type
   * @param value the parsed extension when accepted
   * @param refusal the refusal, or null
   */
  public record Checked<T>(T value, Refusal refusal) {
    static <T> Checked<T> refused(ErrorReason reason, String message) {
      return new Checked<>(null, new Refusal(reason, message));
    }

    /** Whether the extension is refused. */
    public boolean refused() {
      return refusal != null;
    }
  }

  private static final List<String> EIP2612_FIELDS =
      List.of("from", "asset", "spender", "amount", "nonce", "deadline", "signature", "version");
  private static final List<String> ERC20_APPROVAL_FIELDS =
      List.of("from", "asset", "spender", "amount", "signedTransaction", "version");

  /**
   * Whether a payment carries the payer's part of a gas-sponsoring extension: its {@code info}
   * names every field the payer fills in. A client echoes the server's declaration ({@code info}
   * with only a description and version) when it does not sponsor; the official facilitator treats
   * that as no extension, and so does x402j. An {@code info} with every field present is checked in
   * full, and a malformed value is refused.
   */
  static boolean carriesInfo(Map<String, ?> extensions, String key, List<String> fields) {
    if (extensions == null || !(extensions.get(key) instanceof Map<?, ?> extension)) {
      return false;
    }
    if (!(extension.get("info") instanceof Map<?, ?> info)) {
      return false;
    }
    for (String field : fields) {
      Object value = info.get(field);
      if (value == null
          || "".equals(value)
          || Boolean.FALSE.equals(value)
          || (value instanceof Number n && new BigDecimal(n.toString()).signum() == 0)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The {@code eip2612GasSponsoring} extension of a payment, checked; empty when the payment has
   * none.
   *
   * @param extensions the payment's {@code extensions} (may be null)
   * @param payer the Permit2 owner
   * @param token the requirement's asset
   * @param permitted the Permit2 permitted amount (the proxy requires the permit's value to equal
   *     it)
   */
  public static Optional<Checked<Eip2612GasSponsoring>> eip2612(
      Map<String, ?> extensions,
      EvmAddress payer,
      EvmAddress token,
      BigInteger permitted,
      Instant now) {
    if (!carriesInfo(extensions, Eip2612GasSponsoring.KEY, EIP2612_FIELDS)) {
      return Optional.empty();
    }
    Eip2612GasSponsoring info;
    try {
      info = Eip2612GasSponsoring.fromExtensions(extensions).orElseThrow();
    } catch (IllegalArgumentException e) {
      return Optional.of(Checked.refused(ErrorReason.EIP2612_EXTENSION_FORMAT, e.getMessage()));
    }
    if (!info.from().equals(payer)) {
      return refused(
          ErrorReason.EIP2612_FROM_MISMATCH,
          "the permit's owner is " + info.from() + ", the payer is " + payer);
    }
    if (!info.asset().equals(token)) {
      return refused(
          ErrorReason.EIP2612_ASSET_MISMATCH,
          "the permit is for token " + info.asset() + ", the requirement's asset is " + token);
    }
    if (!info.spender().equals(Permit2.ADDRESS)) {
      return refused(
          ErrorReason.EIP2612_SPENDER_NOT_PERMIT2,
          "the permit's spender is " + info.spender() + ", not Permit2 " + Permit2.ADDRESS);
    }
    long seconds = now.getEpochSecond();
    if (info.deadline().compareTo(BigInteger.valueOf(seconds + DEADLINE_MARGIN_SECONDS)) < 0) {
      return refused(
          ErrorReason.EIP2612_DEADLINE_EXPIRED,
          "the permit's deadline is " + info.deadline() + "; now is " + seconds);
    }
    if (!info.amount().equals(permitted)) {
      // The proxy reverts Permit2612AmountMismatch: refused before any gas is spent.
      return refused(
          ErrorReason.PERMIT2_2612_AMOUNT_MISMATCH,
          "the permit approves "
              + info.amount()
              + ", the Permit2 authorization permits "
              + permitted
              + "; the proxy requires them equal");
    }
    if (info.parsedSignature().isHighS()) {
      return refused(
          ErrorReason.EIP2612_EXTENSION_FORMAT,
          "the permit's signature has a high s value (a malleable copy)");
    }
    return Optional.of(new Checked<>(info, null));
  }

  /**
   * The {@code erc20ApprovalGasSponsoring} extension of a payment, checked without chain access;
   * empty when the payment has none.
   *
   * @param extensions the payment's {@code extensions} (may be null)
   * @param payer the Permit2 owner
   * @param token the requirement's asset
   * @param permitted the Permit2 permitted amount, which the approval must cover
   * @param chainId the network's chain id
   * @param maxFeePerGas the facilitator's fee cap: it never funds gas dearer than this
   */
  public static Optional<Checked<Approval>> erc20Approval(
      Map<String, ?> extensions,
      EvmAddress payer,
      EvmAddress token,
      BigInteger permitted,
      long chainId,
      BigInteger maxFeePerGas) {
    if (!carriesInfo(extensions, Erc20ApprovalGasSponsoring.KEY, ERC20_APPROVAL_FIELDS)) {
      return Optional.empty();
    }
    Erc20ApprovalGasSponsoring info;
    try {
      info = Erc20ApprovalGasSponsoring.fromExtensions(extensions).orElseThrow();
    } catch (IllegalArgumentException e) {
      return approvalRefused(ErrorReason.ERC20_APPROVAL_EXTENSION_FORMAT, e.getMessage());
    }
    if (!info.from().equals(payer)) {
      return approvalRefused(
          ErrorReason.ERC20_APPROVAL_FROM_MISMATCH,
          "the approval's from is " + info.from() + ", the payer is " + payer);
    }
    if (!info.asset().equals(token)) {
      return approvalRefused(
          ErrorReason.ERC20_APPROVAL_ASSET_MISMATCH,
          "the approval is for token " + info.asset() + ", the requirement's asset is " + token);
    }
    if (!info.spender().equals(Permit2.ADDRESS)) {
      return approvalRefused(
          ErrorReason.ERC20_APPROVAL_SPENDER_NOT_PERMIT2,
          "the approval's spender is " + info.spender() + ", not Permit2 " + Permit2.ADDRESS);
    }
    Eip1559Transaction.Signed signed;
    try {
      signed = info.decodeTransaction();
    } catch (Eip1559Transaction.InvalidSignatureException e) {
      return approvalRefused(
          ErrorReason.ERC20_APPROVAL_TX_INVALID_SIGNATURE, "signedTransaction: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      return approvalRefused(
          ErrorReason.ERC20_APPROVAL_TX_PARSE_FAILED, "signedTransaction: " + e.getMessage());
    }
    Eip1559Transaction tx = signed.transaction();
    if (tx.chainId() != chainId) {
      return approvalRefused(
          ErrorReason.ERC20_APPROVAL_TX_PARSE_FAILED,
          "the approval is signed for chain " + tx.chainId() + ", the payment is on " + chainId);
    }
    if (!tx.to().equals(token)) {
      return approvalRefused(
          ErrorReason.ERC20_APPROVAL_TX_WRONG_TARGET,
          "the approval transaction calls " + tx.to() + ", not the token " + token);
    }
    byte[] data = tx.data();
    if (data.length < 4 || !Arrays.equals(Arrays.copyOf(data, 4), APPROVE)) {
      return approvalRefused(
          ErrorReason.ERC20_APPROVAL_TX_WRONG_SELECTOR,
          "the approval transaction's calldata does not start with approve() (0x095ea7b3)");
    }
    byte[] args = Arrays.copyOfRange(data, 4, data.length);
    if (args.length != 64 || new BigInteger(1, Arrays.copyOf(args, 12)).signum() != 0) {
      return approvalRefused(
          ErrorReason.ERC20_APPROVAL_TX_INVALID_CALLDATA,
          "the approval's calldata is not approve(address, uint256)");
    }
    EvmAddress spender = Abi.decodeAddress(args, 0);
    BigInteger amount = Abi.decodeUint(args, 1);
    if (!spender.equals(Permit2.ADDRESS)) {
      return approvalRefused(
          ErrorReason.ERC20_APPROVAL_TX_WRONG_SPENDER,
          "approve() names spender " + spender + ", not Permit2 " + Permit2.ADDRESS);
    }
    if (!signed.sender().equals(payer)) {
      return approvalRefused(
          ErrorReason.ERC20_APPROVAL_TX_SIGNER_MISMATCH,
          "the approval transaction is signed by " + signed.sender() + ", the payer is " + payer);
    }
    if (!amount.equals(info.amount())) {
      return approvalRefused(
          ErrorReason.ERC20_APPROVAL_TX_INVALID_CALLDATA,
          "approve() approves " + amount + ", the extension says " + info.amount());
    }
    if (amount.compareTo(permitted) < 0) {
      return approvalRefused(
          ErrorReason.ERC20_APPROVAL_TX_INVALID_CALLDATA,
          "approve() approves " + amount + ", less than the payment's " + permitted);
    }
    if (tx.value().signum() != 0) {
      return approvalRefused(
          ErrorReason.ERC20_APPROVAL_TX_INVALID_CALLDATA,
          "the approval transaction sends " + tx.value() + " wei besides approving");
    }
    if (tx.gasLimit() > MAX_APPROVAL_GAS) {
      return approvalRefused(
          ErrorReason.ERC20_APPROVAL_TX_INVALID_CALLDATA,
          "the approval asks for "
              + tx.gasLimit()
              + " gas; at most "
              + MAX_APPROVAL_GAS
              + " is sponsored");
    }
    long floor = minimumGas(data);
    if (tx.gasLimit() < floor) {
      // A node may accept such a transaction into its pool, but no block can include it: the
      // funding would be sent for an approval that never lands.
      return approvalRefused(
          ErrorReason.ERC20_APPROVAL_TX_INVALID_CALLDATA,
          "the approval asks for "
              + tx.gasLimit()
              + " gas, less than the "
              + floor
              + " its calldata needs before it runs");
    }
    if (tx.maxFeePerGas().compareTo(maxFeePerGas) > 0
        || tx.maxPriorityFeePerGas().compareTo(tx.maxFeePerGas()) > 0) {
      return approvalRefused(
          ErrorReason.ERC20_APPROVAL_TX_INVALID_CALLDATA,
          "the approval's fees (max "
              + tx.maxFeePerGas()
              + ", tip "
              + tx.maxPriorityFeePerGas()
              + " wei) exceed the facilitator's cap of "
              + maxFeePerGas
              + " wei or are inconsistent");
    }
    return Optional.of(new Checked<>(new Approval(info, signed), null));
  }

  /**
   * The least gas a transaction with {@code data} must carry to be includable: the intrinsic 21,000
   * plus its calldata (4 per zero byte, 16 per other byte), or the EIP-7623 calldata floor (21,000
   * plus 10 per token, a token being a zero byte or a quarter of another byte), whichever is more.
   */
  static long minimumGas(byte[] data) {
    long zeros = 0;
    for (byte b : data) {
      if (b == 0) {
        zeros++;
      }
    }
    long tokens = zeros + 4 * (data.length - zeros);
    return 21_000 + Math.max(4 * tokens, 10 * tokens);
  }

  /**
   * A checked sponsored approval.
   *
   * @param info the extension
   * @param signed the decoded transaction
   */
  public record Approval(Erc20ApprovalGasSponsoring info, Eip1559Transaction.Signed signed) {
    /** The most the approval can cost the payer in gas: gas limit times max fee, in wei. */
    public BigInteger maxCost() {
      Eip1559Transaction tx = signed.transaction();
      return BigInteger.valueOf(tx.gasLimit()).multiply(tx.maxFeePerGas());
    }
  }

  /**
   * What the chain must agree to before the approval is sponsored (the specification's nonce and
   * fee rules): its nonce is the payer's next one, and its max fee covers the latest base fee.
   *
   * @param accountNonce the payer's pending transaction count
   * @param baseFee the latest block's base fee, or null when the node does not say
   * @return the refusal, or null
   */
  public static Refusal approvalOnChain(Approval approval, long accountNonce, BigInteger baseFee) {
    Eip1559Transaction tx = approval.signed().transaction();
    if (tx.nonce() != accountNonce) {
      return new Refusal(
          ErrorReason.ERC20_APPROVAL_BROADCAST_FAILED,
          "the approval uses nonce "
              + tx.nonce()
              + ", the payer's next nonce is "
              + accountNonce
              + " (re-sign it)");
    }
    if (baseFee != null && tx.maxFeePerGas().compareTo(baseFee) < 0) {
      return new Refusal(
          ErrorReason.ERC20_APPROVAL_BROADCAST_FAILED,
          "the approval's max fee "
              + tx.maxFeePerGas()
              + " wei is below the current base fee "
              + baseFee
              + " wei (re-sign it)");
    }
    return null;
  }

  private static <T> Optional<Checked<T>> refused(ErrorReason reason, String message) {
    return Optional.of(Checked.refused(reason, message));
  }

  private static Optional<Checked<Approval>> approvalRefused(ErrorReason reason, String message) {
    return Optional.of(Checked.refused(reason, message));
  }
}
