package io.x402j.facilitator;

import io.micrometer.core.instrument.MeterRegistry;
import io.x402j.core.NetworkRegistry;
import io.x402j.facilitator.FacilitatorConfig.NetworkSettings;
import io.x402j.settlement.SettlementEngine;
import io.x402j.settlement.SettlementLedger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds the {@link SettlementEngine} of one network family from the facilitator's configuration.
 * {@link FacilitatorApp} groups the configured networks by their CAIP-2 namespace and asks the
 * factory of each family; EVM ({@code eip155}) is built in, and another family plugs in through
 * {@link java.util.ServiceLoader} (a {@code META-INF/services/io.x402j.facilitator.EngineFactory}
 * entry).
 */
public interface EngineFactory {
  /** The CAIP-2 namespace it builds engines for, e.g. {@code eip155}. */
  String family();

  /**
   * An engine for {@code networks}, all of this family.
   *
   * @throws IllegalArgumentException for settings that cannot work; the message names the setting,
   *     never a secret
   */
  SettlementEngine create(List<NetworkSettings> networks, Context context);

  /**
   * What every engine of a facilitator shares.
   *
   * @param ledger the settlement ledger
   * @param claimLease how long a claim without a broadcast protects a payment
   * @param env the environment secrets are read from
   * @param networks the known networks, with those the configuration describes
   * @param metrics the registry for meters the engine's clients need while it is built
   * @param revertBan told of every settlement mined without moving money
   * @param builderCode the ERC-8021 wallet code for settlement calldata, or {@code null}
   * @param builderServiceCode the facilitator's own ERC-8021 service code, or {@code null}
   */
  record Context(
      SettlementLedger ledger,
      Duration claimLease,
      Map<String, String> env,
      NetworkRegistry networks,
      MeterRegistry metrics,
      RevertBan revertBan,
      String builderCode,
      String builderServiceCode) {
    /** Validates the fields. */
    public Context {
      Objects.requireNonNull(ledger, "ledger");
      Objects.requireNonNull(claimLease, "claimLease");
      Objects.requireNonNull(env, "env");
      Objects.requireNonNull(networks, "networks");
      Objects.requireNonNull(metrics, "metrics");
      Objects.requireNonNull(revertBan, "revertBan");
    }
  }
}
