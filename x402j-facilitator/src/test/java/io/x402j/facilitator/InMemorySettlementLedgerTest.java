package io.x402j.facilitator;

import io.x402j.settlement.InMemorySettlementLedger;
import io.x402j.settlement.SettlementLedger;

class InMemorySettlementLedgerTest extends SettlementLedgerContract {
  private final SettlementLedger ledger = new InMemorySettlementLedger();

  @Override
  SettlementLedger ledger() {
    return ledger;
  }
}
