package io.x402j.evm.facilitator;

import io.x402j.core.Network;
import io.x402j.core.scheme.SchemeFacilitator;
import io.x402j.evm.Bytes32;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.facilitator.internal.EvmLedgerKey;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.settlement.EngineMeters;
import io.x402j.settlement.EngineProbe;
import io.x402j.settlement.ReconcileReport;
import io.x402j.settlement.SettlementEngine;
import io.x402j.settlement.SettlementKey;
import io.x402j.settlement.SignerBalance;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The settlement engine of EVM networks ({@code eip155}): the exact scheme through {@link
 * ExactEvmFacilitator} (EIP-3009 and Permit2 payloads) and the upto scheme through its {@link
 * UptoEvmFacilitator}, which share signers, nonce lanes, ledger and chains; a health probe per
 * chain ({@code eth_blockNumber}), and the meters only this engine can read (gas signers' ETH
 * balances, nonce lane resyncs).
 *
 * <p>Its ledger keys are scheme {@code exact} and the payment id {@code <asset>:<payer>:<nonce>}:
 * token and payer as {@code 0x} and 40 lower-case hex digits, the EIP-3009 nonce as {@code 0x} and
 * 64 (see {@link #ledgerKey}). A Permit2 payment, exact or upto, is keyed scheme {@code permit2}
 * and payment id {@code <owner>:<nonce>} (see {@link #permit2LedgerKey}): Permit2 nonces are per
 * owner across tokens and spenders, so one owner's nonce is one payment whichever scheme settles
 * it.
 */
public final class EvmSettlementEngine implements SettlementEngine {
  private static final Duration BALANCE_REFRESH = Duration.ofSeconds(30);

  private final ExactEvmFacilitator exact;
  private final Map<Network, String> rpcUrls;
  // Last read balance in wei per (network, signer), in the order they are watched.
  private final Map<SignerKey, AtomicReference<BigInteger>> balances = new ConcurrentHashMap<>();

  private record SignerKey(Network network, String signer) {}

  private EvmSettlementEngine(ExactEvmFacilitator exact, Map<Network, String> rpcUrls) {
    this.exact = exact;
    this.rpcUrls = rpcUrls;
  }

  /**
   * An engine over {@code exact}, reading health and balances from the primary RPC URL of each of
   * its networks.
   *
   * @throws IllegalArgumentException when a network of {@code exact} has no URL
   */
  public static EvmSettlementEngine of(ExactEvmFacilitator exact, Map<Network, String> rpcUrls) {
    Objects.requireNonNull(exact, "exact");
    Map<Network, String> urls = new LinkedHashMap<>();
    for (Network network : exact.networks()) {
      String url = rpcUrls.get(network);
      if (url == null) {
        throw new IllegalArgumentException("no RPC URL for " + network);
      }
      urls.put(network, url);
    }
    return new EvmSettlementEngine(exact, Map.copyOf(urls));
  }

  /** The ledger key of one EIP-3009 authorization: what the engine claims it under. */
  public static SettlementKey ledgerKey(
      Network network, EvmAddress asset, EvmAddress payer, Bytes32 nonce) {
    return new EvmLedgerKey(network, asset, payer, nonce).ledgerKey();
  }

  /** The ledger key of one Permit2 payment (exact or upto): owner and uint256 nonce. */
  public static SettlementKey permit2LedgerKey(
      Network network, EvmAddress owner, java.math.BigInteger nonce) {
    return new io.x402j.evm.facilitator.internal.Permit2LedgerKey(network, owner, nonce)
        .ledgerKey();
  }

  /** The upto-scheme facilitator inside. */
  public UptoEvmFacilitator upto() {
    return exact.upto();
  }

  /** The exact-scheme facilitator inside. */
  public ExactEvmFacilitator exact() {
    return exact;
  }

  @Override
  public String family() {
    return Network.EIP155;
  }

  @Override
  public List<Network> networks() {
    return exact.networks();
  }

  @Override
  public List<SchemeFacilitator> facilitators() {
    return List.of(exact, exact.upto());
  }

  @Override
  public CompletableFuture<ReconcileReport> reconcile() {
    return exact
        .reconcile()
        .thenApply(
            r -> new ReconcileReport(r.confirmed(), r.failed(), r.rebroadcast(), r.stillPending()));
  }

  @Override
  public List<EngineProbe> probes() {
    List<EngineProbe> probes = new ArrayList<>();
    for (Network network : networks()) {
      JsonRpcClient quick =
          JsonRpcClient.builder(rpcUrls.get(network))
              .timeout(Duration.ofSeconds(2))
              .maxAttempts(1)
              .build();
      probes.add(
          new EngineProbe(
              network.toString(),
              () -> {
                long start = System.nanoTime();
                return quick
                    .call("eth_blockNumber")
                    .thenApply(
                        block -> {
                          Map<String, Object> details = new LinkedHashMap<>();
                          details.put("blockNumber", Hex.parseQuantity(block.asText()).longValue());
                          details.put(
                              "latencyMs",
                              TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                          details.put("rpc", quick.redactedUrl());
                          return details;
                        });
              }));
    }
    return probes;
  }

  @Override
  public void monitor(EngineMeters meters, ScheduledExecutorService maintenance) {
    for (Network network : networks()) {
      for (ExactEvmFacilitator.LaneStats lane : exact.laneStats(network)) {
        EvmAddress signer = lane.signer();
        meters.functionCounter(
            "x402j.facilitator.nonce.resyncs",
            "times the node's nonce count corrected a signer's lane",
            Map.of("network", network.toString(), "signer", signer.toString()),
            () ->
                exact.laneStats(network).stream()
                    .filter(s -> s.signer().equals(signer))
                    .mapToLong(ExactEvmFacilitator.LaneStats::resyncs)
                    .sum());
      }
      watchBalances(network, meters, maintenance);
    }
  }

  private void watchBalances(
      Network network, EngineMeters meters, ScheduledExecutorService maintenance) {
    JsonRpcClient rpc =
        JsonRpcClient.builder(rpcUrls.get(network))
            .timeout(Duration.ofSeconds(5))
            .maxAttempts(2)
            .build();
    for (String signer : exact.signers(network)) {
      AtomicReference<BigInteger> wei = new AtomicReference<>();
      balances.put(new SignerKey(network, signer), wei);
      meters.gauge(
          "x402j.facilitator.signer.balance",
          "ETH balance of a gas-paying signer (-1e-9 until first read)",
          "eth",
          Map.of("network", network.toString(), "signer", signer),
          () -> {
            BigInteger known = wei.get();
            return known == null ? -1e-9 : new BigDecimal(known).movePointLeft(18).doubleValue();
          });
      Runnable refresh =
          () ->
              rpc.call("eth_getBalance", EvmAddress.parse(signer).toLowerHex(), "latest")
                  .thenAccept(read -> wei.set(Hex.parseQuantity(read.asText())))
                  .exceptionally(e -> null);
      maintenance.scheduleWithFixedDelay(
          refresh, 0, BALANCE_REFRESH.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public List<SignerBalance> signerBalances() {
    List<SignerBalance> out = new ArrayList<>();
    for (Network network : networks()) {
      for (String signer : exact.signers(network)) {
        AtomicReference<BigInteger> wei = balances.get(new SignerKey(network, signer));
        out.add(new SignerBalance(network, signer, "ETH", 18, wei == null ? null : wei.get()));
      }
    }
    return out;
  }

  @Override
  public void close() {
    exact.close();
  }
}
