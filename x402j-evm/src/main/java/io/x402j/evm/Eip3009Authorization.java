package io.x402j.evm;

import io.x402j.core.TokenAmount;
import java.math.BigInteger;
import java.util.Objects;

/**
 * The EIP-3009 {@code TransferWithAuthorization} message a payer signs: move {@code value} from
 * {@code from} to {@code to}, valid strictly after {@code validAfter} and strictly before {@code
 * validBefore} (Unix seconds), once per {@code nonce}.
 *
 * @param from the payer
 * @param to the recipient
 * @param value the amount in atomic units
 * @param validAfter Unix time after which the authorization is valid
 * @param validBefore Unix time before which the authorization is valid
 * @param nonce a unique 32-byte value
 */
public record Eip3009Authorization(
    EvmAddress from,
    EvmAddress to,
    TokenAmount value,
    BigInteger validAfter,
    BigInteger validBefore,
    Bytes32 nonce) {
  /** Validates the fields. */
  public Eip3009Authorization {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(value, "value");
    requireUint256(validAfter, "validAfter");
    requireUint256(validBefore, "validBefore");
    Objects.requireNonNull(nonce, "nonce");
  }

  private static void requireUint256(BigInteger value, String name) {
    Objects.requireNonNull(value, name);
    if (value.signum() < 0 || value.compareTo(TokenAmount.UINT256_MAX) > 0) {
      throw new IllegalArgumentException(name + " must be a uint256, got " + value);
    }
  }
}
