package io.x402j.settlement;

import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * Where an engine registers the meters only it can read (signer balances, nonce resyncs, RPC
 * errors), without depending on a metrics library: the facilitator maps these onto its registry.
 * Names are dotted ({@code x402j.facilitator.signer.balance}); tags must not name secrets.
 */
public interface EngineMeters {
  /** A gauge, read when the metrics are scraped. */
  void gauge(
      String name,
      String description,
      String baseUnit,
      Map<String, String> tags,
      DoubleSupplier value);

  /** A counter whose total the engine keeps, read when the metrics are scraped. */
  void functionCounter(
      String name, String description, Map<String, String> tags, DoubleSupplier total);

  /** A counter the engine increments; returns what increments it by one. */
  Runnable counter(String name, String description, Map<String, String> tags);
}
