package io.x402j.evm;

import io.x402j.core.Asset;
import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.Price;
import io.x402j.core.scheme.AssetAmount;
import io.x402j.core.scheme.PaymentIdentity;
import io.x402j.core.scheme.SchemeServer;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SupportedKind;
import java.util.Map;
import java.util.Objects;

/**
 * Prices upto-scheme requirements on EVM networks: the price is the ceiling the payer authorizes;
 * the seller settles what was used, at most that. Prices resolve to a token as for {@link
 * ExactEvmServer}; {@code extra} is {@code {name, version, assetTransferMethod: "permit2"}} (name
 * and version when the token has an EIP-712 domain). {@link #enhanceRequirements} adds the {@code
 * facilitatorAddress} the facilitator advertises for the kind in {@code /supported} (payers bind it
 * into the Permit2 witness), so a gate must know the facilitator's kinds ({@link
 * #needsSupportedKind()} is true). Thread-safe.
 */
public final class UptoEvmServer implements SchemeServer {
  private final NetworkRegistry networks;

  /** A server pricing with the tokens of {@code networks}. */
  public UptoEvmServer(NetworkRegistry networks) {
    this.networks = Objects.requireNonNull(networks, "networks");
  }

  @Override
  public String scheme() {
    return "upto";
  }

  /**
   * Resolves the ceiling {@code price} on {@code network}.
   *
   * @throws IllegalArgumentException as {@link ExactEvmServer#parsePrice(Price, Network)}
   */
  @Override
  public AssetAmount parsePrice(Price price, Network network) {
    return ExactEvmServer.forPermit2Asset(
        price, ExactEvmServer.resolveAsset(networks, price, network));
  }

  /**
   * Resolves the ceiling {@code price} in {@code asset}.
   *
   * @throws IllegalArgumentException when the network is not EVM or the asset is not an address
   */
  @Override
  public AssetAmount parsePrice(Price price, Network network, Asset asset) {
    if (!network.isEvm()) {
      throw new IllegalArgumentException("network " + network + " is not an EVM network");
    }
    EvmAddress.parse(asset.address());
    return ExactEvmServer.forPermit2Asset(price, asset);
  }

  /**
   * Sets {@code extra.assetTransferMethod} to {@code "permit2"} and copies {@code
   * extra.facilitatorAddress} (checksummed) from the facilitator's supported kind. Without a kind
   * or a facilitator address in it, the requirement gets none (payers then cannot pay it), as the
   * official server does.
   *
   * @throws IllegalArgumentException if the kind's facilitatorAddress is not an address
   */
  @Override
  public PaymentRequirements enhanceRequirements(
      PaymentRequirements requirements, SupportedKind kind) {
    PaymentRequirements.Builder b =
        requirements.toBuilder().extra("assetTransferMethod", "permit2");
    Object facilitator =
        kind == null || kind.extra() == null ? null : kind.extra().get("facilitatorAddress");
    if (facilitator != null) {
      if (!(facilitator instanceof String)) {
        throw new IllegalArgumentException(
            "the facilitator's supported kind has a facilitatorAddress that is not a string");
      }
      EvmAddress address;
      try {
        address = EvmAddress.parse((String) facilitator);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "the facilitator's supported kind extra.facilitatorAddress: " + e.getMessage(), e);
      }
      b.extra("facilitatorAddress", address.toString());
    }
    return b.build();
  }

  /** True: the requirement needs the facilitator's {@code facilitatorAddress}. */
  @Override
  public boolean needsSupportedKind() {
    return true;
  }

  /**
   * The identity of an upto payment: (network, owner, Permit2 nonce as a number), see {@link
   * Permit2Payload#identity}, acceptable until the Permit2 deadline. The payload must carry the
   * upto witness (with a facilitator) and the upto proxy as spender.
   *
   * @throws IllegalArgumentException naming the field when the payload is malformed
   */
  @Override
  public PaymentIdentity identify(
      int x402Version, PaymentRequirements requirements, Map<String, Object> payload) {
    return ExactEvmServer.permit2Identity(
        requirements, Permit2Payload.fromMap(payload).requireUpto());
  }
}
