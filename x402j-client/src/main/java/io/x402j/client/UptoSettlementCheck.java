package io.x402j.client;

import io.x402j.core.wire.SettleResponse;
import java.util.Map;
import java.util.Optional;

/**
 * Confirms what an {@code upto} payment really settled, before the payer lowers the payment's
 * reserve from its ceiling to the amount the seller's receipt reports. A seller (who may also be
 * the facilitator, since it names {@code extra.facilitatorAddress}) can claim any amount: only a
 * check independent of it may lower a reserve. {@link Payer.Builder#evmRpcUrl} installs one that
 * asks that network's node; without a check every {@code upto} payment counts at its ceiling.
 */
@FunctionalInterface
public interface UptoSettlementCheck {
  /**
   * Why {@code receipt} does not prove that {@code payment} settled exactly {@code
   * receipt.amount()}, or empty when it does.
   *
   * @param payment the payment as planned
   * @param payload the signed payment payload sent (the scheme's {@code payload} object)
   * @param receipt a successful receipt with an amount below the ceiling
   * @return empty when confirmed; else the reason, for people
   * @throws RuntimeException when the check cannot be done (treated as not confirmed)
   */
  Optional<String> refusal(
      PlannedPayment payment, Map<String, Object> payload, SettleResponse receipt);
}
