package io.x402j.svm.facilitator;

import io.x402j.core.Network;
import io.x402j.core.scheme.SchemeFacilitator;
import io.x402j.settlement.EngineMeters;
import io.x402j.settlement.EngineProbe;
import io.x402j.settlement.ReconcileReport;
import io.x402j.settlement.SettlementEngine;
import io.x402j.settlement.SettlementKey;
import io.x402j.settlement.SignerBalance;
import io.x402j.svm.SvmSigner;
import io.x402j.svm.facilitator.internal.SvmSettlement;
import io.x402j.svm.rpc.SolanaRpcClient;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The settlement engine of Solana networks ({@code solana}): the exact scheme through {@link
 * ExactSvmFacilitator}, a health probe per network ({@code getBlockHeight}), and the SOL balance of
 * every fee payer as a gauge ({@code x402j.facilitator.signer.balance}, unit {@code sol}).
 *
 * <p>Its ledger keys are scheme {@code exact} and the payment id the lower-hex SHA-256 of the
 * transaction's message bytes (see {@link #ledgerKey}).
 */
public final class SvmSettlementEngine implements SettlementEngine {
  private static final long BALANCE_REFRESH_SECONDS = 30;

  private final ExactSvmFacilitator exact;
  // Last read balance in lamports (-1 before the first read) per (network, fee payer).
  private final Map<Network, Map<String, AtomicLong>> balances = new ConcurrentHashMap<>();

  private SvmSettlementEngine(ExactSvmFacilitator exact) {
    this.exact = exact;
  }

  /** An engine over {@code exact}. */
  public static SvmSettlementEngine of(ExactSvmFacilitator exact) {
    return new SvmSettlementEngine(Objects.requireNonNull(exact, "exact"));
  }

  /** The ledger key of a transaction message: what the engine claims it under. */
  public static SettlementKey ledgerKey(Network network, byte[] messageBytes) {
    return SvmSettlement.ledgerKey(network, messageBytes);
  }

  /** The exact-scheme facilitator inside. */
  public ExactSvmFacilitator exact() {
    return exact;
  }

  @Override
  public String family() {
    return Network.SOLANA;
  }

  @Override
  public List<Network> networks() {
    return exact.networks();
  }

  @Override
  public List<SchemeFacilitator> facilitators() {
    return List.of(exact);
  }

  @Override
  public CompletableFuture<ReconcileReport> reconcile() {
    return exact.reconcile();
  }

  @Override
  public List<EngineProbe> probes() {
    List<EngineProbe> probes = new ArrayList<>();
    for (Network network : networks()) {
      SolanaRpcClient rpc = exact.config(network).rpc();
      probes.add(
          new EngineProbe(
              network.toString(),
              () -> {
                long start = System.nanoTime();
                return rpc.getBlockHeight()
                    .thenApply(
                        height -> {
                          Map<String, Object> details = new LinkedHashMap<>();
                          details.put("blockHeight", height);
                          details.put(
                              "latencyMs",
                              TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                          details.put("rpc", rpc.redactedUrl());
                          return details;
                        });
              }));
    }
    return probes;
  }

  @Override
  public void monitor(EngineMeters meters, ScheduledExecutorService maintenance) {
    for (Network network : networks()) {
      SolanaRpcClient rpc = exact.config(network).rpc();
      for (SvmSigner signer : exact.config(network).feePayers()) {
        String address = signer.address().toString();
        AtomicLong lamports = new AtomicLong(-1);
        balances.computeIfAbsent(network, n -> new ConcurrentHashMap<>()).put(address, lamports);
        meters.gauge(
            "x402j.facilitator.signer.balance",
            "SOL balance of a fee payer (-1e-9 until first read)",
            "sol",
            Map.of("network", network.toString(), "signer", address),
            () -> lamports.get() / 1e9);
        Runnable refresh =
            () -> rpc.getBalance(address).thenAccept(lamports::set).exceptionally(e -> null);
        maintenance.scheduleWithFixedDelay(refresh, 0, BALANCE_REFRESH_SECONDS, TimeUnit.SECONDS);
      }
    }
  }

  @Override
  public List<SignerBalance> signerBalances() {
    List<SignerBalance> out = new ArrayList<>();
    for (Network network : networks()) {
      Map<String, AtomicLong> known = balances.getOrDefault(network, Map.of());
      for (SvmSigner signer : exact.config(network).feePayers()) {
        String address = signer.address().toString();
        AtomicLong lamports = known.get(address);
        long value = lamports == null ? -1 : lamports.get();
        out.add(
            new SignerBalance(
                network, address, "SOL", 9, value < 0 ? null : BigInteger.valueOf(value)));
      }
    }
    return out;
  }

  @Override
  public void close() {
    exact.close();
  }
}
