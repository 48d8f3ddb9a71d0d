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
 */
public record SettlementRequest(
    SettlementKey key, String fingerprint, EvmAddress payTo, TokenAmount amount) {
  /** Validates the fields. */
  public SettlementRequest {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(payTo, "payTo");
    Objects.requireNonNull(amount, "amount");
  }
}
