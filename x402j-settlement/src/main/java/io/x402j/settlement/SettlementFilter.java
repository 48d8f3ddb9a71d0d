package io.x402j.settlement;

import io.x402j.core.Network;

/**
 * Which settlements to list; {@code null} fields match everything. Addresses are compared as the
 * canonical strings the ledger keeps (see {@link Transfer}).
 *
 * @param network only this network
 * @param scheme only this scheme
 * @param payer only this payer
 * @param payTo only this recipient
 * @param state only this state
 */
public record SettlementFilter(
    Network network, String scheme, String payer, String payTo, SettlementState state) {
  /** Matches every settlement. */
  public static SettlementFilter all() {
    return new SettlementFilter(null, null, null, null, null);
  }

  /** A filter of any scheme. */
  public SettlementFilter(Network network, String payer, String payTo, SettlementState state) {
    this(network, null, payer, payTo, state);
  }

  /** Whether {@code record} matches. */
  public boolean matches(SettlementRecord record) {
    return (network == null || network.equals(record.key().network()))
        && (scheme == null || scheme.equals(record.key().scheme()))
        && (payer == null || payer.equals(record.payer()))
        && (payTo == null || payTo.equals(record.payTo()))
        && (state == null || state == record.state());
  }
}
