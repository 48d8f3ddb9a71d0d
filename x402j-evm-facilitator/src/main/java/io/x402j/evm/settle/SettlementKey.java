package io.x402j.evm.settle;

import io.x402j.core.Network;
import io.x402j.evm.Bytes32;
import io.x402j.evm.EvmAddress;
import java.util.Objects;

/**
 * What makes a settlement unique: one EIP-3009 authorization nonce of one payer for one token on
 * one chain can move money once, so a ledger allows one settlement per key.
 *
 * @param network the chain
 * @param asset the token
 * @param payer the authorizing account
 * @param nonce the authorization nonce
 */
public record SettlementKey(Network network, EvmAddress asset, EvmAddress payer, Bytes32 nonce) {
  /** Validates the fields. */
  public SettlementKey {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(asset, "asset");
    Objects.requireNonNull(payer, "payer");
    Objects.requireNonNull(nonce, "nonce");
  }
}
