package io.x402j.evm.facilitator.internal;

import io.x402j.core.Network;
import io.x402j.evm.facilitator.ExactEvmFacilitator;
import io.x402j.settlement.SettlementLedger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * What the settlement, the receipt judge and the reconciler of one facilitator share, passed
 * explicitly. Immutable; the objects it names are thread-safe. Not part of the x402j API.
 *
 * @param chains the served networks
 * @param ledger the settlement ledger
 * @param clock the clock for validity windows and ledger times
 * @param blocking the executor for ledger writes and signing, which may block
 * @param delays the waits of settlements that look again later, on the injected scheduler
 * @param claimLease how long a claim without a broadcast protects a payment from a take-over
 * @param reservations what this process committed to its settlements in flight
 * @param onRevert told of every settlement transaction seen mined without moving money
 * @param attribution the facilitator's {@code builder-code} codes, appended to settlement calldata
 */
public record SettlementContext(
    Map<Network, EvmChain> chains,
    SettlementLedger ledger,
    Clock clock,
    ExecutorService blocking,
    Delays delays,
    Duration claimLease,
    Reservations reservations,
    Consumer<ExactEvmFacilitator.Revert> onRevert,
    CalldataAttribution attribution) {
  /** Requires every part; copies the chains. */
  public SettlementContext {
    chains = Map.copyOf(chains);
    Objects.requireNonNull(ledger, "ledger");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(blocking, "blocking");
    Objects.requireNonNull(delays, "delays");
    Objects.requireNonNull(claimLease, "claimLease");
    Objects.requireNonNull(reservations, "reservations");
    Objects.requireNonNull(onRevert, "onRevert");
    Objects.requireNonNull(attribution, "attribution");
  }

  /** The time for ledger records: milliseconds, as durable ledgers keep them. */
  Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
