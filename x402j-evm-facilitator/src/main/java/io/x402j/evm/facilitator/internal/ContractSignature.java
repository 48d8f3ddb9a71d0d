package io.x402j.evm.facilitator.internal;

import static io.x402j.evm.facilitator.internal.ChainReads.ethCall;
import static io.x402j.evm.facilitator.internal.ChainReads.hasCode;

import io.x402j.evm.Eip3009Calls;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.rpc.RpcCall;
import io.x402j.evm.rpc.RpcResult;
import java.util.List;
import java.util.Locale;

/**
 * The on-chain check of a signature that did not recover to the payer locally: the payer must be a
 * contract that accepts it (ERC-1271). Verification and settlement both ask, in their own batch.
 * Not part of the x402j API.
 */
public final class ContractSignature {
  /** The message of a refusal. */
  public static final String REFUSAL =
      "the signature does not recover to the payer, and the payer is not a contract that accepts"
          + " it (ERC-1271)";

  private ContractSignature() {}

  /** The payer's code and its answer to {@code isValidSignature}: two calls, in this order. */
  public static List<RpcCall> calls(PaymentCheck.Result check) {
    return calls(
        check.payload().authorization().from(), check.digest(), check.payload().signatureBytes());
  }

  /** The signer's code and its answer to {@code isValidSignature(digest, signature)}. */
  public static List<RpcCall> calls(
      EvmAddress signer, io.x402j.evm.Bytes32 digest, byte[] signature) {
    return List.of(
        RpcCall.of("eth_getCode", signer.toLowerHex(), "latest"),
        ethCall(null, signer, Eip3009Calls.isValidSignature(digest, signature)));
  }

  /** Whether the payer is no contract, or a contract that does not return the ERC-1271 magic. */
  public static boolean refused(RpcResult code, RpcResult validity) {
    if (!hasCode(code) || !validity.ok() || validity.result() == null) {
      return true;
    }
    String result = validity.result().asText().toLowerCase(Locale.ROOT);
    return !result.startsWith(Hex.encode(Eip3009Calls.ERC1271_MAGIC));
  }
}
