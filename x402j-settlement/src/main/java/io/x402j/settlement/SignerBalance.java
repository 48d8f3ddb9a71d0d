package io.x402j.settlement;

import io.x402j.core.Network;
import java.math.BigInteger;
import java.util.Objects;

/**
 * The native balance of one of an engine's fee-paying signers, as last read from its chain: what an
 * operator watches so settlements do not stop for want of gas.
 *
 * @param network the chain
 * @param signer the signer's address as its chain shows it
 * @param currency the native currency's symbol, e.g. {@code ETH} or {@code SOL}
 * @param decimals the currency's decimals (18 for ETH in wei, 9 for SOL in lamports)
 * @param balance the balance in the smallest unit, or {@code null} before the first read
 */
public record SignerBalance(
    Network network, String signer, String currency, int decimals, BigInteger balance) {
  /** Checks the fields. */
  public SignerBalance {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(signer, "signer");
    Objects.requireNonNull(currency, "currency");
    if (decimals < 0 || decimals > 36) {
      throw new IllegalArgumentException("decimals must be 0..36, got " + decimals);
    }
    if (balance != null && balance.signum() < 0) {
      throw new IllegalArgumentException("a balance is not negative");
    }
  }
}
