package io.x402j.facilitator;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.facilitator.ExactEvmFacilitator;
import io.x402j.facilitator.internal.Payers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Counts settlements that were mined without moving money (the facilitator paid gas for nothing)
 * per payer, and suspends a payer with too many of them: its further verifications and settlements
 * are refused with {@code payer_denied} and a message saying why and until when. Feed it from
 * {@link ExactEvmFacilitator.Builder#onRevert}; screen with it as a {@link PaymentScreen}.
 * Thread-safe.
 *
 * <p>The facilitator refuses the reverts it can foresee (see {@link ExactEvmFacilitator}); this is
 * the backstop for those it cannot, such as a payer moving its money between simulation and
 * inclusion, or a smart wallet that accepts a signature in simulation and refuses it on chain.
 *
 * <p>Memory is bounded: at most {@value #MAX_PAYERS} payers with strikes and as many suspended
 * payers are remembered; beyond that the oldest are forgotten first, so an attacker would have to
 * get twice that many settlements reverted to lift one suspension early. Metrics carry no payer
 * (that would be one time series per address): a total of reverted settlements, and the number of
 * suspended payers. The counts are per facilitator instance.
 */
public final class RevertBan implements PaymentScreen {
  /** The most payers remembered, with strikes and suspended, each. */
  public static final int MAX_PAYERS = 10_000;

  /**
   * When to suspend a payer.
   *
   * @param after this many reverted settlements of one payer (0 turns the ban off)...
   * @param within ...within this long...
   * @param banFor ...suspend the payer this long
   */
  public record Policy(int after, Duration within, Duration banFor) {
    /** Three reverts within an hour suspend the payer for a day. */
    public static final Policy DEFAULT = new Policy(3, Duration.ofHours(1), Duration.ofHours(24));

    /** Never suspends anyone (reverts are still counted). */
    public static final Policy OFF = new Policy(0, Duration.ofHours(1), Duration.ofHours(24));

    /** Validates the fields. */
    public Policy {
      Objects.requireNonNull(within, "within");
      Objects.requireNonNull(banFor, "banFor");
      if (after < 0) {
        throw new IllegalArgumentException("revertBan.after must not be negative, got " + after);
      }
      if (within.isNegative() || within.isZero() || banFor.isNegative() || banFor.isZero()) {
        throw new IllegalArgumentException("revertBan.within and revertBan.for must be positive");
      }
    }

    /** Whether payers are ever suspended. */
    public boolean enabled() {
      return after > 0;
    }
  }

  private record Strike(Instant at, String transaction) {}

  private final Policy policy;
  private final Clock clock;
  private final Map<EvmAddress, Deque<Strike>> strikes = new LinkedHashMap<>();
  private final Map<EvmAddress, Instant> suspended = new LinkedHashMap<>();
  private long reverts;

  private RevertBan(Policy policy, Clock clock) {
    this.policy = policy;
    this.clock = clock;
  }

  /** A ban applying {@code policy}, timed by {@code clock}. */
  public static RevertBan of(Policy policy, Clock clock) {
    return new RevertBan(
        Objects.requireNonNull(policy, "policy"), Objects.requireNonNull(clock, "clock"));
  }

  /** Records a revert reported by the engine. */
  public void reverted(ExactEvmFacilitator.Revert revert) {
    reverted(revert.payer(), revert.transaction());
  }

  /**
   * Records that a settlement transaction of {@code payer} was mined without moving money. The same
   * transaction reported again (a follower, or the reconciler) counts once.
   */
  public synchronized void reverted(EvmAddress payer, String transaction) {
    Instant now = clock.instant();
    Deque<Strike> list = strikes.get(payer);
    if (list != null && list.stream().anyMatch(s -> s.transaction().equals(transaction))) {
      return;
    }
    reverts++;
    if (!policy.enabled()) {
      return;
    }
    if (list == null) {
      makeRoomForStrikes();
      list = new ArrayDeque<>();
      strikes.put(payer, list);
    }
    while (!list.isEmpty() && !list.peekFirst().at().plus(policy.within()).isAfter(now)) {
      list.removeFirst();
    }
    list.addLast(new Strike(now, transaction));
    if (list.size() >= policy.after()) {
      strikes.remove(payer);
      if (suspended.remove(payer) == null) {
        makeRoomForSuspension();
      }
      suspended.put(payer, now.plus(policy.banFor())); // last: it ends last
    }
  }

  /** When the payer's suspension ends, if it is suspended now. */
  public synchronized Optional<Instant> suspendedUntil(EvmAddress payer) {
    Instant until = suspended.get(payer);
    if (until == null) {
      return Optional.empty();
    }
    if (!until.isAfter(clock.instant())) {
      suspended.remove(payer);
      return Optional.empty();
    }
    return Optional.of(until);
  }

  /** Reverted settlements seen so far. */
  public synchronized long reverts() {
    return reverts;
  }

  /** Payers suspended now. */
  public synchronized int suspendedPayers() {
    Instant now = clock.instant();
    suspended.values().removeIf(until -> !until.isAfter(now));
    return suspended.size();
  }

  /**
   * Registers {@code x402j.facilitator.settlements.reverted} (a counter) and {@code
   * x402j.facilitator.payers.suspended} (a gauge), neither tagged by payer.
   */
  public RevertBan bindTo(MeterRegistry meters) {
    FunctionCounter.builder("x402j.facilitator.settlements.reverted", this, RevertBan::reverts)
        .description("settlement transactions mined without moving money (gas paid for nothing)")
        .register(meters);
    Gauge.builder("x402j.facilitator.payers.suspended", this, RevertBan::suspendedPayers)
        .description("payers refused for too many reverted settlements")
        .register(meters);
    return this;
  }

  @Override
  public Optional<Refusal> screen(Network network, String payer, String payTo) {
    EvmAddress address = Payers.parse(payer);
    if (address == null) {
      return Optional.empty(); // not an address: refused as invalid before this screen
    }
    return suspendedUntil(address)
        .map(
            until ->
                new Refusal(
                    ErrorReason.PAYER_DENIED,
                    "payer "
                        + address
                        + " is suspended until "
                        + until
                        + ": "
                        + policy.after()
                        + " of its settlements reverted on chain within "
                        + human(policy.within())
                        + ", at this facilitator's cost"));
  }

  /**
   * Makes room for one more payer with strikes by forgetting the payer first struck longest ago
   * (its strikes are the likeliest to have expired). Never a sweep of the whole table.
   */
  private void makeRoomForStrikes() {
    Iterator<Deque<Strike>> oldest = strikes.values().iterator();
    while (strikes.size() >= MAX_PAYERS && oldest.hasNext()) {
      oldest.next();
      oldest.remove();
    }
  }

  /**
   * Makes room for one more suspended payer. Suspensions are kept in the order they began, and all
   * last equally long, so the first is the one that ends soonest (or ended already).
   */
  private void makeRoomForSuspension() {
    Iterator<Instant> oldest = suspended.values().iterator();
    while (suspended.size() >= MAX_PAYERS && oldest.hasNext()) {
      oldest.next();
      oldest.remove();
    }
  }

  private static String human(Duration duration) {
    long seconds = duration.getSeconds();
    if (seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    if (seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }
}
