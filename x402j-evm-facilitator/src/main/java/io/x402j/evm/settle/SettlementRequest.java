package io.x402j.evm.settle;

import io.x402j.core.TokenAmount;
import io.x402j.evm.EvmAddress;
import java.util.Objects;

/**
 * What a facilitator asks a ledger to claim: the authorization, its fingerprint, and what it pays.
 *
 * @param key the authorization
 * @param fingerprint a digest of the signed authorization
 * @param payTo the recipient
 * @param amount the amount in atomic units
 * @param settlementId the resource server's settlement attempt, or {@code null} when it named none
 */
public record SettlementRequest(
    SettlementKey key,
    String fingerprint,
    EvmAddress payTo,
    TokenAmount amount,
    String settlementId) {
  /** Validates the fields. */
  public SettlementRequest {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(payTo, "payTo");
    Objects.requireNonNull(amount, "amount");
  }

  /** A request that names no settlement attempt. */
  public SettlementRequest(
      SettlementKey key, String fingerprint, EvmAddress payTo, TokenAmount amount) {
    this(key, fingerprint, payTo, amount, null);
  }
}
