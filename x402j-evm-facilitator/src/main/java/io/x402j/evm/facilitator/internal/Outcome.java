package io.x402j.evm.facilitator.internal;

import io.x402j.core.wire.SettleResponse;
import io.x402j.settlement.SettlementState;

/**
 * A settlement's outcome as the ledger records it: its state and the answer the resource server
 * gets.
 *
 * @param state the ledger state the outcome puts the settlement in
 * @param response the answer
 */
record Outcome(SettlementState state, SettleResponse response) {}
