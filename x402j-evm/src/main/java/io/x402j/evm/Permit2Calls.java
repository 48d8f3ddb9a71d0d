package io.x402j.evm;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ABI call data for Permit2 payments: the x402 proxies' {@code settle} and {@code
 * settleWithPermit}, the ERC-20 calls gas sponsoring needs, and the names of the custom errors the
 * proxies, Permit2 and common tokens revert with.
 *
 * <p>Signatures wrapped per ERC-6492 are unwrapped before they are passed to a proxy (Permit2
 * verifies the inner ERC-1271 signature once the wallet is deployed), as @x402/evm does.
 */
public final class Permit2Calls {
  /** The exact proxy's {@code settle}. */
  public static final String EXACT_SETTLE =
      "settle(((address,uint256),uint256,uint256),address,(address,uint256),bytes)";

  /** The exact proxy's {@code settleWithPermit}. */
  public static final String EXACT_SETTLE_WITH_PERMIT =
      "settleWithPermit((uint256,uint256,bytes32,bytes32,uint8),"
          + "((address,uint256),uint256,uint256),address,(address,uint256),bytes)";

  /** The upto proxy's {@code settle}. */
  public static final String UPTO_SETTLE =
      "settle(((address,uint256),uint256,uint256),uint256,address,(address,address,uint256),bytes)";

  /** The upto proxy's {@code settleWithPermit}. */
  public static final String UPTO_SETTLE_WITH_PERMIT =
      "settleWithPermit((uint256,uint256,bytes32,bytes32,uint8),"
          + "((address,uint256),uint256,uint256),uint256,address,(address,address,uint256),bytes)";

  /** ERC-20 {@code approve(address,uint256)}, selector {@code 0x095ea7b3}. */
  public static final String ERC20_APPROVE = "approve(address,uint256)";

  /** ERC-20 {@code allowance(address,address)}. */
  public static final String ERC20_ALLOWANCE = "allowance(address,address)";

  /**
   * Permit2's {@code allowance(address owner,address token,address spender)} (AllowanceTransfer).
   */
  public static final String PERMIT2_ALLOWANCE = "allowance(address,address,address)";

  /** EIP-2612 {@code nonces(address)}. */
  public static final String EIP2612_NONCES = "nonces(address)";

  /** Permit2's {@code nonceBitmap(address,uint256)}: which unordered nonces are used. */
  public static final String PERMIT2_NONCE_BITMAP = "nonceBitmap(address,uint256)";

  private static final Map<String, String> ERRORS = new HashMap<>();

  static {
    for (String error :
        List.of(
            // x402 Permit2 proxies
            "InvalidAmount()",
            "InvalidDestination()",
            "InvalidOwner()",
            "InvalidPermit2Address()",
            "PaymentTooEarly()",
            "Permit2612AmountMismatch()",
            "AmountExceedsPermitted()",
            "UnauthorizedFacilitator()",
            "ReentrancyGuardReentrantCall()",
            "AlreadyInitialized()",
            "UnauthorizedInitializer()",
            // Permit2 (SignatureTransfer, SignatureVerification, AllowanceTransfer)
            "InvalidNonce()",
            "InvalidSignature()",
            "InvalidSigner()",
            "InvalidSignatureLength()",
            "InvalidContractSignature()",
            "SignatureExpired(uint256)",
            "InvalidAmount(uint256)",
            "LengthMismatch()",
            "AllowanceExpired(uint256)",
            "InsufficientAllowance(uint256)",
            "ExcessiveInvalidation()",
            // OpenZeppelin 5 ERC-20 and ERC-2612
            "ERC20InsufficientBalance(address,uint256,uint256)",
            "ERC20InsufficientAllowance(address,uint256,uint256)",
            "ERC20InvalidSender(address)",
            "ERC20InvalidReceiver(address)",
            "ERC20InvalidApprover(address)",
            "ERC20InvalidSpender(address)",
            "ERC2612ExpiredSignature(uint256)",
            "ERC2612InvalidSigner(address,address)")) {
      ERRORS.put(
          HexFormat.of().formatHex(Abi.selector(error)), error.substring(0, error.indexOf('(')));
    }
  }

  private Permit2Calls() {}

  /** The exact proxy's {@code settle(permit, owner, witness, signature)} for {@code payload}. */
  public static byte[] exactSettle(Permit2Payload payload) {
    Abi call = Abi.call(EXACT_SETTLE);
    permit(call, payload.authorization());
    call.address(payload.authorization().from());
    witness(call, payload.authorization().witness(), false);
    return call.bytes(innerSignature(payload)).encode();
  }

  /** The exact proxy's {@code settleWithPermit(permit2612, permit, owner, witness, signature)}. */
  public static byte[] exactSettleWithPermit(Eip2612Permit permit2612, Permit2Payload payload) {
    Abi call = Abi.call(EXACT_SETTLE_WITH_PERMIT);
    permit2612(call, permit2612);
    permit(call, payload.authorization());
    call.address(payload.authorization().from());
    witness(call, payload.authorization().witness(), false);
    return call.bytes(innerSignature(payload)).encode();
  }

  /**
   * The upto proxy's {@code settle(permit, amount, owner, witness, signature)}, transferring {@code
   * amount} (at most the permitted amount).
   */
  public static byte[] uptoSettle(Permit2Payload payload, BigInteger amount) {
    Abi call = Abi.call(UPTO_SETTLE);
    permit(call, payload.authorization());
    call.uint(amount);
    call.address(payload.authorization().from());
    witness(call, payload.authorization().witness(), true);
    return call.bytes(innerSignature(payload)).encode();
  }

  /** The upto proxy's {@code settleWithPermit(permit2612, permit, amount, owner, witness, sig)}. */
  public static byte[] uptoSettleWithPermit(
      Eip2612Permit permit2612, Permit2Payload payload, BigInteger amount) {
    Abi call = Abi.call(UPTO_SETTLE_WITH_PERMIT);
    permit2612(call, permit2612);
    permit(call, payload.authorization());
    call.uint(amount);
    call.address(payload.authorization().from());
    witness(call, payload.authorization().witness(), true);
    return call.bytes(innerSignature(payload)).encode();
  }

  /** ERC-20 {@code approve(spender, amount)}. */
  public static byte[] erc20Approve(EvmAddress spender, BigInteger amount) {
    return Abi.call(ERC20_APPROVE).address(spender).uint(amount).encode();
  }

  /** ERC-20 {@code allowance(owner, spender)}. */
  public static byte[] erc20Allowance(EvmAddress owner, EvmAddress spender) {
    return Abi.call(ERC20_ALLOWANCE).address(owner).address(spender).encode();
  }

  /** Permit2's {@code allowance(owner, token, spender)} (returns amount, expiration, nonce). */
  public static byte[] permit2Allowance(EvmAddress owner, EvmAddress token, EvmAddress spender) {
    return Abi.call(PERMIT2_ALLOWANCE).address(owner).address(token).address(spender).encode();
  }

  /** EIP-2612 {@code nonces(owner)}. */
  public static byte[] eip2612Nonces(EvmAddress owner) {
    return Abi.call(EIP2612_NONCES).address(owner).encode();
  }

  /**
   * Permit2's {@code nonceBitmap(owner, nonce >> 8)}: bit {@code nonce & 0xff} of the returned word
   * is set once the nonce is used.
   */
  public static byte[] permit2NonceBitmap(EvmAddress owner, BigInteger nonce) {
    return Abi.call(PERMIT2_NONCE_BITMAP).address(owner).uint(nonce.shiftRight(8)).encode();
  }

  /**
   * Whether {@code nonce} is used according to the word {@code nonceBitmap(owner, nonce >> 8)}
   * returned ({@link #permit2NonceBitmap}).
   *
   * @throws IllegalArgumentException if the return data is not one word
   */
  public static boolean isNonceUsed(byte[] nonceBitmapReturn, BigInteger nonce) {
    if (nonceBitmapReturn == null || nonceBitmapReturn.length != 32) {
      throw new IllegalArgumentException("nonceBitmap returned no 32-byte word");
    }
    return Abi.decodeUint(nonceBitmapReturn, 0).testBit(nonce.intValue() & 0xff);
  }

  /**
   * The name of the custom error {@code revertData} encodes (its first 4 bytes), e.g. {@code
   * "InvalidAmount"}, {@code "AmountExceedsPermitted"}, {@code "InvalidNonce"}, {@code
   * "SignatureExpired"}; empty for unknown selectors, {@code Error(string)} and {@code
   * Panic(uint256)} (see {@link Abi#revertReason}) and data shorter than 4 bytes.
   */
  public static Optional<String> revertName(byte[] revertData) {
    if (revertData == null || revertData.length < 4) {
      return Optional.empty();
    }
    return Optional.ofNullable(ERRORS.get(HexFormat.of().formatHex(Arrays.copyOf(revertData, 4))));
  }

  private static void permit(Abi call, Permit2Authorization a) {
    call.address(a.token()).uint(a.amount()).uint(a.nonce()).uint(a.deadline());
  }

  private static void witness(Abi call, Permit2Witness witness, boolean upto) {
    if (witness.isUpto() != upto) {
      throw new IllegalArgumentException(
          upto
              ? "the upto proxy needs the upto witness (with a facilitator)"
              : "the exact proxy needs the exact witness (without a facilitator)");
    }
    call.address(witness.to());
    if (upto) {
      call.address(witness.facilitator());
    }
    call.uint(witness.validAfter());
  }

  private static void permit2612(Abi call, Eip2612Permit permit) {
    Signature s = permit.signature();
    call.uint(permit.value())
        .uint(permit.deadline())
        .bytes32(Abi.word(s.r()))
        .bytes32(Abi.word(s.s()))
        .uint(s.v());
  }

  private static byte[] innerSignature(Permit2Payload payload) {
    byte[] signature = payload.signatureBytes();
    return Erc6492.isWrapped(signature) ? Erc6492.unwrap(signature).signature() : signature;
  }
}
