package io.x402j.evm;

import io.x402j.evm.internal.WireFields;
import java.math.BigInteger;
import java.util.Objects;

/**
 * The EIP-2612 permit the Permit2 proxies' {@code settleWithPermit} submits before settling: the
 * payer's approval of Permit2 for {@code value} until {@code deadline}, signed by the payer. The
 * proxies require {@code value} to equal the Permit2 permitted amount ({@code
 * Permit2612AmountMismatch}).
 *
 * @param value the approved amount
 * @param deadline the permit's deadline (Unix seconds)
 * @param signature the payer's signature ({@code v}, {@code r}, {@code s})
 */
public record Eip2612Permit(BigInteger value, BigInteger deadline, Signature signature) {
  /** Validates the fields. */
  public Eip2612Permit {
    WireFields.requireUint256(value, "value");
    WireFields.requireUint256(deadline, "deadline");
    Objects.requireNonNull(signature, "signature");
  }
}
