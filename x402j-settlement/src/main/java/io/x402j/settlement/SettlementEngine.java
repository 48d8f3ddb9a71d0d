package io.x402j.settlement;

import io.x402j.core.Network;
import io.x402j.core.scheme.SchemeFacilitator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The settlement engine of one network family (a CAIP-2 namespace such as {@code eip155} or {@code
 * solana}): it knows how to verify a payment of its schemes, submit it and judge the outcome on its
 * chains, and keeps its settlements in a shared {@link SettlementLedger} under the keys it derives.
 * The facilitator around it is the same for every family: it registers the engine's {@link
 * #facilitators() scheme facilitators}, runs its {@link #reconcile() reconciliation} at start and
 * periodically, shows its {@link #probes() health} and {@link #monitor meters}, and closes it.
 * Implementations are thread-safe.
 */
public interface SettlementEngine extends AutoCloseable {
  /** The CAIP-2 namespace of the networks it serves, e.g. {@code eip155}. */
  String family();

  /** The networks it serves. */
  List<Network> networks();

  /** What verifies and settles each of its schemes. */
  List<SchemeFacilitator> facilitators();

  /**
   * Resolves against the chain every settlement of this engine that the ledger holds as submitted
   * or pending; settlements of other engines are left alone. Run it before the facilitator takes
   * new settlements, and periodically.
   */
  CompletableFuture<ReconcileReport> reconcile();

  /** The engine's health checks, one per chain it serves. */
  List<EngineProbe> probes();

  /**
   * Registers the engine's own meters and schedules, on {@code maintenance}, what keeps them fresh.
   * Called once.
   */
  void monitor(EngineMeters meters, ScheduledExecutorService maintenance);

  /**
   * The balances of the engine's fee-paying signers as last read by the refresh {@link #monitor}
   * schedules (none before it runs); for consoles. Engines without such signers list none.
   */
  default List<SignerBalance> signerBalances() {
    return List.of();
  }

  /** Stops the engine's own threads; the ledger stays open. */
  @Override
  void close();
}
