package io.x402j.evm.facilitator.internal;

import io.x402j.evm.EvmAddress;
import io.x402j.evm.Signer;
import io.x402j.evm.facilitator.EvmNetworkConfig;
import io.x402j.evm.rpc.JsonRpcClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a facilitator keeps per EVM network at run time: the configuration, one nonce lane per
 * signer (used round-robin), the receipt tracker, and the token addresses already seen to hold
 * code. Not part of the x402j API.
 */
public final class EvmChain {
  private final EvmNetworkConfig config;
  private final List<NonceLane> lanes;
  private final AtomicInteger roundRobin = new AtomicInteger();
  private final ReceiptTracker receipts;
  private final Set<EvmAddress> knownContracts = ConcurrentHashMap.newKeySet();

  /** The runtime of {@code config}, polling receipts on {@code scheduler}. */
  public EvmChain(EvmNetworkConfig config, ScheduledExecutorService scheduler) {
    this.config = config;
    List<NonceLane> list = new ArrayList<>();
    for (Signer signer : config.signers()) {
      list.add(new NonceLane(signer));
    }
    this.lanes = List.copyOf(list);
    this.receipts = new ReceiptTracker(config.rpc(), scheduler, config.pollInterval());
  }

  /** The configuration. */
  public EvmNetworkConfig config() {
    return config;
  }

  /** The node client. */
  public JsonRpcClient rpc() {
    return config.rpc();
  }

  /** The receipt tracker. */
  public ReceiptTracker receipts() {
    return receipts;
  }

  /** Every lane. */
  public List<NonceLane> lanes() {
    return lanes;
  }

  /** The next lane in round-robin order. */
  public NonceLane nextLane() {
    return lanes.get(Math.floorMod(roundRobin.getAndIncrement(), lanes.size()));
  }

  /** The lane of {@code signer}, or {@code null}. */
  public NonceLane laneOf(EvmAddress signer) {
    for (NonceLane lane : lanes) {
      if (lane.signer().address().equals(signer)) {
        return lane;
      }
    }
    return null;
  }

  /** The account simulations run as. */
  public EvmAddress simulationSender() {
    return lanes.get(0).signer().address();
  }

  /** Whether {@code address} was seen to hold code (code never disappears but by self-destruct). */
  public boolean isKnownContract(EvmAddress address) {
    return knownContracts.contains(address);
  }

  /** Remembers that {@code address} holds code. */
  public void rememberContract(EvmAddress address) {
    knownContracts.add(address);
  }
}
