package io.x402j.settlement;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A health check an engine offers for one of its chains, such as reading the latest block. The
 * check completes with details to show ({@code blockNumber}, {@code latencyMs}, a redacted RPC URL)
 * when the chain answers, and exceptionally when it does not.
 *
 * @param name what is checked, e.g. {@code eip155:8453}
 * @param check runs the check
 */
public record EngineProbe(String name, Supplier<CompletableFuture<Map<String, Object>>> check) {
  /** Validates the fields. */
  public EngineProbe {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(check, "check");
  }
}
