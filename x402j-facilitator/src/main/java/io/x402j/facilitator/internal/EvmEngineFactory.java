package io.x402j.facilitator.internal;

import io.x402j.core.Network;
import io.x402j.core.NetworkInfo;
import io.x402j.core.NetworkRegistry;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.Signer;
import io.x402j.evm.facilitator.EvmNetworkConfig;
import io.x402j.evm.facilitator.EvmSettlementEngine;
import io.x402j.evm.facilitator.ExactEvmFacilitator;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.facilitator.EngineFactory;
import io.x402j.facilitator.FacilitatorConfig.NetworkSettings;
import io.x402j.facilitator.FacilitatorConfig.SignerSource;
import io.x402j.settlement.SettlementEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the EVM ({@code eip155}) engine from the facilitator's network settings: an RPC client per
 * network (with fallbacks and error metrics), the gas-paying signers from environment variables and
 * keystores, and {@link ExactEvmFacilitator} on the shared ledger. Not part of the x402j API.
 */
public final class EvmEngineFactory implements EngineFactory {
  @Override
  public String family() {
    return Network.EIP155;
  }

  @Override
  public SettlementEngine create(List<NetworkSettings> networks, Context context) {
    ExactEvmFacilitator.Builder builder =
        ExactEvmFacilitator.builder()
            .ledger(context.ledger())
            .claimLease(context.claimLease())
            .onRevert(context.revertBan()::reverted)
            .builderCode(context.builderCode(), context.builderServiceCode());
    Map<Network, String> rpcUrls = new LinkedHashMap<>();
    for (NetworkSettings settings : networks) {
      builder.network(networkConfig(settings, context));
      rpcUrls.put(settings.network(), settings.rpcUrls().get(0));
    }
    return EvmSettlementEngine.of(builder.build(), rpcUrls);
  }

  private static EvmNetworkConfig networkConfig(NetworkSettings settings, Context context) {
    JsonRpcClient rpc =
        RpcClients.build(
            JsonRpcClient.builder(settings.rpcUrls().get(0)), settings, context.metrics());

    NetworkRegistry networks = context.networks();
    NetworkInfo info = networks.find(settings.network()).orElseThrow();
    if (!settings.assets().isEmpty()) {
      info = info.toBuilder().clearAssets().build(); // only the listed tokens
    }
    EvmNetworkConfig.Builder b = EvmNetworkConfig.builder(info, rpc);
    settings.assets().forEach(b::asset);
    settings.eip6492AllowedFactories().forEach(b::allowEip6492Factory);
    b.signers(signers(settings, context.env()));
    if (settings.receiptTimeout() != null) {
      b.receiptTimeout(settings.receiptTimeout());
    }
    if (settings.pollInterval() != null) {
      b.pollInterval(settings.pollInterval());
    }
    if (settings.maxFeePerGasWei() != null) {
      b.maxFeePerGas(settings.maxFeePerGasWei());
    }
    if (settings.gasLimitCap() != null) {
      b.gasLimitCap(settings.gasLimitCap());
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "network "
              + settings.network()
              + ": "
              + e.getMessage()
              + " (list assets, or use a network with a default USDC)");
    }
  }

  /** The signers of a network, from environment variables and keystores; secrets never echoed. */
  static List<Signer> signers(NetworkSettings settings, Map<String, String> env) {
    List<Signer> signers = new ArrayList<>();
    for (SignerSource source : settings.signers()) {
      String where = "signers of " + settings.network();
      if (source.env() != null) {
        String keys = env.get(source.env());
        if (keys == null || keys.isBlank()) {
          throw new IllegalArgumentException(
              "environment variable " + source.env() + " (" + where + ") is not set");
        }
        String[] parts = keys.split(",");
        for (int i = 0; i < parts.length; i++) {
          try {
            signers.add(PrivateKeySigner.fromHex(parts[i]));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "key " + (i + 1) + " in " + source.env() + " (" + where + "): " + e.getMessage());
          }
        }
      } else {
        String password = env.get(source.passwordEnv());
        if (password == null) {
          throw new IllegalArgumentException(
              "environment variable "
                  + source.passwordEnv()
                  + " (password of "
                  + source.keystore()
                  + ") is not set");
        }
        try {
          signers.add(PrivateKeySigner.fromKeystore(source.keystore(), password.toCharArray()));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read keystore " + source.keystore(), e);
        }
      }
    }
    return signers;
  }
}
