package io.x402j.facilitator.internal;

import io.x402j.core.Asset;
import io.x402j.core.Network;
import io.x402j.core.NetworkInfo;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.facilitator.EngineFactory;
import io.x402j.facilitator.FacilitatorConfig.NetworkSettings;
import io.x402j.facilitator.FacilitatorConfig.SignerSource;
import io.x402j.settlement.SettlementEngine;
import io.x402j.svm.SolanaAddress;
import io.x402j.svm.SolanaKeypair;
import io.x402j.svm.facilitator.ExactSvmFacilitator;
import io.x402j.svm.facilitator.SvmNetworkConfig;
import io.x402j.svm.facilitator.SvmSettlementEngine;
import io.x402j.svm.rpc.SolanaRpcClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the Solana ({@code solana}) engine from the facilitator's network settings: a Solana RPC
 * client per network (with fallbacks and error metrics), the fee payers from environment variables
 * (base58 64-byte secret keys, comma-separated), the accepted mints (by default the network's USDC,
 * where x402j knows it) and the compute caps, and {@link ExactSvmFacilitator} on the shared ledger.
 * Not part of the x402j API.
 */
public final class SvmEngineFactory implements EngineFactory {
  @Override
  public String family() {
    return Network.SOLANA;
  }

  @Override
  public SettlementEngine create(List<NetworkSettings> networks, Context context) {
    ExactSvmFacilitator.Builder builder =
        ExactSvmFacilitator.builder().ledger(context.ledger()).claimLease(context.claimLease());
    for (NetworkSettings settings : networks) {
      builder.network(networkConfig(settings, context));
    }
    return SvmSettlementEngine.of(builder.build());
  }

  private static SvmNetworkConfig networkConfig(NetworkSettings settings, Context context) {
    JsonRpcClient rpc =
        RpcClients.build(
            SolanaRpcClient.builder(settings.rpcUrls().get(0)), settings, context.metrics());
    SvmNetworkConfig.Builder b =
        SvmNetworkConfig.builder(settings.network(), SolanaRpcClient.of(rpc));
    b.feePayers(feePayers(settings, context.env()));
    List<String> mints = settings.mints();
    if (mints.isEmpty()) {
      Optional<NetworkInfo> info = context.networks().find(settings.network());
      mints = info.map(i -> i.assets().stream().map(Asset::address).toList()).orElse(List.of());
    }
    for (String mint : mints) {
      try {
        b.asset(SolanaAddress.parse(mint));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "network " + settings.network() + ": mint " + mint + ": " + e.getMessage());
      }
    }
    if (settings.maxComputeUnitPrice() != null) {
      b.maxComputeUnitPrice(settings.maxComputeUnitPrice());
    }
    if (settings.maxComputeUnits() != null) {
      b.maxComputeUnits(settings.maxComputeUnits());
    }
    if (settings.maxPriorityFeeLamports() != null) {
      b.maxPriorityFeeLamports(settings.maxPriorityFeeLamports());
    }
    if (settings.receiptTimeout() != null) {
      b.confirmTimeout(settings.receiptTimeout());
    }
    if (settings.pollInterval() != null) {
      b.pollCadence(
          settings.pollInterval(), java.time.Duration.ofSeconds(2), settings.pollInterval());
    }
    return b.build();
  }

  /** The fee payers of a network; secrets never echoed. */
  static List<SolanaKeypair> feePayers(NetworkSettings settings, Map<String, String> env) {
    List<SolanaKeypair> keys = new ArrayList<>();
    for (SignerSource source : settings.signers()) {
      String where = "fee payers of " + settings.network();
      if (source.env() == null) {
        throw new IllegalArgumentException(
            "keystore "
                + source.keystore()
                + " ("
                + where
                + "): Solana fee payers come from an environment variable of base58 secret keys");
      }
      String value = env.get(source.env());
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(
            "environment variable " + source.env() + " (" + where + ") is not set");
      }
      String[] parts = value.split(",");
      for (int i = 0; i < parts.length; i++) {
        try {
          keys.add(SolanaKeypair.fromBase58Secret(parts[i].strip()));
        } catch (IllegalArgumentException e) {
          // The parser's message names what is wrong (length, character), never the key itself.
          throw new IllegalArgumentException(
              "key "
                  + (i + 1)
                  + " in "
                  + source.env()
                  + " ("
                  + where
                  + ") is not a base58 64-byte Solana secret key");
        }
      }
    }
    return keys;
  }
}
