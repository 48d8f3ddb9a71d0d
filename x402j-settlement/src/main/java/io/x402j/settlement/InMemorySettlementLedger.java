package io.x402j.settlement;

import io.x402j.core.Network;
import io.x402j.core.wire.SettleResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * A {@link SettlementLedger} in memory: exactly-once within one process, forgotten on restart. For
 * tests, demos and single-instance facilitators that accept that; use a durable ledger in
 * production.
 */
public final class InMemorySettlementLedger implements SettlementLedger {
  private final ConcurrentHashMap<SettlementKey, SettlementRecord> records =
      new ConcurrentHashMap<>();

  @Override
  public Claim claim(SettlementRequest request, Instant now, Duration lease) {
    boolean[] owned = {false};
    SettlementRecord record =
        records.compute(
            request.key(),
            (k, existing) -> {
              if (!Claims.mayTakeOver(existing, request.fingerprint(), now, lease)) {
                return existing;
              }
              owned[0] = true;
              return new SettlementRecord(
                  k,
                  request.fingerprint(),
                  request.settlementId(),
                  request.transfer(),
                  request.details(),
                  SettlementState.CLAIMED,
                  null,
                  null,
                  existing == null ? now : existing.createdAt(),
                  now);
            });
    return new Claim(owned[0], record);
  }

  @Override
  public boolean submitted(
      SettlementKey key, Submission submission, Instant claimedAt, Instant now) {
    boolean[] recorded = {false};
    records.computeIfPresent(
        key,
        (k, r) -> {
          if (r.state() != SettlementState.CLAIMED || !r.updatedAt().equals(claimedAt)) {
            return r; // the claim was taken over
          }
          recorded[0] = true;
          return r.with(SettlementState.SUBMITTED, submission, null, now);
        });
    return recorded[0];
  }

  @Override
  public boolean notBroadcast(SettlementKey key, String transaction, Instant now) {
    boolean[] returned = {false};
    records.computeIfPresent(
        key,
        (k, r) -> {
          if (r.state() != SettlementState.SUBMITTED
              || !r.submission().transaction().equals(transaction)) {
            return r;
          }
          returned[0] = true;
          return r.with(SettlementState.CLAIMED, null, null, now);
        });
    return returned[0];
  }

  @Override
  public boolean outcome(
      SettlementKey key,
      OutcomeFence fence,
      SettlementState state,
      SettleResponse response,
      Instant now) {
    boolean[] recorded = {false};
    records.computeIfPresent(
        key,
        (k, r) -> {
          if (!fence.admits(r)) {
            return r;
          }
          recorded[0] = true;
          return r.with(state, r.submission(), response, now);
        });
    return recorded[0];
  }

  @Override
  public Optional<SettlementRecord> find(SettlementKey key) {
    return Optional.ofNullable(records.get(key));
  }

  @Override
  public List<SettlementRecord> unresolved() {
    return records.values().stream()
        .filter(r -> r.state() == SettlementState.SUBMITTED || r.state() == SettlementState.PENDING)
        .collect(Collectors.toList());
  }

  @Override
  public List<SettlementRecord> list(SettlementFilter filter, int offset, int limit) {
    return records.values().stream()
        .filter(filter::matches)
        .sorted(Comparator.comparing(SettlementRecord::createdAt).reversed())
        .skip(offset)
        .limit(limit)
        .collect(Collectors.toList());
  }

  @Override
  public List<SettlementRecord> inFlight(Network network, String asset, String payer, int limit) {
    return records.values().stream()
        .filter(
            r ->
                !r.state().isFinal()
                    && r.key().network().equals(network)
                    && r.asset().equals(asset)
                    && r.payer().equals(payer))
        .sorted(Comparator.comparing(SettlementRecord::createdAt))
        .limit(limit)
        .collect(Collectors.toList());
  }

  @Override
  public Map<SettlementState, Long> countByState() {
    Map<SettlementState, Long> counts = new EnumMap<>(SettlementState.class);
    records.values().forEach(r -> counts.merge(r.state(), 1L, Long::sum));
    return counts;
  }
}
