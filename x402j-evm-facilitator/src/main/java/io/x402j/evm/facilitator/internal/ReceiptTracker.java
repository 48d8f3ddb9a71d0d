package io.x402j.evm.facilitator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.evm.rpc.RpcCall;
import io.x402j.evm.rpc.RpcResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Watches transactions for their receipts with one batched {@code eth_getTransactionReceipt}
 * request per tick for every transaction watched, however many, at a short interval (a quarter of
 * the block time by default). Not part of the x402j API.
 */
public final class ReceiptTracker {
  private static final int MAX_BATCH = 200;

  private final JsonRpcClient rpc;
  private final ScheduledExecutorService scheduler;
  private final long intervalMillis;
  private final Map<String, CompletableFuture<JsonNode>> watched = new ConcurrentHashMap<>();
  private final AtomicBoolean polling = new AtomicBoolean();
  private volatile ScheduledFuture<?> task;

  /** A tracker polling {@code rpc} every {@code interval} on {@code scheduler}. */
  public ReceiptTracker(JsonRpcClient rpc, ScheduledExecutorService scheduler, Duration interval) {
    this.rpc = rpc;
    this.scheduler = scheduler;
    this.intervalMillis = Math.max(1, interval.toMillis());
  }

  /**
   * Completes with the receipt of {@code txHash} once the node has one. Never completes on its own
   * otherwise: callers bound the wait. Watching a hash twice shares one future.
   */
  public CompletableFuture<JsonNode> await(String txHash) {
    CompletableFuture<JsonNode> future =
        watched.computeIfAbsent(
            txHash.toLowerCase(java.util.Locale.ROOT), h -> new CompletableFuture<>());
    ensureRunning();
    return future;
  }

  /** Stops watching {@code txHash} (its waiter gave up). */
  public void forget(String txHash) {
    CompletableFuture<JsonNode> future = watched.remove(txHash.toLowerCase(java.util.Locale.ROOT));
    if (future != null) {
      future.cancel(false);
    }
  }

  /** How many transactions are watched. */
  public int watchedCount() {
    return watched.size();
  }

  private synchronized void ensureRunning() {
    if (task == null || task.isDone()) {
      task = scheduler.scheduleWithFixedDelay(this::tick, 0, intervalMillis, TimeUnit.MILLISECONDS);
    }
  }

  private void tick() {
    if (watched.isEmpty()) {
      synchronized (this) {
        if (watched.isEmpty() && task != null) {
          task.cancel(false);
          task = null;
        }
      }
      return;
    }
    if (!polling.compareAndSet(false, true)) {
      return; // the previous batch is still out
    }
    List<String> hashes = new ArrayList<>(watched.keySet());
    if (hashes.size() > MAX_BATCH) {
      hashes = hashes.subList(0, MAX_BATCH);
    }
    List<RpcCall> calls = new ArrayList<>(hashes.size());
    for (String hash : hashes) {
      calls.add(RpcCall.of("eth_getTransactionReceipt", hash));
    }
    List<String> polled = hashes;
    rpc.batch(calls)
        .whenComplete(
            (results, error) -> {
              polling.set(false);
              if (error != null) {
                return; // the node is unreachable right now; try again next tick
              }
              for (int i = 0; i < polled.size(); i++) {
                RpcResult result = results.get(i);
                if (result.ok() && result.result() != null && !result.result().isNull()) {
                  CompletableFuture<JsonNode> future = watched.remove(polled.get(i));
                  if (future != null) {
                    future.complete(result.result());
                  }
                }
              }
            });
  }
}
