package io.x402j.facilitator.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.facilitator.FacilitatorConfig.NetworkSettings;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JSON-RPC client of one configured network, the same for every engine family: fallbacks from
 * the configured URLs, retries, read batching, and failed attempts counted per kind in {@code
 * x402j.facilitator.rpc.errors}. Not part of the x402j API.
 */
final class RpcClients {
  private RpcClients() {}

  /**
   * Finishes {@code rpc} (started on the network's first URL, with the family's read methods) from
   * {@code settings}.
   */
  static JsonRpcClient build(
      JsonRpcClient.Builder rpc, NetworkSettings settings, MeterRegistry metrics) {
    Map<String, Counter> errors = new ConcurrentHashMap<>();
    rpc.maxAttempts(Math.max(4, 2 * settings.rpcUrls().size()))
        .onFailure(
            e ->
                errors
                    .computeIfAbsent(
                        e.kind().name(),
                        kind ->
                            Counter.builder("x402j.facilitator.rpc.errors")
                                .description("failed JSON-RPC attempts by kind")
                                .tag("network", settings.network().toString())
                                .tag("kind", kind.toLowerCase(Locale.ROOT))
                                .register(metrics))
                    .increment());
    settings.rpcUrls().stream().skip(1).forEach(rpc::fallback);
    if (settings.rpcBatchSize() != null) {
      int calls = settings.rpcBatchSize();
      rpc.readCoalescing(calls == 1 ? 0 : JsonRpcClient.DEFAULT_READ_REQUESTS, calls);
    }
    return rpc.build();
  }
}
