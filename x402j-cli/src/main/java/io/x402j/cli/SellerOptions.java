package io.x402j.cli;

import io.x402j.gateway.GatewayConfig;
import io.x402j.gateway.GatewayConfig.AssetSpec;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The payment flags that {@code gateway} and {@code mcp-gateway} share: the facilitator, the
 * network, who is paid, the token and how long payers have. A picocli mixin; the values are parsed
 * by {@link GatewayConfig}'s parsers so both commands read them alike.
 */
final class SellerOptions {
  @Option(names = "--facilitator", paramLabel = "URL", description = "The facilitator.")
  String facilitator;

  @Option(
      names = "--facilitator-token-env",
      paramLabel = "VAR",
      description = "Environment variable holding the facilitator's bearer token.")
  String facilitatorTokenEnv;

  @Option(
      names = "--network",
      paramLabel = "NETWORK",
      description = "e.g. eip155:84532 or solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1.")
  String network;

  @Option(
      names = "--v1-name",
      paramLabel = "NAME",
      description = "Protocol v1 name for a network x402j does not know.")
  String v1Name;

  @Option(
      names = "--pay-to",
      paramLabel = "ADDRESS",
      description = "Who is paid: an 0x address, or the base58 owner on Solana.")
  String payTo;

  @Option(
      names = "--asset",
      paramLabel = "ADDRESS",
      description = "The token, a mint on Solana (default: the network's USDC).")
  String asset;

  @Option(
      names = "--asset-name",
      paramLabel = "NAME",
      description = "The token's EIP-712 name (EVM only).")
  String assetName;

  @Option(
      names = "--asset-version",
      paramLabel = "VERSION",
      description = "The token's EIP-712 version (EVM only).")
  String assetVersion;

  @Option(
      names = "--asset-decimals",
      paramLabel = "N",
      description = "The token's decimals; allows $ prices in it.")
  String assetDecimals;

  @Option(names = "--asset-symbol", paramLabel = "SYMBOL", description = "The token's symbol.")
  String assetSymbol;

  @Option(
      names = "--max-timeout",
      paramLabel = "SECONDS",
      defaultValue = "60",
      description = "How long payers have to pay (default ${DEFAULT-VALUE}).")
  String maxTimeoutSeconds;

  /** Adds the required flags of these that are missing, in the order the messages name them. */
  void addMissing(List<String> missing) {
    if (facilitator == null) {
      missing.add("--facilitator");
    }
    if (network == null) {
      missing.add("--network");
    }
    if (payTo == null) {
      missing.add("--pay-to");
    }
  }

  /** {@code --asset-decimals}, parsed (first, as the commands always have). */
  Integer decimals() {
    return GatewayConfig.DECIMALS.parse("--asset-decimals", assetDecimals, null);
  }

  /** {@code --facilitator}, parsed. */
  URI facilitatorUrl() {
    return GatewayConfig.URL.parse("--facilitator", facilitator);
  }

  /** {@code --network}, parsed. */
  String parsedNetwork() {
    return GatewayConfig.NETWORK.parse("--network", network);
  }

  /** {@code --pay-to}, parsed. */
  String parsedPayTo() {
    return GatewayConfig.PAY_TO.parse("--pay-to", payTo);
  }

  /** {@code --asset} and its details with {@link #decimals()}, or null for the network's USDC. */
  AssetSpec assetSpec(Integer decimals) {
    return asset == null
        ? null
        : new AssetSpec(
            GatewayConfig.ASSET.parse("--asset", asset),
            assetName,
            assetVersion,
            decimals,
            assetSymbol);
  }

  /** {@code --max-timeout}, parsed. */
  int maxTimeout() {
    return GatewayConfig.MAX_TIMEOUT_SECONDS.parse("--max-timeout", maxTimeoutSeconds);
  }

  /** The {@code --also-accept} values, parsed. */
  static List<GatewayConfig.OfferSpec> alsoAccept(List<String> values) {
    List<GatewayConfig.OfferSpec> also = new ArrayList<>();
    if (values != null) {
      for (String a : values) {
        also.add(GatewayConfig.ALSO_ACCEPT.parse("--also-accept", a));
      }
    }
    return also;
  }

  /** {@code --asset-transfer-method}, parsed, or null when not given. */
  static String assetTransferMethod(String value) {
    return value == null
        ? null
        : GatewayConfig.ASSET_TRANSFER_METHOD.parse("--asset-transfer-method", value);
  }
}
