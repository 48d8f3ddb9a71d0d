package io.x402j.facilitator;

import io.x402j.evm.settle.InMemorySettlementLedger;
import io.x402j.evm.settle.SettlementLedger;

class InMemorySettlementLedgerTest extends SettlementLedgerContract {
  private final SettlementLedger ledger = new InMemorySettlementLedger();

  @Override
  SettlementLedger ledger() {
    return ledger;
  }
}
