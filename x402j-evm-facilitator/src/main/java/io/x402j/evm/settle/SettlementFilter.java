package io.x402j.evm.settle;

import io.x402j.core.Network;
import io.x402j.evm.EvmAddress;

/**
 * Which settlements to list; {@code null} fields match everything.
 *
 * @param network only this network
 * @param payer only this payer
 * @param payTo only this recipient
 * @param state only this state
 */
public record SettlementFilter(
    Network network, EvmAddress payer, EvmAddress payTo, SettlementState state) {
  /** Matches every settlement. */
  public static SettlementFilter all() {
    return new SettlementFilter(null, null, null, null);
  }

  /** Whether {@code record} matches. */
  public boolean matches(SettlementRecord record) {
    return (network == null || network.equals(record.key().network()))
        && (payer == null || payer.equals(record.key().payer()))
        && (payTo == null || payTo.equals(record.payTo()))
        && (state == null || state == record.state());
  }
}
