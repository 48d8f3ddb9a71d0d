package io.x402j.evm;

import io.x402j.evm.internal.WireFields;
import java.math.BigInteger;
import java.util.Objects;

/**
 * The witness an x402 Permit2 proxy binds into a Permit2 signature. The exact proxy's witness is
 * {@code Witness(address to,uint256 validAfter)}; the upto proxy's adds the facilitator allowed to
 * settle: {@code Witness(address to,address facilitator,uint256 validAfter)}.
 *
 * @param to the recipient ({@code payTo})
 * @param facilitator the only account the upto proxy lets settle, or {@code null} for the exact
 *     witness (which has no such field)
 * @param validAfter Unix time from which the proxy accepts the transfer ({@code 0} as the official
 *     clients sign)
 */
public record Permit2Witness(EvmAddress to, EvmAddress facilitator, BigInteger validAfter) {
  /** Validates the fields. */
  public Permit2Witness {
    Objects.requireNonNull(to, "witness.to");
    WireFields.requireUint256(validAfter, "witness.validAfter");
  }

  /** The exact proxy's witness: no facilitator. */
  public static Permit2Witness exact(EvmAddress to, BigInteger validAfter) {
    return new Permit2Witness(to, null, validAfter);
  }

  /** The upto proxy's witness. */
  public static Permit2Witness upto(EvmAddress to, EvmAddress facilitator, BigInteger validAfter) {
    return new Permit2Witness(
        to, Objects.requireNonNull(facilitator, "witness.facilitator"), validAfter);
  }

  /** Whether this is the upto witness (it names a facilitator). */
  public boolean isUpto() {
    return facilitator != null;
  }
}
