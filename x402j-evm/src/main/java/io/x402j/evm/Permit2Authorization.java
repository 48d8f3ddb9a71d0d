package io.x402j.evm;

import io.x402j.evm.internal.WireFields;
import java.math.BigInteger;
import java.util.Objects;

/**
 * A Permit2 {@code PermitWitnessTransferFrom} as x402 uses it: {@code from} lets {@code spender}
 * (an x402 Permit2 proxy) move up to {@code amount} of {@code token} once, identified by the
 * Permit2 {@code nonce}, until {@code deadline}, to the recipient bound in the {@code witness}.
 *
 * <p>Permit2 nonces are per owner across all tokens and spenders (an unordered bitmap), so a
 * payment is identified by (network, {@code from}, {@code nonce}).
 *
 * @param token the ERC-20 token ({@code permitted.token})
 * @param amount the permitted amount in atomic units ({@code permitted.amount}); for upto, the
 *     ceiling
 * @param from the owner and payer
 * @param spender the proxy allowed to call Permit2 ({@link Permit2#EXACT_PROXY} or {@link
 *     Permit2#UPTO_PROXY})
 * @param nonce the Permit2 nonce, a uint256
 * @param deadline Unix time after which Permit2 refuses the signature
 * @param witness the proxy's witness
 */
public record Permit2Authorization(
    EvmAddress token,
    BigInteger amount,
    EvmAddress from,
    EvmAddress spender,
    BigInteger nonce,
    BigInteger deadline,
    Permit2Witness witness) {
  /** Validates the fields: addresses present, numbers within uint256. */
  public Permit2Authorization {
    Objects.requireNonNull(token, "permitted.token");
    WireFields.requireUint256(amount, "permitted.amount");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(spender, "spender");
    WireFields.requireUint256(nonce, "nonce");
    WireFields.requireUint256(deadline, "deadline");
    Objects.requireNonNull(witness, "witness");
  }
}
